"""The one table every benchmark prints: a line per figure with its goal, the ratio to it and
whether it meets it (BENCHMARKS.md reproduces the latest)."""

from __future__ import annotations

from bench.figure import Figure

COLUMNS = ("fig", "name", "chain", "records", "value", "p50/p95/p99 s", "success", "goal", "ratio", "")


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}" if abs(value) < 1_000_000 else f"{value:,.0f}"


def row(figure: Figure) -> tuple[str, ...]:
    """A figure's cells, in the order of COLUMNS."""
    latency = "-" if figure.p50 is None else "/".join(_number(v, 3) for v in (figure.p50, figure.p95, figure.p99))
    goal = "-" if figure.goal is None else ("<= " if figure.goal_is_max else ">= ") + _number(figure.goal)
    verdict = {None: "", True: "MEETS", False: "MISSES"}[figure.meets_goal]
    return (str(figure.number), figure.name, figure.chain, f"{figure.records:,}", f"{_number(figure.value)} {figure.unit}",
            latency, "-" if figure.success_rate is None else f"{figure.success_rate:.1%}", goal,
            "-" if figure.ratio_to_goal is None else f"{figure.ratio_to_goal:.2f}", verdict)


def table(rows: list[tuple[str, ...]], markdown: bool = False) -> str:
    """The table of some rows (``row(figure)``, or a failed module's line), aligned or as Markdown."""
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def print_figures(figures: list[Figure]) -> None:
    """For a benchmark module's own ``__main__``: its figures as the harness prints them."""
    print(table([row(f) for f in figures]))
    for figure in figures:
        if figure.note:
            print(f"  fig {figure.number} {figure.name}: {figure.note}")


def markdown_of(path: str) -> str:
    """The Markdown table of a results file (``bench/results/<date>.json``), for BENCHMARKS.md."""
    import json

    record = json.loads(open(path, encoding="utf-8").read())
    fields = set(Figure.__dataclass_fields__)
    rows = [row(Figure(**{k: v for k, v in f.items() if k in fields})) for f in record["figures"]]
    rows += [("-", f"{m['module']}: {m['error'] or 'module not present on this branch'}", *["-"] * 7, m["status"].upper())
             for m in record["modules"] if m["status"] != "ok"]
    about = record["machine"]
    return (f"Run of {record['started_at']}{' (--quick)' if record['quick'] else ''}, commit {about['git_commit']}, "
            f"{about['cores']} cores, load average {about['load_average_before'][0]:.1f} before and "
            f"{about['load_average_after'][0]:.1f} after; {', '.join(f'{k} {v}' for k, v in about['versions'].items())}.\n\n"
            + table(rows, markdown=True))


if __name__ == "__main__":  # python -m bench.report bench/results/<date>.json: the table for BENCHMARKS.md
    import sys

    print(markdown_of(sys.argv[1]))

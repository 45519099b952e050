"""The demo's summary table and its HTML report (`reports/demo.html`), both drawn from the
evidence the stories returned, the steps' chain activity and the department databases.

The page is self-contained (inline CSS and SVG charts, no script, no network), so it opens
anywhere and can be mailed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.cli import DEPARTMENTS as ORACLES
from chaincity.db import SourceRecord
from chaincity.demo.city import DEPARTMENTS, DemoCity
from chaincity.gateway.receipts import RECEIPTS

THROUGHPUT_POINTS = 40


def records_per_registry(city: DemoCity) -> dict[str, int]:
    """Records on chain per registry and kind of record ("PropertyRegistry · title"), from
    every department database: each oracle's own (a bank's mortgages and its voucher desk's
    vouchers) and the gateway's read receipts."""

    counts: Counter[str] = Counter()
    for dept in DEPARTMENTS:
        if dept.oracle is None:
            continue
        with Session(city.engine(dept)) as session:
            for oracle, kind, count in session.execute(select(SourceRecord.department, SourceRecord.kind, func.count())
                                                       .where(SourceRecord.status == "confirmed")
                                                       .group_by(SourceRecord.department, SourceRecord.kind)):
                mapping = RECEIPTS if kind == RECEIPTS.kind else ORACLES[oracle].chain_of(kind)
                counts[f"{mapping.contract} · {kind}"] += count
    return dict(sorted(counts.items()))


def import_throughput(city: DemoCity) -> list[tuple[float, int]]:
    """Titles on chain against seconds since the registration centre's sync began, from each
    title's confirmation time in its database: (seconds, titles on chain so far)."""
    rec = next(d for d in DEPARTMENTS if d.code == "LD-REC")
    with Session(city.engine(rec)) as session:
        times = sorted(t for t in session.scalars(select(SourceRecord.synced_at).where(
            SourceRecord.kind == "title", SourceRecord.status == "confirmed")) if t is not None)
    if not times:
        return []
    start = city.sync_started.get(rec.code, times[0])
    if start.tzinfo is not None and times[0].tzinfo is None:  # SQLite returns naive UTC datetimes
        start = start.replace(tzinfo=None)
    points = [((t - start).total_seconds(), n) for n, t in enumerate(times, 1)]
    step = max(1, len(points) // THROUGHPUT_POINTS)
    return [(0.0, 0)] + points[step - 1::step] + ([points[-1]] if len(points) % step else [])


def summary_text(run) -> str:
    city = run.city
    lines = [f"{'step':<52} {'seconds':>8} {'transactions':>12} {'gas':>14}"]
    for step in city.steps:
        lines.append(f"{step.name:<52} {step.seconds:>8.1f} {step.transactions:>12,} {step.gas:>14,}")
    total = (sum(s.transactions for s in city.steps), sum(s.gas for s in city.steps))
    lines.append(f"{'total':<52} {run.seconds:>8.1f} {total[0]:>12,} {total[1]:>14,}")
    lines.append("")
    lines.append(f"{'records on chain, per registry':<52} {'records':>8}")
    for name, count in records_per_registry(city).items():
        lines.append(f"{name:<52} {count:>8,}")
    return "\n".join(lines)


# ---- HTML -------------------------------------------------------------------------------------

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC",sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
header{background:#123a5a;color:#fff;padding:28px 40px}header h1{margin:0 0 6px;font-size:26px}header p{margin:0;opacity:.85}
main{max-width:1100px;margin:0 auto;padding:24px 40px 60px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:18px 24px;margin:18px 0}
h2{font-size:19px;margin:0 0 12px}h2 .n{display:inline-block;width:28px;height:28px;line-height:28px;text-align:center;
border-radius:50%;background:#1f6f4a;color:#fff;font-size:15px;margin-right:10px}
section.skipped{opacity:.6}section.skipped h2 .n{background:#8a96a3}
td:first-child{width:30%}td{overflow-wrap:anywhere}tr.sub td:first-child{padding-left:24px;color:#5b6875}tr.head td{font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{padding:5px 8px;border-bottom:1px solid #e6e9ed;text-align:left;vertical-align:top}
th{color:#5b6875;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12.5px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}.tx{margin-top:10px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}.grid section{margin:0}
.badge{font-size:12px;background:#e6f2eb;color:#1f6f4a;border-radius:10px;padding:2px 8px;margin-left:8px;vertical-align:middle}
.skipped .badge{background:#eceff2;color:#5b6875}
"""


def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    cells = "".join(f"<th class=num>{escape(h)}</th>" if i in numeric else f"<th>{escape(h)}</th>"
                    for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(f"<td class=num>{c}</td>" if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def bar_chart(values: dict[str, int], width: int = 480) -> str:
    """Horizontal bars, one per label, with the value at the end."""
    if not values:
        return "<p>No records.</p>"
    bar_h, label_w, top = 22, 230, max(values.values()) or 1
    rows = []
    for i, (label, value) in enumerate(values.items()):
        y, w = i * (bar_h + 6), max(2, (width - label_w - 70) * value / top)
        rows.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="#2b7bb9"/>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">{value:,}</text>')
    height = len(values) * (bar_h + 6)
    return f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="records per registry">{"".join(rows)}</svg>'


def line_chart(points: list[tuple[float, int]], width: int = 480, height: int = 220) -> str:
    """Titles on chain over the import's seconds, with axis labels and the mean rate."""
    if len(points) < 2:
        return "<p>Not enough points.</p>"
    left, bottom, pad = 56, 30, 12
    max_x, max_y = max(p[0] for p in points) or 1, max(p[1] for p in points) or 1
    sx = lambda x: left + (width - left - pad) * x / max_x  # noqa: E731
    sy = lambda y: height - bottom - (height - bottom - pad) * y / max_y  # noqa: E731
    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(points))
    rate = max_y / max_x
    return (f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="import throughput">'
            f'<line x1="{left}" y1="{sy(0)}" x2="{width - pad}" y2="{sy(0)}" stroke="#9aa5b1"/>'
            f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{sy(0)}" stroke="#9aa5b1"/>'
            f'<text x="{left - 6}" y="{sy(max_y) + 4:.1f}" text-anchor="end" font-size="11">{max_y:,}</text>'
            f'<text x="{left - 6}" y="{sy(0) + 4:.1f}" text-anchor="end" font-size="11">0</text>'
            f'<text x="{left}" y="{height - 10}" font-size="11">0 s</text>'
            f'<text x="{(left + width) / 2:.0f}" y="{height - 10}" text-anchor="middle" font-size="11" fill="#5b6875">'
            "seconds since the registration centre's sync began</text>"
            f'<text x="{width - pad}" y="{height - 10}" text-anchor="end" font-size="11">{max_x:.1f} s</text>'
            f'<path d="{path}" fill="none" stroke="#1f6f4a" stroke-width="2.5"/>'
            f'<text x="{left + 8}" y="{pad + 12}" font-size="12">{max_y:,} titles in {max_x:.1f} s: {rate:,.0f} titles/s</text></svg>')


def _story(result) -> str:
    skipped = result.status == "skipped"
    badge = "not built yet" if skipped else f"{result.seconds:.1f} s"
    html = [f'<section class="story{" skipped" if skipped else ""}" id="story-{result.number}">',
            f'<h2><span class=n>{result.number}</span>{escape(result.title)}<span class=badge>{escape(badge)}</span></h2>']
    if skipped:
        html.append(f"<p>{escape(result.note or 'Skipped.')}</p>")
    else:
        html.append("<table>" + "".join(
            f'<tr class="{"sub" if k.startswith(" ") else "head" if result.number == 8 else ""}">'
            f"<td>{escape(k.strip())}</td><td>{escape(v)}</td></tr>" for k, v in result.facts) + "</table>")
        if result.transactions:
            html.append('<div class=tx>' + _table(["transaction", "hash", "block"], [
                [escape(t.what), f"<code>{escape(t.tx_hash)}</code>", "not mined yet" if t.block is None else f"{t.block:,}"]
                for t in result.transactions],
                numeric={2}) + "</div>")
    return "".join(html) + "</section>"


def write_html(run, path: Path) -> None:
    city = run.city
    steps = _table(["step", "seconds", "transactions", "gas"], [
        [escape(s.name), f"{s.seconds:.1f}", f"{s.transactions:,}", f"{s.gas:,}"] for s in city.steps]
        + [["<b>total</b>", f"<b>{run.seconds:.1f}</b>", f"<b>{sum(s.transactions for s in city.steps):,}</b>",
            f"<b>{sum(s.gas for s in city.steps):,}</b>"]], numeric={1, 2, 3})
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Chain City demo</title>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head><body>"
            f"<header><h1>Chain City — the demo</h1><p>Loudi-shaped city of {run.households:,} households on "
            f"{'an' if city.devnet.name[0] in 'aeiou' else 'a'} {escape(city.devnet.name.capitalize())} devnet (chain id {city.devnet.chain_id}), {when}; "
            f"{run.seconds:.0f} s end to end.</p></header><main>"
            f'<div class=grid><section><h2>Records on chain per registry</h2>{bar_chart(records_per_registry(city))}</section>'
            f"<section><h2>The import's throughput</h2>{line_chart(import_throughput(city))}</section></div>"
            + "".join(_story(r) for r in run.results)
            + f"<section><h2>Steps</h2>{steps}</section></main></body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")

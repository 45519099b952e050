"""`make bench` / ``python -m bench [--quick] [--only MODULES] [--out DIR]``: every figure module
in turn, one table, and ``<out>/<YYYY-MM-DD>.json`` with the figures and the machine they ran on.

A module is a name in ``MODULES`` (``bench.<name>``) or a dotted module path, exposing
``measure(quick: bool = False) -> list[Figure]``. A module that is not there yet is reported
absent; one that raises is reported as a failed line and the run goes on.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.report import row, table

ROOT = Path(__file__).resolve().parents[1]
# In the order of BENCHMARKS.md's figures (a module may report several).
MODULES = ("gas", "title_import", "reads", "consortium", "gateway", "companies", "vouchers")


def _output(*command: str) -> str | None:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict:
    """What the figures ran on (the load average is added before and after the run)."""
    from chaincity.devnet import DEVNETS, DevnetError, find_executable

    versions = {"python": platform.python_version()}
    for name, net in DEVNETS.items():
        try:
            found = _output(find_executable(net, ROOT), "--version")
            versions[name] = found.splitlines()[0] if found else None  # Anvil adds its commit and build lines
        except DevnetError:
            versions[name] = None
    commit = _output("git", "rev-parse", "HEAD")
    if commit and _output("git", "status", "--porcelain", "--untracked-files=no"):
        commit += "-dirty"
    return {"cores": os.cpu_count(), "platform": platform.platform(), "git_commit": commit, "versions": versions}


def _module_name(name: str) -> str:
    return name if "." in name else f"bench.{name}"


def run_module(name: str, quick: bool) -> dict:
    """One module's outcome: status (ok, failed, absent), its figures, the error, the seconds."""
    module_name = _module_name(name)
    outcome = {"module": name, "status": "ok", "figures": [], "error": None, "seconds": 0.0}
    try:
        if importlib.util.find_spec(module_name) is None:
            return outcome | {"status": "absent"}
    except ModuleNotFoundError:  # a parent package missing
        return outcome | {"status": "absent"}
    started = time.monotonic()
    try:
        figures = importlib.import_module(module_name).measure(quick=quick)
        outcome["figures"] = list(figures)
    except Exception as exc:  # noqa: BLE001 - a failed line, not a crashed run
        traceback.print_exc()
        outcome |= {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    outcome["seconds"] = time.monotonic() - started
    return outcome


def rows_of(outcomes: list[dict]) -> list[tuple[str, ...]]:
    rows = []
    for outcome in outcomes:
        rows += [row(figure) for figure in outcome["figures"]]
        if outcome["status"] != "ok":
            what = outcome["error"] or "module not present on this branch"
            rows.append(("-", f"{outcome['module']}: {what}"[:120], "-", "-", "-", "-", "-", "-", "-",
                         outcome["status"].upper()))
    return rows


def _write(path: Path, started_at: datetime, quick: bool, about: dict, outcomes: list[dict]) -> None:
    record = {"started_at": started_at.isoformat(timespec="seconds"), "quick": quick, "machine": about,
              "modules": [{k: v for k, v in o.items() if k != "figures"} for o in outcomes],
              "figures": [f.as_dict() | {"module": o["module"]} for o in outcomes for f in o["figures"]]}
    path.write_text(json.dumps(record, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small run of each figure (a minute or two each)")
    parser.add_argument("--only", default=",".join(MODULES),
                        help="comma-separated modules, names in bench/ or dotted paths (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for <date>.json")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    started_at = datetime.now(UTC)
    about = machine() | {"load_average_before": os.getloadavg(), "load_average_after": os.getloadavg()}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{started_at:%Y-%m-%d}.json"
    outcomes = []
    for name in names:
        print(f"=== {name} ===", file=sys.stderr, flush=True)
        outcomes.append(run_module(name, args.quick))
        about["load_average_after"] = os.getloadavg()
        _write(path, started_at, args.quick, about, outcomes)  # after each module: a stopped run keeps the others
    print(table(rows_of(outcomes)))
    for outcome in outcomes:
        for figure in outcome["figures"]:
            if figure.note:
                print(f"  fig {figure.number} {figure.chain}, {figure.name}: {figure.note}")
    print(f"load average before {about['load_average_before'][0]:.2f}, after {about['load_average_after'][0]:.2f} "
          f"on {about['cores']} cores; commit {about['git_commit']}")
    print(f"written: {path}")
    return 1 if any(o["status"] == "failed" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

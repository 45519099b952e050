"""Smoke test of `make bench` (issue 16): the harness runs a list of figure modules, prints one
table with a MISSES line for a missed goal and a FAILED line for a module that raises, and
writes bench/results/<date>.json; the title-import figures come out positive at a tiny scale.
No wall-clock assertion: the figures are measured, not judged here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_OK = '''
from bench.figure import Figure

def measure(quick=False):
    return [Figure(9, "fast enough", "anvil", 10, 120.0, "records/s", goal=100.0, p50=0.1, p95=0.2, p99=0.3,
                   success_rate=1.0),
            Figure(9, "too slow for its goal", "anvil", 10, 30.0, "s", goal=20.0, goal_is_max=True,
                   note="quick" if quick else "full")]
'''
FAKE_BOOM = '''
def measure(quick=False):
    raise RuntimeError("the devnet fell over")
'''


def test_harness_prints_one_table_and_writes_the_day_json(tmp_path):
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "ok.py").write_text(FAKE_OK)
    (package / "boom.py").write_text(FAKE_BOOM)
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "fakebench.ok,fakebench.boom,not_written_yet",
                           "--out", str(tmp_path / "results")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr  # a module failed: the run says so, after finishing
    lines = done.stdout.splitlines()
    assert any("too slow for its goal" in line and line.rstrip().endswith("MISSES") for line in lines), done.stdout
    assert any("fast enough" in line and line.rstrip().endswith("MEETS") for line in lines), done.stdout
    assert any("fakebench.boom: RuntimeError: the devnet fell over" in line and line.rstrip().endswith("FAILED")
               for line in lines), done.stdout
    assert any("not_written_yet" in line and line.rstrip().endswith("ABSENT") for line in lines), done.stdout

    (written,) = (tmp_path / "results").glob("*.json")
    record = json.loads(written.read_text())
    assert written.name == record["started_at"][:10] + ".json"
    assert record["quick"] is True
    assert [f["name"] for f in record["figures"]] == ["fast enough", "too slow for its goal"]
    assert [f["meets_goal"] for f in record["figures"]] == [True, False]
    assert record["figures"][1]["note"] == "quick"
    assert {m["module"]: m["status"] for m in record["modules"]} == {
        "fakebench.ok": "ok", "fakebench.boom": "failed", "not_written_yet": "absent"}
    machine = record["machine"]
    assert machine["cores"] >= 1 and len(machine["load_average_before"]) == 3 and len(machine["load_average_after"]) == 3
    assert machine["versions"]["python"] and machine["versions"]["anvil"] and machine["versions"]["ganache"]


def test_title_import_quick_measure_gives_positive_figures(monkeypatch):
    """Figures 2, 3 and 6 at a few hundred records on Anvil and Ganache."""
    from bench import title_import

    monkeypatch.setattr(title_import, "QUICK", title_import.Scale(
        anvil=120, ganache=40, loudi=120, naive=12, transfers=30, changes=12))
    figures = title_import.measure(quick=True)
    assert {f.number for f in figures} == {2, 3, 6}
    assert {f.chain for f in figures if f.number == 2} == {"anvil", "ganache"}
    for figure in figures:
        if figure.unit != "blocks":  # a lag may be zero
            assert figure.value > 0, figure
        if figure.number in (2, 3):  # every title written, by every contender
            assert figure.success_rate in (None, pytest.approx(1.0)), figure
    goals = {(f.number, f.chain, f.unit, f.goal, f.goal_is_max) for f in figures if f.goal is not None}
    assert goals == {(2, "anvil", "x", 50.0, False), (2, "ganache", "x", 0.8, False),  # issue 16's goals
                     (3, "anvil (qbft-like)", "s", 60.0, True), (3, "anvil (qbft-like)", "MB", 500.0, True)}

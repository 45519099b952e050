"""Loading department exports: every row loaded once or rejected with its field and reason."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from chaincity.db import Reject, SourceRecord, open_database
from chaincity.cli import DEPARTMENTS
from chaincity.formats import make_id_number, make_unit_code
from conftest import LOUDI
from chaincity.load import load_csv
from bad_rows import write_export

OWNER_A = make_id_number("431302", date(1980, 5, 17), 123)
OWNER_B = make_id_number("431381", date(1975, 1, 2), 88)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def titles_file(tmp_path: Path, count: int = 3) -> Path:
    rows = [
        [make_unit_code("431302", 1, 2, i, 1, 101), f"{OWNER_A};{OWNER_B}", "5000;5000", "house_ownership",
         f"湘(2019)娄底市不动产权第{i:07d}号", "2019-03-01"]
        for i in range(1, count + 1)
    ]
    return write_csv(tmp_path / "titles.csv", list(DEPARTMENTS["real-estate"].columns), rows)


def counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (session.scalar(select(func.count()).select_from(SourceRecord)),
                session.scalar(select(func.count()).select_from(Reject)))


@pytest.fixture
def engine(tmp_path):
    return open_database(f"sqlite:///{tmp_path / 'department.db'}")


def test_valid_rows_load_once_and_reloading_changes_nothing(engine, tmp_path):
    path = titles_file(tmp_path)
    first = load_csv(engine, DEPARTMENTS["real-estate"], path, LOUDI)
    assert (first.rows, first.loaded, first.unchanged, first.rejected) == (3, 3, 0, 0)
    second = load_csv(engine, DEPARTMENTS["real-estate"], path, LOUDI)
    assert (second.rows, second.loaded, second.unchanged, second.rejected) == (3, 0, 3, 0)
    assert counts(engine) == (3, 0)
    with Session(engine) as session:
        record = session.scalars(select(SourceRecord).order_by(SourceRecord.row_number)).first()
    assert record.status == "pending" and record.row_number == 2
    assert record.payload["owner_id_numbers"] == [OWNER_A, OWNER_B] and record.payload["shares"] == [5000, 5000]


def test_a_changed_record_under_a_loaded_key_is_rejected_not_overwritten(engine, tmp_path):
    path = titles_file(tmp_path, 1)
    load_csv(engine, DEPARTMENTS["real-estate"], path, LOUDI)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[1][2] = "4000;6000"
    changed = write_csv(tmp_path / "changed.csv", rows[0], rows[1:])
    summary = load_csv(engine, DEPARTMENTS["real-estate"], changed, LOUDI)
    assert summary.rejected == 1 and summary.rejects[0]["field"] == "(record)"
    assert "conflicts with the record 湘(2019)娄底市不动产权第0000001号" in summary.rejects[0]["reason"]
    with Session(engine) as session:
        assert session.scalars(select(SourceRecord.payload)).one()["shares"] == [5000, 5000]


def test_short_rows_are_rejected_not_dropped(engine, tmp_path):
    path = titles_file(tmp_path, 2)
    path.write_text(path.read_text(encoding="utf-8") + "431302001002GB00017F00030102,only-two\n", encoding="utf-8")
    summary = load_csv(engine, DEPARTMENTS["real-estate"], path, LOUDI)
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert (summary.rejects[0]["row_number"], summary.rejects[0]["field"]) == (4, "(row)")
    assert summary.rows == summary.loaded + summary.rejected


def test_cli_exit_codes_and_summary(tmp_path):
    runner = CliRunner()
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    ok = runner.invoke(main, ["db", "load", "real-estate", str(titles_file(tmp_path)), "--db", db_url, "--json"])
    assert ok.exit_code == EXIT_OK, ok.output
    assert json.loads(ok.output)["loaded"] == 3
    corpus = write_export("bank", tmp_path / "bank.csv")  # the bad-row corpus (test_bad_input.py)
    bad = runner.invoke(main, ["db", "load", "bank", str(corpus), "--db", db_url])
    assert bad.exit_code == EXIT_REJECTED
    assert "bank: 35 rows: 1 loaded, 0 already loaded, 34 rejected" in bad.output
    assert "row 2 (JD-001): unit_code: length 26, expected 28" in bad.output
    missing = runner.invoke(main, ["db", "load", "court", str(tmp_path / "nope.csv"), "--db", db_url])
    assert missing.exit_code == EXIT_USAGE and "no such file" in missing.output


@pytest.mark.parametrize(("value", "message"), [("2", "between 0.05 and 1"), ("half", "must be a number")])
def test_block_share_setting_is_checked(monkeypatch, value, message):
    from chaincity.config import ConfigError, oracle_config

    monkeypatch.setenv("CHAINCITY_PEPPER", "ab" * 32)
    monkeypatch.setenv("CHAINCITY_BLOCK_SHARE", value)
    with pytest.raises(ConfigError, match=message):
        oracle_config(department_code="LD-REC")

"""Bad input across every department (issue 17): each malformed row of the corpus
(tests/python/bad_rows.py) loaded through `chaincity db load` is rejected naming its row, its
record and its field with the reason, and nothing of it is written — not to the department's
database, not to the chain after `chaincity oracle sync`."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bad_rows import CORPUS, corpus_rows, write_export
from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.cli import DEPARTMENTS, EXIT_OK, EXIT_REJECTED, main
from chaincity.db import Reject, SourceRecord, open_database
from conftest import PEPPER, make_city, onboard

# Who writes each department's export in the shared city (accounts 3-6 are make_city's).
WRITERS = {"real-estate": ("LD-REC", 3), "bank": ("LD-BANK-ICBC", 4), "court": ("LD-COURT-INT", 6),
           "court-listings": ("LD-COURT-INT", 6), "voucher": ("LD-COURT-INT", 6), "market": ("LD-AMR", 7),
           "market-listings": ("LD-AMR", 7), "tax": ("LD-TAX", 8), "tax-listings": ("LD-TAX", 8),
           "finance-listings": ("LD-FIN", 9)}
MORE_DEPARTMENTS = {"LD-AMR": (DepartmentKind.MARKET_REGULATION, 7), "LD-TAX": (DepartmentKind.TAX_BUREAU, 8),
                    "LD-FIN": (DepartmentKind.FINANCE, 9)}


def load(tmp_path, department: str, export, db_url: str):
    result = CliRunner().invoke(main, ["db", "load", department, str(export), "--db", db_url, "--json"],
                                env={"CITY_COUNTIES": ""})
    return result.exit_code, result.output


def test_every_department_has_a_corpus_and_there_are_at_least_a_hundred_bad_rows():
    assert sorted(p.stem for p in CORPUS.glob("*.csv")) == sorted(DEPARTMENTS)
    bad = {d: sum(1 for r in corpus_rows(d) if r.field) for d in DEPARTMENTS}
    assert all(bad.values()) and sum(bad.values()) >= 100, bad


@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_each_bad_row_is_rejected_naming_its_record_and_field_and_nothing_is_written(tmp_path, department):
    rows = corpus_rows(department)
    export = write_export(department, tmp_path / f"{department}.csv")
    db_url = f"sqlite:///{tmp_path / 'department.db'}"
    exit_code, output = load(tmp_path, department, export, db_url)
    summary = json.loads(output)
    valid = [r for r in rows if not r.field]
    assert (exit_code, summary["rows"], summary["loaded"], summary["rejected"]) == (
        EXIT_REJECTED, len(rows), len(valid), len(rows) - len(valid)), output
    report = list(csv.DictReader(open(summary["rejects_report"], encoding="utf-8")))
    expected = [r for r in rows if r.field]
    for row, reject in zip(expected, report, strict=True):
        assert (int(reject["row_number"]), reject["field"]) == (row.row_number, row.field), (row, reject)
        assert row.reason in reject["reason"], (row, reject)
        # The record is named as printed (its number) or by its key; a row with neither readable
        # (its number empty, cut, in a wrong encoding) is named by its row alone.
        named = [row.values.get(c, "").strip() for c in DEPARTMENTS[department].record_columns]
        if reject["field"] == "(record)" or (all(named) and all(len(n) < 60 and "{" not in n for n in named)):
            assert reject["source_id"], reject
    engine = open_database(db_url)
    with Session(engine) as session:
        loaded = session.scalars(select(SourceRecord.row_number).order_by(SourceRecord.row_number)).all()
        assert loaded == [r.row_number for r in valid]  # only the valid originals of the duplicates
        assert session.scalar(select(func.count()).select_from(Reject)) == len(expected)


@pytest.fixture(scope="module")
def shared_city(anvil, anvil_net, tmp_path_factory):
    """One city on the private Anvil for every department's "nothing on chain" check."""
    tmp_path = tmp_path_factory.mktemp("bad-input-city")
    city = make_city(anvil, tmp_path)
    for code, (kind, account) in MORE_DEPARTMENTS.items():
        onboard(anvil, city["config"].deployments_dir, code, kind, [devnet_account(account).address])
    return anvil, anvil_net, city, tmp_path


def test_no_bad_row_reaches_the_chain_after_a_sync(shared_city):
    """Every department loads its bad rows (not the duplicates, whose originals are valid) and
    syncs: no transaction is sent, no block is mined, no record is pending."""
    w3, net, city, tmp_path = shared_city
    block = w3.eth.block_number
    runner = CliRunner()
    for department in sorted(DEPARTMENTS):
        code, account = WRITERS[department]
        bad = [r for r in corpus_rows(department) if r.field and r.field != "(record)"]
        export = write_export(department, tmp_path / f"{department}.csv", bad)
        env = {"CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
               "CHAINCITY_PEPPER": PEPPER.hex(), "CHAINCITY_DEPARTMENT": code, "CHAINCITY_DEVNET_ACCOUNT": str(account),
               "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / (department + '.db')}", "CITY_COUNTIES": ""}
        nonce = w3.eth.get_transaction_count(devnet_account(account).address)
        loaded = runner.invoke(main, ["db", "load", department, str(export), "--json"], env=env)
        assert loaded.exit_code == EXIT_REJECTED, (department, loaded.output, loaded.exception)
        assert json.loads(loaded.output)["loaded"] == 0, loaded.output
        synced = runner.invoke(main, ["oracle", "sync", department, "--json"], env=env)
        assert synced.exit_code == EXIT_OK, synced.output
        summaries = json.loads(synced.output)
        assert summaries and all(s["total"] == s["confirmed"] == s["pending"] == s["transactions"] == 0 for s in summaries), summaries
        assert w3.eth.get_transaction_count(devnet_account(account).address) == nonce, department
    assert w3.eth.block_number == block

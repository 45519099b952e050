"""Synthetic Loudi-shaped exports: valid rows load, each spoiled row is rejected, nothing else."""

from __future__ import annotations

import csv

from chaincity.datagen import generate
from chaincity.db import open_database
from chaincity.cli import DEPARTMENTS
from conftest import LOUDI
from chaincity.load import load_csv


def test_generated_rows_load_and_exactly_the_spoiled_ones_are_rejected(tmp_path):
    files = generate(tmp_path / "data", households=600, bad_share=0.05, seed=7)
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    exports = [("real-estate", files.real_estate), ("real-estate", files.real_estate_changes)] + [("bank", p) for p in files.banks.values()] + [
        ("court", p) for p in files.courts.values()]
    totals = {name: [0, 0, 0] for name in files.rows}
    for name, path in exports:
        summary = load_csv(engine, DEPARTMENTS[name], path, LOUDI)
        for i, value in enumerate((summary.rows, summary.rejected, summary.loaded)):
            totals[name][i] += value
    for name, (rows, rejected, loaded) in totals.items():
        assert (rows, rejected, loaded) == (files.rows[name], files.bad_rows[name], files.rows[name] - files.bad_rows[name])
    assert files.bad_rows["real-estate"] > 0 and files.bad_rows["bank"] > 0


def test_households_shape_matches_loudi(tmp_path):
    files = generate(tmp_path, households=3_000, bad_share=0, seed=1)
    titles = list(csv.DictReader(files.real_estate.open(encoding="utf-8")))
    assert 2.2 < len(titles) / 3_000 < 2.45  # Loudi: 350,000 properties / 150,000 households
    co_owned = sum(";" in t["owner_id_numbers"] for t in titles) / len(titles)
    assert 0.35 < co_owned < 0.45
    assert len({t["unit_code"] for t in titles}) == len(titles)
    assert {t["unit_code"][:6] for t in titles} == {"431302", "431321", "431322", "431381", "431382"}
    assert 0.25 < files.rows["bank"] / len(titles) < 0.35
    for code, path in files.banks.items():
        assert {r["bank"] for r in csv.DictReader(path.open(encoding="utf-8"))} == {code}
    changes = list(csv.DictReader(files.real_estate_changes.open(encoding="utf-8")))
    actions = {a: sum(c["action"] == a for c in changes) / len(titles) for a in ("transfer", "reissue", "revoke", "cancel")}
    assert 0.02 < actions["transfer"] < 0.04 and 0 < actions["reissue"] < 0.01
    assert 0 < actions["revoke"] < 0.004 and 0 < actions["cancel"] < 0.005
    assert {c["unit_code"] for c in changes} <= {t["unit_code"] for t in titles}


def test_same_seed_same_files(tmp_path):
    first = generate(tmp_path / "a", households=200, seed=3)
    second = generate(tmp_path / "b", households=200, seed=3)
    assert first.real_estate.read_bytes() == second.real_estate.read_bytes()
    assert [p.read_bytes() for p in first.banks.values()] == [p.read_bytes() for p in second.banks.values()]


def test_each_seizure_has_its_assistance_notice_as_a_voucher_and_exactly_the_spoiled_ones_are_rejected(tmp_path):
    """The courts' assistance-in-enforcement notices (Civil Procedure Law Art. 258): one
    COURT_ASSISTANCE voucher per seizure, issued by its court to the registration centre."""
    from chaincity.voucher_data import CENTRE, TYPE, generate_vouchers

    files = generate(tmp_path / "data", households=1_500, bad_share=0, seed=3)
    notices = generate_vouchers(tmp_path / "data", files.courts, bad_share=0.2, seed=3)
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    seizures = loaded = rejected = 0
    for code, path in notices.exports.items():
        seizures += sum(r["action"] == "seize" for r in csv.DictReader(files.courts[code].open(encoding="utf-8")))
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert {(r["department"], r["action"]) for r in rows} == {(code, "issue")}
        assert {(r["type"], r["holder"]) for r in rows} - {("", CENTRE), (TYPE, CENTRE), (TYPE, CENTRE.lower())} == set()
        summary = load_csv(engine, DEPARTMENTS["voucher"], path, LOUDI)
        loaded, rejected = loaded + summary.loaded, rejected + summary.rejected
    assert notices.rows == seizures == loaded + rejected > 10
    assert rejected == notices.bad_rows > 0

"""The voucher desk through the CLI on a devnet: a bank issues a mortgage-release voucher and hands
it to the registration centre, which accepts and redeems it; anyone verifies a voucher by its
digest or document file, and a forged one fails; a revocation needs a reason; a voucher export
loads and syncs like any department's, and a resent export writes nothing twice."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaincity.cli import DEPARTMENTS, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from conftest import PEPPER, Oracles, administrators, make_city

UNIT = "431302001002GB00017F00030102"
SIGNERS = {"LD-REC": 3, "LD-BANK-ICBC": 4, "LD-BANK-CCB": 5}


def make_cli(rpc_url: str, city: dict, tmp_path: Path, monkeypatch):
    """`chaincity …` as department CODE runs it (its own database and key); (exit code, output)."""
    monkeypatch.setenv("CHAINCITY_RPC_URL", rpc_url)
    monkeypatch.setenv("CHAINCITY_DEPLOYMENTS_DIR", str(city["config"].deployments_dir))
    monkeypatch.setenv("CHAINCITY_PEPPER", PEPPER.hex())
    for key in ("CHAINCITY_KEYSTORE", "CHAINCITY_DATABASE_URL", "CITY_COUNTIES"):
        monkeypatch.delenv(key, raising=False)
    runner = CliRunner()

    def run(*args, code: str | None = None):
        env = {} if code is None else {"CHAINCITY_DEPARTMENT": code, "CHAINCITY_DEVNET_ACCOUNT": str(SIGNERS[code]),
                                       "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / (code + '.db')}"}
        result = runner.invoke(main, [str(a) for a in args], env=env)
        return result.exit_code, result.output
    return run


def ok(outcome) -> dict | list:
    code, output = outcome
    assert code == EXIT_OK, output
    return json.loads(output)


def voucher_city(w3, tmp_path: Path) -> dict:
    """A city (see conftest.make_city) where the administrators' quorum let banks issue
    mortgage-release vouchers, and banks and the registration centre receive them."""
    from chaincity.chain.enums import DepartmentKind
    from chaincity.departments.vouchers import type_id
    from chaincity.directory import run_proposal

    city = make_city(w3, tmp_path)
    admins = administrators(w3, city["config"].deployments_dir)
    bank, rec = 1 << DepartmentKind.BANK, 1 << DepartmentKind.REAL_ESTATE_REGISTRATION
    run_proposal(admins, *admins[0].call("VoucherRegistry", "setVoucherType", type_id("MORTGAGE_RELEASE"), bank,
                                         bank | rec))
    return city


# One city per devnet for the module: deploying and onboarding is most of a test's time.
@pytest.fixture(scope="module")
def anvil_city(anvil, tmp_path_factory):
    return voucher_city(anvil, tmp_path_factory.mktemp("anvil-city"))


@pytest.fixture(scope="module")
def ganache_city(ganache, tmp_path_factory):
    return voucher_city(ganache, tmp_path_factory.mktemp("ganache-city"))


@pytest.fixture(params=["anvil", "ganache"])
def desk(request, tmp_path, monkeypatch):
    net = request.getfixturevalue(f"{request.param}_net")
    return make_cli(net.rpc_url, request.getfixturevalue(f"{request.param}_city"), tmp_path, monkeypatch)


def test_a_bank_hands_a_voucher_to_the_registration_centre_which_accepts_and_redeems_it(desk, tmp_path):
    """Runs on Anvil and Ganache: issue, hand over, accept, redeem, all from the CLI; the
    document stays in the bank's database and verifies by file; a forged one does not."""
    (tmp_path / "notice.txt").write_text("Mortgage ICBC-2026-0042 on 431302001002GB00017F00030102 released in full.",
                                         encoding="utf-8")
    bank, rec = "LD-BANK-ICBC", "LD-REC"
    issued = ok(desk("voucher", "issue", "MR-2026-0001", "--type", "MORTGAGE_RELEASE", "--to", bank,
                     "--subject", UNIT, "--document", tmp_path / "notice.txt", "--json", code=bank))
    assert (issued["state"], issued["issuer"], issued["holder"]) == ("active", bank, bank)
    digest = issued["voucher"]

    ok(desk("voucher", "show", "MR-2026-0001", "--document-out", tmp_path / "voucher.json", "--json", code=bank))
    assert desk("verify", "voucher", tmp_path / "voucher.json")[0] == EXIT_OK
    forged = (tmp_path / "voucher.json").read_bytes().replace(b"in full", b"in part")
    (tmp_path / "forged.json").write_bytes(forged)
    code, output = desk("verify", "voucher", tmp_path / "forged.json")
    assert code == EXIT_REJECTED and ": unknown" in output
    assert desk("verify", "voucher", "0x" + "ab" * 32)[0] == EXIT_REJECTED

    ok(desk("voucher", "nominate", "MR-2026-0001", "--to", rec, "--json", code=bank))
    incoming = ok(desk("voucher", "list", "--json", code=rec))
    assert [v["voucher"] for v in incoming if v["incoming"]] == [digest]  # nominated to the centre
    accepted = ok(desk("voucher", "accept", digest, "--remarks", "received", "--json", code=rec))
    assert accepted["holder"] == rec
    redeemed = ok(desk("voucher", "redeem", digest, "--json", code=rec))
    assert (redeemed["state"], redeemed["holder"]) == ("redeemed", rec)
    assert [(e["action"], e["from"], e["to"]) for e in redeemed["custody"]] == [
        (0, bank, bank), (1, bank, rec), (2, bank, rec), (5, rec, rec)]
    code, output = desk("verify", "voucher", digest)
    assert code == EXIT_REJECTED and "redeemed" in output  # genuine, but used


def write_export(path: Path, rows: list[dict]) -> Path:
    spec = DEPARTMENTS["voucher"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*spec.columns, *spec.optional_columns])
        writer.writeheader()
        writer.writerows(rows)
    return path


def issue_row(number: int) -> dict:
    return {"voucher_no": f"MR-{number:05d}", "action": "issue", "department": "LD-BANK-ICBC",
            "acted_at": "2026-11-01T09:00:00+08:00", "type": "MORTGAGE_RELEASE", "holder": "LD-REC",
            "subject": UNIT, "document": f"Mortgage {number} released."}


@pytest.fixture
def anvil_desk(anvil_net, anvil_city, tmp_path, monkeypatch):
    return make_cli(anvil_net.rpc_url, anvil_city, tmp_path, monkeypatch)


def test_a_revocation_without_a_reason_is_refused(anvil_desk, tmp_path):
    bank = "LD-BANK-ICBC"
    write_export(tmp_path / "v.csv", [issue_row(901)])
    assert anvil_desk("db", "load", "voucher", tmp_path / "v.csv", code=bank)[0] == EXIT_OK
    digest = ok(anvil_desk("voucher", "show", "MR-00901", "--json", code=bank))["voucher"]
    assert ok(anvil_desk("oracle", "sync", "voucher", "--json", code=bank))[0]["confirmed"] == 1
    code, output = anvil_desk("voucher", "revoke", "MR-00901", code=bank)
    assert code == EXIT_USAGE and "--reason" in output
    row = {"voucher_no": "MR-00901", "action": "revoke", "department": bank, "acted_at": "2026-11-02",
           "voucher_id": digest, "reason": ""}
    write_export(tmp_path / "revoke.csv", [row])
    code, output = anvil_desk("db", "load", "voucher", tmp_path / "revoke.csv", code=bank)
    assert code == EXIT_REJECTED and "reason: is empty" in output
    assert ok(anvil_desk("voucher", "show", digest, "--json", code=bank))["state"] == "active"
    revoked = ok(anvil_desk("voucher", "revoke", "MR-00901", "--reason", "issued in error", "--json", code=bank))
    assert revoked["state"] == "revoked"


def test_a_resent_voucher_export_writes_nothing_twice(anvil, anvil_desk, anvil_city, tmp_path):
    """Issues and acts sync like any export; reloading is a no-op, and a rebuilt database
    replaying the export finds everything on chain (issues by count, acts in the custody chain)."""
    bank = "LD-BANK-ICBC"
    oracles = Oracles(anvil, anvil_city, tmp_path)
    write_export(tmp_path / "v.csv", [issue_row(n) for n in range(1, 31)])
    oracles.load("voucher", tmp_path / "v.csv", bank)
    first = {s.kind: s for s in oracles.sync("voucher", bank)}
    assert (first["voucher.issue"].confirmed, first["voucher.issue"].written_now) == (30, 30)
    digest = ok(anvil_desk("voucher", "show", "MR-00001", "--json", code=bank))["voucher"]
    write_export(tmp_path / "acts.csv", [{"voucher_no": "MR-00001", "action": "revoke", "department": bank,
                                          "acted_at": "2026-11-02", "voucher_id": digest, "reason": "paid twice"}])
    oracles.load("voucher", tmp_path / "acts.csv", bank)
    assert {s.kind: s.written_now for s in oracles.sync("voucher", bank)} == {"voucher.issue": 0, "voucher.act": 1}
    assert oracles.load("voucher", tmp_path / "v.csv", bank).unchanged == 30

    (tmp_path / f"{bank}.db").unlink()  # the bank rebuilds its database and replays its exports
    for path in ("v.csv", "acts.csv"):
        oracles.load("voucher", tmp_path / path, bank)
    # In batches of 10: every batch is asked, not only the first (whose gas prices the others).
    replay = {s.kind: s for s in oracles.sync("voucher", bank, batch_size=10)}
    assert [(s.confirmed, s.written_now, s.transactions, s.rejected) for s in replay.values()] == [
        (30, 0, 0, 0), (1, 0, 0, 0)]
    assert replay["voucher.issue"].already_on_chain == 30

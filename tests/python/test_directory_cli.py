"""A new city, from scratch, through the CLI alone: deploy, onboard a registration centre, two
banks and a court with 2 of 3 administrators, sync their exports; then what one administrator
alone may do (suspend, pause), and a department rotating its own key."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from eth_account import Account

from chaincity.chain.signer import devnet_account
from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from chaincity.datagen import generate
from chaincity.oracle.stops import StopCause
from conftest import PEPPER, ROOT

DEPARTMENTS = {  # code: (kind, name, signing account, department, export)
    "LD-REC": ("real-estate-registration", "娄底市不动产登记中心", 3, "real-estate", "real_estate.csv"),
    "LD-BANK-ICBC": ("bank", "ICBC Loudi branch", 4, "bank", "bank_LD-BANK-ICBC.csv"),
    "LD-BANK-CCB": ("bank", "CCB Loudi branch", 5, "bank", "bank_LD-BANK-CCB.csv"),
    "LD-COURT-INT": ("court", "Loudi Intermediate People's Court", 6, "court", "court_LD-COURT-INT.csv"),
}


@pytest.fixture
def cli(anvil, anvil_net, tmp_path, monkeypatch):
    """`chaincity …` as a user runs it against the private Anvil; returns (exit code, output)."""
    monkeypatch.chdir(ROOT)
    for key in ("CITY_ADMINS", "CITY_ADMIN_THRESHOLD", "CITY_COUNTIES", "CHAINCITY_ADMIN_KEYSTORE", "CHAINCITY_KEYSTORE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CHAINCITY_RPC_URL", anvil_net.rpc_url)
    monkeypatch.setenv("CHAINCITY_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.setenv("CHAINCITY_PEPPER", PEPPER.hex())
    runner = CliRunner()

    def run(*args, env=None):
        result = runner.invoke(main, [str(a) for a in args], env=env)
        return result.exit_code, result.output
    return run


def as_json(outcome):
    code, output = outcome
    assert code == EXIT_OK, output
    return json.loads(output)


def onboard(cli, code: str) -> dict:
    kind, name, account, _, _ = DEPARTMENTS[code]
    created = as_json(cli("directory", "propose", "register", code, "--kind", kind, "--name", name,
                          "--signer", devnet_account(account).address, "--devnet-account", 0, "--json"))
    assert (created["approvals"], created["threshold"], created["still_needed"]) == (1, 2, 1)
    assert created["call"].startswith(f"CityDirectory.registerDepartment(code={code}, kind=")
    early = cli("directory", "execute", created["id"], "--devnet-account", 2)
    assert early[0] == EXIT_REJECTED and "CityDirectoryNotEnoughApprovals" in early[1]
    approved = as_json(cli("directory", "approve", created["id"], "--devnet-account", 1, "--json"))
    assert approved["still_needed"] == 0
    return as_json(cli("directory", "execute", created["id"], "--devnet-account", 2, "--json"))


def test_a_new_city_onboards_four_departments_with_two_of_three_administrators_and_syncs(cli, tmp_path, monkeypatch):
    deployed = as_json(cli("deploy", "--json"))
    assert set(deployed["contracts"]) >= {"CityDirectory", "PropertyRegistry"}
    for code in DEPARTMENTS:
        assert onboard(cli, code)["state"] == "executed"
    assert as_json(cli("directory", "proposals", "--json")) == []  # nothing left open
    listed = {d["code"]: d for d in as_json(cli("directory", "list", "--json"))}
    assert {code: (d["kind"], d["status"], d["signers"]) for code, d in listed.items()} == {
        code: (kind, "active", [devnet_account(account).address]) for code, (kind, _, account, _, _) in DEPARTMENTS.items()}
    assert listed["LD-REC"]["name"] == "娄底市不动产登记中心"

    files = generate(tmp_path / "data", households=200, bad_share=0, seed=3)
    for code, (_, _, account, department, export) in DEPARTMENTS.items():
        env = {"CHAINCITY_DEPARTMENT": code, "CHAINCITY_DEVNET_ACCOUNT": str(account),
               "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / (code + '.db')}"}
        loaded = cli("db", "load", department, files.real_estate.parent / export, "--json", env=env)
        assert loaded[0] == EXIT_OK, loaded[1]
        code_, output = cli("oracle", "sync", department, "--json", env=env)
        summaries = json.loads(output)
        assert all(s["rejected"] == 0 and s["pending"] == 0 for s in summaries), (code, output)
        assert code_ == EXIT_OK
        assert sum(s["confirmed"] for s in summaries) == json.loads(loaded[1])["loaded"] > 0


def test_one_administrator_suspends_and_pauses_but_lifting_needs_two(cli, tmp_path):
    cli("deploy")
    onboard(cli, "LD-REC")
    suspended = as_json(cli("directory", "suspend", "LD-REC", "--reason", "audit", "--devnet-account", 2, "--json"))
    assert suspended["status"] == "suspended"
    env = {"CHAINCITY_DEPARTMENT": "LD-REC", "CHAINCITY_DEVNET_ACCOUNT": "3",
           "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'rec.db'}"}
    code, output = cli("oracle", "sync", "real-estate", env=env)
    assert code == StopCause.SUSPENDED and "LD-REC is suspended" in output

    reinstate = as_json(cli("directory", "propose", "reinstate", "LD-REC", "--devnet-account", 1, "--json"))
    assert cli("directory", "approve", reinstate["id"], "--devnet-account", 1)[0] == EXIT_REJECTED  # not twice
    as_json(cli("directory", "approve", reinstate["id"], "--devnet-account", 0, "--json"))
    as_json(cli("directory", "execute", reinstate["id"], "--devnet-account", 0, "--json"))
    assert as_json(cli("directory", "show", "LD-REC", "--json"))["status"] == "active"

    assert as_json(cli("directory", "pause", "--devnet-account", 1, "--json")) == {"paused": True}
    assert cli("oracle", "sync", "real-estate", env=env)[0] == StopCause.PAUSED
    unpause = as_json(cli("directory", "propose", "unpause", "--devnet-account", 1, "--json"))
    listed = cli("directory", "proposals")
    assert f"proposal {unpause['id']} (pending): CityDirectory.unpause()" in listed[1] and "1 more needed" in listed[1]
    cancelled = as_json(cli("directory", "cancel", unpause["id"], "--devnet-account", 2, "--json"))
    assert cancelled["state"] == "cancelled"
    assert cli("oracle", "sync", "real-estate", env=env)[0] == StopCause.PAUSED


def test_an_administrator_signs_with_a_keystore_and_a_stranger_cannot_propose(cli, tmp_path, monkeypatch):
    cli("deploy")
    keystore = tmp_path / "admin1.json"
    keystore.write_text(json.dumps(Account.encrypt(devnet_account(1).key, "admin one")))
    created = as_json(cli("directory", "propose", "threshold", "3", "--devnet-account", 0, "--json"))
    monkeypatch.setenv("CHAINCITY_ADMIN_KEYSTORE_PASSWORD", "wrong")
    code, output = cli("directory", "approve", created["id"], "--keystore", keystore)
    assert code == EXIT_USAGE and f"cannot unlock the keystore {keystore}" in output
    monkeypatch.setenv("CHAINCITY_ADMIN_KEYSTORE_PASSWORD", "admin one")
    approved = as_json(cli("directory", "approve", created["id"], "--keystore", keystore, "--json"))
    assert approved["approved_by"] == [devnet_account(0).address, devnet_account(1).address]
    assert as_json(cli("directory", "execute", created["id"], "--devnet-account", 0, "--json"))["threshold"] == 3
    code, output = cli("directory", "propose", "threshold", "2", "--devnet-account", 7)
    assert code == EXIT_REJECTED and "AccessControlUnauthorizedAccount" in output
    code, output = cli("directory", "show", "LD-NOWHERE")
    assert code == EXIT_USAGE and "no department LD-NOWHERE" in output


def test_a_department_rotates_its_own_key_and_the_old_one_stops_working(cli, tmp_path):
    cli("deploy")
    onboard(cli, "LD-REC")
    new_key = devnet_account(11).address
    env = {"CHAINCITY_DEPARTMENT": "LD-REC", "CHAINCITY_DEVNET_ACCOUNT": "3"}
    rotated = as_json(cli("department", "rotate-key", new_key, "--json", env=env))
    assert rotated["signers"] == [new_key]
    oracle_env = {**env, "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'rec.db'}"}
    code, output = cli("oracle", "sync", "real-estate", env=oracle_env)
    assert code == StopCause.NOT_A_SIGNER and "not a signing key of any department" in output
    # A lost key is replaced by proposal (the signer itself cannot replace another's).
    replace = as_json(cli("directory", "propose", "replace-key", "LD-REC", new_key, devnet_account(12).address,
                          "--devnet-account", 0, "--json"))
    as_json(cli("directory", "approve", replace["id"], "--devnet-account", 1, "--json"))
    as_json(cli("directory", "execute", replace["id"], "--devnet-account", 1, "--json"))
    assert as_json(cli("directory", "show", "LD-REC", "--json"))["signers"] == [devnet_account(12).address]


def test_another_city_deploys_and_loads_its_own_counties_with_no_code_change(cli, tmp_path, monkeypatch):
    """Changsha's Furong and Tianxin districts instead of Loudi's counties: CITY_COUNTIES goes
    on chain at deployment (through the administrators' proposals) and bounds the loader."""
    import csv

    from chaincity.formats import make_id_number, make_unit_code

    monkeypatch.setenv("CITY_COUNTIES", "430102,430103")
    as_json(cli("deploy", "--json"))
    onboard(cli, "LD-REC")
    owner = make_id_number("430102", __import__("datetime").date(1985, 1, 2), 11)
    rows = [{"unit_code": make_unit_code(county, 1, 1, 5, 1, 101), "owner_id_numbers": owner, "shares": "10000",
             "right_type": "house_ownership", "certificate_no": f"湘(2023)长沙市不动产权第{i:07d}号",
             "registered_at": "2023-03-01"} for i, county in enumerate(("430102", "430103", "431302"), 1)]
    export = tmp_path / "changsha.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    env = {"CHAINCITY_DEPARTMENT": "LD-REC", "CHAINCITY_DEVNET_ACCOUNT": "3",
           "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'cs.db'}"}
    code, output = cli("db", "load", "real-estate", export, env=env)
    assert code == EXIT_REJECTED and "row 4 (湘(2023)长沙市不动产权第0000003号): unit_code: county 431302 is not registered" in output
    summaries = json.loads(cli("oracle", "sync", "real-estate", "--json", env=env)[1])
    assert (summaries[0]["confirmed"], summaries[0]["rejected"]) == (2, 0)

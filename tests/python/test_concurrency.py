"""Oracles at the same time (issue 17): two departments syncing at once both finish with every
record on chain once; a second oracle of the same department started by mistake refuses with
exit 9 while the first runs — and runs once the first is gone, even killed (SIGKILL), on SQLite
and PostgreSQL; an oracle and an administrator's directory commands sharing one key clash on
no nonce and write nothing twice. Every process is the real command (`python -m chaincity`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.company_data import generate_companies
from chaincity.datagen import generate
from chaincity.db import SourceRecord, open_database
from chaincity.oracle.stops import StopCause
from conftest import PEPPER, ROOT, onboard

MARKET = ("LD-AMR", 7)  # market regulation, devnet account 7
SHARED = ("LD-REC-2", 1)  # a second registration centre whose key is administrator 1's


def oracle_env(net, city, code: str, account: int, database: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_PEPPER": PEPPER.hex(),
            "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir), "CHAINCITY_DEPARTMENT": code,
            "CHAINCITY_DEVNET_ACCOUNT": str(account), "CHAINCITY_DATABASE_URL": database,
            "CHAINCITY_BATCH_SIZE": "5", "CHAINCITY_PIPELINE": "4"}


def chaincity(env: dict, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chaincity", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def statuses(database: str) -> dict[str, int]:
    with Session(open_database(database)) as session:
        return dict(session.execute(select(SourceRecord.status, func.count()).group_by(SourceRecord.status)).all())


def registered_units(city) -> list[str]:
    return [e["args"]["unit"].hex() for e in city["contracts"]["PropertyRegistry"].events.TitleRegistered.get_logs(from_block=0)]


def load(env: dict, department: str, path) -> None:
    code, out, err = finish(chaincity(env, "db", "load", department, path, "--json"))
    assert code == 0, err


def test_two_departments_syncing_at_once_both_write_every_record_once(anvil, anvil_net, city, tmp_path):
    """The registration centre and market regulation, each its own oracle process and key, on
    one chain at the same moment."""
    onboard(anvil, city["config"].deployments_dir, MARKET[0], DepartmentKind.MARKET_REGULATION,
            [devnet_account(MARKET[1]).address])
    files = generate(tmp_path / "data", 25, bad_share=0, seed=3)
    firms = generate_companies(tmp_path / "data", 25, bad_share=0, seed=3)
    centre = oracle_env(anvil_net, city, "LD-REC", 3, f"sqlite:///{tmp_path / 'rec.db'}")
    market = oracle_env(anvil_net, city, *MARKET, f"sqlite:///{tmp_path / 'amr.db'}")
    load(centre, "real-estate", files.real_estate)
    load(market, "market", firms.market)

    both = [chaincity(centre, "oracle", "sync", "real-estate", "--json"), chaincity(market, "oracle", "sync", "market", "--json")]
    results = [finish(p) for p in both]
    assert [r[0] for r in results] == [0, 0], [r[2] for r in results]
    titles, companies = (json.loads(r[1]) for r in results)
    assert set(statuses(centre["CHAINCITY_DATABASE_URL"])) == {"confirmed"} == set(statuses(market["CHAINCITY_DATABASE_URL"]))
    units = registered_units(city)
    assert len(units) == len(set(units)) == sum(s["confirmed"] for s in titles) > 40
    registered = city["contracts"]["CompanyRegistry"].events.CompanyRegistered.get_logs(from_block=0)
    assert len(registered) == len({e["args"]["uscc"] for e in registered}) == sum(
        s["confirmed"] for s in companies if s["kind"].endswith("register") or s["kind"] == "company") > 20


def _holding(database: str, code: str, deadline: float) -> bool:
    from chaincity.oracle.lock import OracleLock

    while time.monotonic() < deadline:
        try:
            with Session(open_database(database)) as session:
                if session.get(OracleLock, f"oracle:{code}") is not None:
                    return True
        except Exception:  # noqa: BLE001 - the first oracle may be creating the table
            pass
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_second_oracle_of_the_same_department_refuses_with_exit_9_until_the_first_is_gone_even_killed(
        anvil, anvil_net, city, tmp_path, request, backend):
    database = f"sqlite:///{tmp_path / 'rec.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    env = oracle_env(anvil_net, city, "LD-REC", 3, database)
    load(env, "real-estate", generate(tmp_path / "data", 10, bad_share=0, seed=5).real_estate)
    first = chaincity(env, "oracle", "sync", "real-estate", "--follow", "--interval", "0.2")
    try:
        assert _holding(database, "LD-REC", time.monotonic() + 60), first.stderr.read() if first.poll() else ""
        code, _, err = finish(chaincity(env, "oracle", "sync", "real-estate"))
        assert code == StopCause.ALREADY_RUNNING == 9
        assert f"another oracle of LD-REC runs on this database (process {first.pid} on " in err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        # The court's oracle beside it (another department, another key) is not held back.
        court = oracle_env(anvil_net, city, "LD-COURT-INT", 6, database)
        assert finish(chaincity(court, "oracle", "sync", "court"))[0] == 0
        first.send_signal(signal.SIGKILL)  # killed: no cleanup ran
        first.wait(30)
        code, out, err = finish(chaincity(env, "oracle", "sync", "real-estate", "--json"))
        assert code == 0, err
        assert set(statuses(database)) == {"confirmed"}
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def _sending(database: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if set(statuses(database)) - {"pending"}:
            return True
        time.sleep(0.1)
    return False


def test_an_oracle_and_directory_commands_sharing_a_key_clash_on_no_nonce_and_write_nothing_twice(
        anvil, anvil_net, city, tmp_path):
    """Administrator 1's key also signs for a registration centre (a small city's one key):
    its oracle pipelines batches into 1 s blocks while the administrator makes proposals with
    the same key. Each proposal is made once (a directory command whose nonce the oracle took
    signs again with the next one); the oracle, whose pipelined nonce a proposal took, stops
    with exit 8 and its next run writes the rest; every title on chain once, none rejected."""
    onboard(anvil, city["config"].deployments_dir, SHARED[0], DepartmentKind.REAL_ESTATE_REGISTRATION,
            [devnet_account(SHARED[1]).address])
    env = oracle_env(anvil_net, city, *SHARED, f"sqlite:///{tmp_path / 'rec2.db'}") | {"CHAINCITY_BATCH_SIZE": "1",
                                                                                     "CHAINCITY_PIPELINE": "8"}
    load(env, "real-estate", generate(tmp_path / "data", 30, bad_share=0, seed=11).real_estate)
    directory = city["contracts"]["CityDirectory"]
    before = len(directory.events.ProposalCreated.get_logs(from_block=0))
    counties, runs, warnings = ["431303", "431304", "431305"], [], []
    anvil.provider.make_request("evm_setAutomine", [False])  # transactions wait in the pool, as on a real chain
    anvil.provider.make_request("evm_setIntervalMining", [1])
    try:
        oracle = chaincity(env, "oracle", "sync", "real-estate", "--json")
        assert _sending(env["CHAINCITY_DATABASE_URL"], time.monotonic() + 60)
        for county in counties:
            code, _, err = finish(chaincity(env, "directory", "propose", "add-county", county,
                                            "--devnet-account", SHARED[1], "--json"))
            assert code == 0, err
            warnings += [line for line in err.splitlines() if "taken by another process" in line]
        runs.append(finish(oracle)[0])
        while runs[-1] == StopCause.NONCE_TAKEN and len(runs) < 5:
            runs.append(finish(chaincity(env, "oracle", "sync", "real-estate", "--json"))[0])
    finally:
        anvil.provider.make_request("evm_setIntervalMining", [0])
        anvil.provider.make_request("evm_setAutomine", [True])
    assert runs[-1] == 0 and set(runs) <= {0, StopCause.NONCE_TAKEN}, runs
    assert StopCause.NONCE_TAKEN in runs or warnings, "the two never met: the test proves nothing"

    created = directory.events.ProposalCreated.get_logs(from_block=0)[before:]
    assert len(created) == len(counties)
    assert {e["args"]["proposer"] for e in created} == {devnet_account(SHARED[1]).address}
    assert set(statuses(env["CHAINCITY_DATABASE_URL"])) == {"confirmed"}
    units = registered_units(city)
    with Session(open_database(env["CHAINCITY_DATABASE_URL"])) as session:
        assert len(units) == len(set(units)) == session.scalar(select(func.count()).select_from(SourceRecord)) > 40

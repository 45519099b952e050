"""The city paused, and the department's key replaced, by the CLI in the middle of a running
`oracle sync`: the oracle stops with its own exit code (6 paused; 4 its key replaced), rejects nothing, and resumes
once the administrators lift the pause, or with the new key. On Anvil (test_oracle_stops runs
the same stops, before and between batches, on Ganache too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from click.testing import CliRunner

from chaincity.chain.signer import devnet_account
from chaincity.cli import EXIT_OK, main
from chaincity.oracle.stops import StopCause
from conftest import PEPPER, ROOT, Oracles
from test_oracle_stops import assert_each_title_on_chain_once, chain_rejects, statuses, titles
from test_sync_bank_court import write

# Enough that the stop lands mid-sync: the oracle makes its next batches while a send is under
# way, and 60 titles (30 transactions) were all written before a pause took effect under CI's load.
TITLES = 300
NEW_KEY = 10  # the registration centre's key after the rotation (devnet account)


def oracle_env(net, city, tmp_path, account: int = 3) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CHAINCITY_DEPARTMENT": "LD-REC", "CHAINCITY_PEPPER": PEPPER.hex(),
            "CHAINCITY_DEVNET_ACCOUNT": str(account), "CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_BATCH_SIZE": "2",
            "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
            "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'LD-REC.db'}"}


def cli(env: dict, *args) -> dict:
    """`chaincity ARGS --json` in this process, as an administrator or the department; the answer."""
    result = CliRunner().invoke(main, [*map(str, args), "--json"], env=env)
    assert result.exit_code == EXIT_OK, result.output
    return json.loads(result.output)


def sync_interrupted_by(net, city, tmp_path, act) -> tuple[subprocess.CompletedProcess, object]:
    """Load the titles, start `oracle sync` and, once it has confirmed a few, ``act()``; the
    oracle's outcome and the department database."""
    oracles = Oracles(None, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(TITLES)), "LD-REC")
    engine = oracles.database("LD-REC")
    command = [sys.executable, "-m", "chaincity", "oracle", "sync", "real-estate", "--json"]
    oracle = subprocess.Popen(command, env=oracle_env(net, city, tmp_path), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    while statuses(engine).get("confirmed", 0) < 6 and oracle.poll() is None:
        time.sleep(0.02)
    act()
    out, err = oracle.communicate(timeout=300)
    counts = statuses(engine)
    assert 6 <= counts.get("confirmed", 0) < TITLES, counts  # it stopped mid-sync
    assert set(counts) <= {"confirmed", "pending", "sent"} and chain_rejects(engine) == 0  # nothing rejected
    return subprocess.CompletedProcess(command, oracle.returncode, out, err), engine


def last_line(outcome: subprocess.CompletedProcess) -> str:
    """The oracle's one line of error (warnings about reverted transactions may come before it)."""
    return outcome.stderr.strip().splitlines()[-1]


def resume(net, city, tmp_path, engine, account: int = 3) -> None:
    again = subprocess.run([sys.executable, "-m", "chaincity", "oracle", "sync", "real-estate", "--json"],
                           env=oracle_env(net, city, tmp_path, account), capture_output=True, text=True, timeout=300)
    assert again.returncode == EXIT_OK, again.stderr
    assert statuses(engine) == {"confirmed": TITLES}


def test_the_city_paused_mid_sync_stops_the_oracle_with_exit_6_and_it_resumes_after_the_quorum_lifts_it(
        anvil, anvil_net, city, tmp_path):
    """CityDirectory: any one administrator pauses the city; lifting the pause takes the quorum."""
    w3, net = anvil, anvil_net
    admin = oracle_env(net, city, tmp_path)
    stopped, engine = sync_interrupted_by(net, city, tmp_path, lambda: cli(admin, "directory", "pause",
                                                                           "--devnet-account", 2))
    assert stopped.returncode == StopCause.PAUSED, stopped.stderr
    assert last_line(stopped).startswith("error: oracle stopped: the city is paused"), stopped.stderr
    proposal = cli(admin, "directory", "propose", "unpause", "--devnet-account", 0)
    cli(admin, "directory", "approve", proposal["id"], "--devnet-account", 1)
    cli(admin, "directory", "execute", proposal["id"], "--devnet-account", 2)
    resume(net, city, tmp_path, engine)
    assert_each_title_on_chain_once(w3, city, TITLES)


def test_the_key_replaced_mid_sync_stops_the_oracle_and_it_resumes_with_the_new_key(anvil, anvil_net, city, tmp_path):
    """The administrators' quorum replaces the department's key (`directory propose replace-key`,
    CityDirectory: a lost key is replaced by proposal); the old key loses every power at once.
    (`department rotate-key`, signed with the key the running oracle uses, can meet the oracle's
    nonce: the concurrency work on shared keys covers it.)"""
    w3, net = anvil, anvil_net
    department = oracle_env(net, city, tmp_path)
    old_key, new_key = devnet_account(3).address, devnet_account(NEW_KEY).address

    # Proposed and approved before; executed while the oracle writes.
    proposal = cli(department, "directory", "propose", "replace-key", "LD-REC", old_key, new_key, "--devnet-account", 0)
    cli(department, "directory", "approve", proposal["id"], "--devnet-account", 1)

    def replace_key():
        cli(department, "directory", "execute", proposal["id"], "--devnet-account", 2)
    stopped, engine = sync_interrupted_by(net, city, tmp_path, replace_key)
    assert stopped.returncode == StopCause.NOT_A_SIGNER, stopped.stderr
    assert "is not a signing key of any department" in last_line(stopped), stopped.stderr
    old = subprocess.run([sys.executable, "-m", "chaincity", "oracle", "sync", "real-estate"], env=department,
                         capture_output=True, text=True, timeout=300)
    assert old.returncode == StopCause.NOT_A_SIGNER, old.stderr  # the old key is out for good
    resume(net, city, tmp_path, engine, account=NEW_KEY)
    assert_each_title_on_chain_once(w3, city, TITLES)

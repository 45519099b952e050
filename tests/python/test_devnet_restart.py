"""The devnet stopped and started again, its state kept (Anvil `--state`, Ganache
`--database.dbPath`), in the middle of a sync: the oracle waits for it (or stops with exit 3
and one clear line), and a second sync after the restart leaves every title on chain exactly
once."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time

import pytest
from web3 import Web3

from chaincity import devnet as devnets
from chaincity.cli import EXIT_CHAIN_UNREACHABLE, EXIT_OK
from conftest import PEPPER, ROOT, Oracles, free_port, make_city
from test_oracle_stops import assert_each_title_on_chain_once, chain_rejects, statuses, titles
from test_sync_bank_court import write

TITLES = 60


@pytest.mark.parametrize("chain", ["anvil", "ganache"])
def test_the_devnet_restarted_mid_sync_with_its_state_loses_and_doubles_nothing(chain, tmp_path):
    net = dataclasses.replace(devnets.DEVNETS[chain], port=free_port())
    state = tmp_path / "devnet"
    devnets.up(net, ROOT, state)
    try:
        w3 = Web3(Web3.HTTPProvider(net.rpc_url))
        city = make_city(w3, tmp_path)
        oracles = Oracles(w3, city, tmp_path)
        oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(TITLES)), "LD-REC")
        engine = oracles.database("LD-REC")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CHAINCITY_DEPARTMENT": "LD-REC", "CHAINCITY_PEPPER": PEPPER.hex(),
               "CHAINCITY_DEVNET_ACCOUNT": "3", "CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_BATCH_SIZE": "2",
               "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
               "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'LD-REC.db'}"}
        command = [sys.executable, "-m", "chaincity", "oracle", "sync", "real-estate", "--json"]
        oracle = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while statuses(engine).get("confirmed", 0) < 6 and oracle.poll() is None:
            time.sleep(0.02)
        devnets.down(net, state)  # SIGTERM: Anvil writes its state file on the way out
        at_stop = statuses(engine).get("confirmed", 0)
        time.sleep(1.0)
        devnets.up(net, ROOT, state)
        out, err = oracle.communicate(timeout=300)
        assert 6 <= at_stop < TITLES, at_stop  # the devnet went away mid-sync
        # Waited for the node and finished, or gave up in one clear line, rejecting nothing.
        # (A send whose answer was lost as Anvil went down, taken and gone from the node it came
        # back as, is read again against the chain: once exit 8, "another process", in CI.)
        assert oracle.returncode in (EXIT_OK, EXIT_CHAIN_UNREACHABLE), err
        if oracle.returncode == EXIT_CHAIN_UNREACHABLE:
            assert err.strip().splitlines()[-1].startswith("error: the chain stopped answering"), err
        assert chain_rejects(engine) == 0
        again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == EXIT_OK, again.stderr
        assert statuses(engine) == {"confirmed": TITLES}
        assert_each_title_on_chain_once(w3, city, TITLES)
    finally:
        devnets.down(net, state)

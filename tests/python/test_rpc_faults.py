"""An RPC that answers slowly, with errors, or drops connections (a fault-injecting proxy in
front of the devnet): the oracle retries and completes, or stops with one clear line and exit
3 — never a double write, never a lost record."""

from __future__ import annotations

import json
import threading
import time

import pytest

from chaincity.cli import EXIT_CHAIN_UNREACHABLE, EXIT_OK
from conftest import Oracles, free_port, make_city
from fault_proxy import FaultProxy, Faults
from test_oracle_stops import assert_each_title_on_chain_once, chain_rejects, statuses, sync_cli, titles
from test_sync_bank_court import write

TITLES = 60
# One family of faults a test, each at a rate that hits every kind of call of a sync many times.
FAMILIES = {
    "slow answers": {"slow": 0.15},
    "HTTP 500/502 and JSON-RPC errors": {"http_500": 0.08, "http_502": 0.08, "rpc_error": 0.08},
    "calls on a block the node no longer keeps": {"block_out_of_range": 0.15},
    "a devnet on its way out (Ganache's database closed)": {"ganache_stopping": 0.15},
    "connections dropped before and in the middle of answers": {"drop_before": 0.08, "drop_mid_answer": 0.08},
    # The node takes (and Anvil mines) the transaction; its answer is lost: the resend meets "nonce too low".
    "answers to sent transactions lost": {"drop_mid_answer": 0.5},
    # As that, and the node comes back without the transaction, or is away a moment after
    # answering and comes back without it (a restart from a state saved without them: exit 8,
    # "another process took the nonce", in CI): their records are read again against the
    # chain, which holds them.
    "sent transactions taken, their answers lost, then forgotten": {"send_lost_and_forgotten": 0.3},
    "sent transactions taken, then forgotten by a node restarted": {"taken_then_restarted": 0.3},
}
METHODS = {family: frozenset({"eth_sendRawTransaction"}) for family in (
    "answers to sent transactions lost", "sent transactions taken, their answers lost, then forgotten",
    "sent transactions taken, then forgotten by a node restarted")}


@pytest.fixture(scope="module")
def shared_city(anvil, tmp_path_factory):
    """One city for the module (each test writes titles of its own, see FIRST)."""
    return make_city(anvil, tmp_path_factory.mktemp("rpc-faults"))


FIRST = {family: 1 + 1000 * number for number, family in enumerate([*FAMILIES, "keeps failing"])}


@pytest.mark.parametrize("family", FAMILIES)
def test_the_oracle_rides_out_a_faulty_rpc_and_writes_every_record_exactly_once(
        family, anvil, anvil_net, shared_city, tmp_path, monkeypatch):
    city = shared_city
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(TITLES, FIRST[family])), "LD-REC")
    monkeypatch.setenv("CHAINCITY_BATCH_SIZE", "4")
    monkeypatch.setenv("CHAINCITY_PIPELINE", "3")
    first_block = anvil.eth.block_number + 1
    with FaultProxy(anvil_net.rpc_url, Faults(FAMILIES[family], methods=METHODS.get(family)), free_port()) as proxy:
        net = type("Net", (), {"rpc_url": proxy.url})
        result = sync_cli(tmp_path, net, city, monkeypatch)
    if "forgotten" in family:
        # Records of a transaction the node forgot were read again against the chain, never sent
        # again blindly: that would be a transaction registering nothing (registerTitles skips a
        # unit registered already), so every transaction of the sync registered titles.
        signer = city["signers"]["LD-REC"].address
        sent = [tx["hash"] for n in range(first_block, anvil.eth.block_number + 1)
                for tx in anvil.eth.get_block(n, full_transactions=True)["transactions"] if tx["from"] == signer]
        assert sent and all(anvil.eth.get_transaction_receipt(h)["logs"] for h in sent)
    faults = sum(count for name, count in proxy.injected.items() if isinstance(name, str))
    # The faults really came, mid-sync (the oracle asks the node less than it did, so a rate
    # gives fewer faults than when the rates were set: at least 5 of them, whatever the family).
    assert faults >= 5, proxy.injected
    engine = oracles.database("LD-REC")
    assert result.exit_code == EXIT_OK, (result.output, proxy.injected)
    assert sum(s["confirmed"] for s in json.loads(result.output)) == TITLES
    assert statuses(engine) == {"confirmed": TITLES} and chain_rejects(engine) == 0
    assert_each_title_on_chain_once(anvil, city, TITLES, FIRST[family])


def test_an_rpc_that_keeps_failing_stops_the_oracle_with_exit_3_and_the_next_run_completes(
        anvil, anvil_net, shared_city, tmp_path, monkeypatch):
    """Every answer an HTTP 502 once the sync has started: the retries give up, the oracle says
    the chain is unreachable (exit 3) and rejects nothing; run again with a healthy RPC, it writes the rest."""
    city, first = shared_city, FIRST["keeps failing"]
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(TITLES, first)), "LD-REC")
    monkeypatch.setenv("CHAINCITY_BATCH_SIZE", "4")
    with FaultProxy(anvil_net.rpc_url, Faults({"http_502": 1.0}), free_port()) as proxy:
        proxy.enabled = False
        engine = oracles.database("LD-REC")
        def break_after_first_confirmations():
            while statuses(engine).get("confirmed", 0) < 8:
                time.sleep(0.01)
            proxy.enabled = True
        threading.Thread(target=break_after_first_confirmations, daemon=True).start()
        net = type("Net", (), {"rpc_url": proxy.url})
        result = sync_cli(tmp_path, net, city, monkeypatch)
    assert result.exit_code == EXIT_CHAIN_UNREACHABLE, result.output
    assert "502" in result.output and result.output.count("\n") == 1, result.output
    counts = statuses(engine)
    assert 8 <= counts.get("confirmed", 0) < TITLES and set(counts) <= {"confirmed", "pending", "sent"}
    assert chain_rejects(engine) == 0
    result = sync_cli(tmp_path, anvil_net, city, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    assert statuses(engine) == {"confirmed": TITLES}
    assert_each_title_on_chain_once(anvil, city, TITLES, first)


def test_an_administrators_transaction_the_node_took_then_forgot_is_one_line_never_a_second_send(
        anvil_net, shared_city, monkeypatch):
    """A single transaction (an administrator's proposal): the node takes it, fails a moment,
    and comes back without it, its effect and nonce kept. The command cannot tell whether it
    took effect: exit 3 in one line saying so, and it is never signed again with the next nonce
    (taken for another process's nonce, it was: the proposal made again with each new nonce,
    and the command ended in exit 1, "another process is sending with the key")."""
    from click.testing import CliRunner

    from chaincity.cli import main

    directory = shared_city["contracts"]["CityDirectory"]
    before = directory.functions.proposalCount().call()
    monkeypatch.setenv("CHAINCITY_DEPLOYMENTS_DIR", str(shared_city["config"].deployments_dir))
    forgets = Faults({"taken_then_restarted": 1.0}, methods=frozenset({"eth_sendRawTransaction"}))
    with FaultProxy(anvil_net.rpc_url, forgets, free_port()) as proxy:
        result = CliRunner().invoke(main, ["directory", "propose", "threshold", "2", "--devnet-account", "0",
                                           "--rpc-url", proxy.url])
    assert result.exit_code == EXIT_CHAIN_UNREACHABLE, result.output
    assert "may have taken effect" in result.output and result.output.count("\n") == 1, result.output
    assert directory.functions.proposalCount().call() == before + 1  # taken once


def test_a_batch_larger_than_the_node_takes_is_halved_until_it_fits(anvil, anvil_net, shared_city, tmp_path, monkeypatch):
    """A node refuses a request body over its limit ("Invalid request": Anvil's answer above
    2 MiB, which a Loudi-sized batch of 5,000 titles met): the oracle halves the batch and goes
    on, and every title is written once."""
    city, first = shared_city, FIRST["keeps failing"] + 500
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(TITLES, first)), "LD-REC")
    monkeypatch.setenv("CHAINCITY_BATCH_SIZE", str(TITLES))
    with FaultProxy(anvil_net.rpc_url, Faults({}, max_body=12_000), free_port()) as proxy:
        result = sync_cli(tmp_path, type("Net", (), {"rpc_url": proxy.url}), city, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    assert proxy.injected["too_large"] >= 1
    summary = json.loads(result.output)[0]
    assert summary["confirmed"] == TITLES and summary["transactions"] >= 2
    assert_each_title_on_chain_once(anvil, city, TITLES, first)


def test_batches_are_cut_to_the_calldata_a_request_takes_before_the_node_refuses_one(
        anvil, anvil_net, shared_city, tmp_path, monkeypatch):
    """A batch is cut to MAX_CALLDATA_BYTES before it is estimated, asked about or sent: no
    request is refused for its size (without the cut, the first estimate of 60 titles is)."""
    import chaincity.oracle.sync as sync

    city, first = shared_city, FIRST["keeps failing"] + 700
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(TITLES, first)), "LD-REC")
    monkeypatch.setenv("CHAINCITY_BATCH_SIZE", str(TITLES))
    monkeypatch.setattr(sync, "MAX_CALLDATA_BYTES", 6_000)
    with FaultProxy(anvil_net.rpc_url, Faults({}, max_body=30_000), free_port()) as proxy:
        result = sync_cli(tmp_path, type("Net", (), {"rpc_url": proxy.url}), city, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    summary = json.loads(result.output)[0]
    assert proxy.injected["too_large"] == 0 and summary["confirmed"] == TITLES
    assert summary["transactions"] >= 3  # about 290 calldata bytes a title: at most 20 to a transaction
    assert_each_title_on_chain_once(anvil, city, TITLES, first)

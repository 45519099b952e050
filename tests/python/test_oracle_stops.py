"""Errors that belong to the oracle stop it and reject nothing: every record it had not
confirmed stays pending, and the next run, once the cause is gone, writes them. On both devnets
(Ganache runs a transaction at send time and words its errors differently)."""

from __future__ import annotations

import threading

import pytest
import requests
from click.testing import CliRunner
from eth_account import Account
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from web3.exceptions import Web3RPCError

from chaincity.chain.enums import DepartmentKind
from chaincity.chain.sender import OutOfGasMoney, TransactionSender
from chaincity.chain.signer import devnet_account
from chaincity.cli import EXIT_OK, main
from chaincity.db import Reject, SourceRecord
from chaincity.directory import run_proposal
from chaincity.formats import make_id_number, make_unit_code, unit_key
from chaincity.oracle.stops import OracleStopped, StopCause
from conftest import PEPPER, Oracles, administrators, make_city, onboard
from test_sync_bank_court import write

OWNER = make_id_number("431302", __import__("datetime").date(1980, 5, 17), 123)


def titles(count: int, first: int = 1) -> list[dict]:
    return [{"unit_code": make_unit_code("431302", 7, 7, i, 1, 101), "owner_id_numbers": OWNER, "shares": "10000",
             "right_type": "house_ownership", "certificate_no": f"湘(2022)娄底市不动产权第{i:07d}号",
             "registered_at": "2022-01-01"} for i in range(first, first + count)]


def statuses(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(SourceRecord.status, func.count()).group_by(SourceRecord.status)).all())


def assert_each_title_on_chain_once(w3, city, count: int, first: int = 1):
    """Titles ``first``… (``count`` of them, see :func:`titles`) each registered once on chain."""
    mine = {unit_key(t["unit_code"]) for t in titles(count, first)}
    registry = city["contracts"]["PropertyRegistry"]
    registered = [bytes(log["args"]["unit"]) for log in registry.events.TitleRegistered().get_logs(from_block=0)]
    registered = [unit for unit in registered if unit in mine]
    assert len(registered) == len(set(registered)) == count  # none twice, none lost


def chain_rejects(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Reject).where(Reject.stage == "chain"))


def sync_cli(tmp_path, net, city, monkeypatch, code="LD-REC", account=3):
    for key, value in {"CHAINCITY_DEPARTMENT": code, "CHAINCITY_PEPPER": PEPPER.hex(),
                       "CHAINCITY_DEVNET_ACCOUNT": str(account), "CHAINCITY_RPC_URL": net.rpc_url,
                       "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
                       "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / (code + '.db')}"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CHAINCITY_KEYSTORE", raising=False)
    return CliRunner().invoke(main, ["oracle", "sync", "real-estate", "--json"])


def _rotate_out(w3, city):
    """LD-REC's signer replaces its own key with account 10; account 3 signs for nothing now."""
    admins = administrators(w3, city["config"].deployments_dir)
    registrar = type(admins[0])(admins[0].city, TransactionSender(w3, devnet_account(3)))
    registrar.rotate_key("LD-REC", devnet_account(10).address)
    return 10


def _suspend(w3, city):
    administrators(w3, city["config"].deployments_dir)[0].suspend("LD-REC", "audit")


def _pause(w3, city):
    administrators(w3, city["config"].deployments_dir)[2].pause()


def _poor_department(w3, city):
    """A second registration centre whose only key has no money for gas."""
    poor = Account.create()
    onboard(w3, city["config"].deployments_dir, "LD-REC-POOR", DepartmentKind.REAL_ESTATE_REGISTRATION, [poor.address])
    return poor


def _undo_suspension(w3, city):
    admins = administrators(w3, city["config"].deployments_dir)
    run_proposal(admins, *admins[0].call("CityDirectory", "reinstateDepartment", bytes.fromhex(admins[0].department("LD-REC").id[2:])))


def _undo_pause(w3, city):
    admins = administrators(w3, city["config"].deployments_dir)
    run_proposal(admins, *admins[0].call("CityDirectory", "unpause"))


CAUSES = {
    "unregistered key": (lambda w3, city: None, 9, StopCause.NOT_A_SIGNER, "is not a signing key of any department"),
    "rotated-out key": (_rotate_out, 3, StopCause.NOT_A_SIGNER, "is not a signing key of any department"),
    "suspended department": (_suspend, 3, StopCause.SUSPENDED, "LD-REC is suspended"),
    "paused city": (_pause, 3, StopCause.PAUSED, "the city is paused"),
}


@pytest.mark.parametrize("cause", CAUSES)
def test_an_oracle_error_stops_the_sync_with_its_exit_code_and_leaves_every_record_pending(
        cause, devnet_city, tmp_path, monkeypatch):
    w3, net, city = devnet_city
    before, account, expected, words = CAUSES[cause]
    oracles = Oracles(w3, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(6)), "LD-REC")
    before(w3, city)
    result = sync_cli(tmp_path, net, city, monkeypatch, account=account)
    assert result.exit_code == expected, result.output
    assert words in result.output and result.output.count("\n") == 1  # one line
    engine = oracles.database("LD-REC")
    assert statuses(engine) == {"pending": 6} and chain_rejects(engine) == 0


def test_the_oracle_resumes_once_the_administrators_lift_the_suspension_and_the_pause(devnet_city, tmp_path, monkeypatch):
    w3, net, city = devnet_city
    oracles = Oracles(w3, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(4)), "LD-REC")
    _suspend(w3, city)
    _pause(w3, city)
    assert sync_cli(tmp_path, net, city, monkeypatch).exit_code == StopCause.SUSPENDED
    _undo_suspension(w3, city)
    assert sync_cli(tmp_path, net, city, monkeypatch).exit_code == StopCause.PAUSED
    _undo_pause(w3, city)
    result = sync_cli(tmp_path, net, city, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    assert statuses(oracles.database("LD-REC")) == {"confirmed": 4}


def test_a_key_without_gas_money_stops_the_oracle_with_exit_7(devnet_city, tmp_path, monkeypatch):
    w3, net, city = devnet_city
    poor = _poor_department(w3, city)
    city = {**city, "signers": {**city["signers"], "LD-REC-POOR": poor}}
    oracles = Oracles(w3, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(5)), "LD-REC-POOR")
    with pytest.raises(OracleStopped, match=f"{poor.address} has not enough money for gas") as stop:
        oracles.sync("real-estate", "LD-REC-POOR")
    assert stop.value.cause == StopCause.NO_GAS_MONEY == 7
    engine = oracles.database("LD-REC-POOR")
    assert statuses(engine) == {"pending": 5} and chain_rejects(engine) == 0


def test_a_nonce_taken_by_another_process_stops_the_oracle_with_exit_8(devnet_city, tmp_path):
    """Another process sends with the same key between the oracle reading its nonce and sending.
    The oracle's first batch is refused (Anvil) or taken and never mined (Ganache, which takes a
    used nonce silently), and a batch signed after it may be mined before the oracle sees that
    (on Ganache, run alone: its nonce is the next one free): confirmed records are fine, a lost
    or doubled one is not."""
    w3, _, city = devnet_city
    oracles = Oracles(w3, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(5)), "LD-REC")
    sync = oracles.engine("real-estate", "title", "LD-REC", batch_size=2)
    reconcile = sync.reconcile

    def reconcile_then_another_process_sends():
        settled = reconcile()
        registrar = devnet_account(3)
        TransactionSender(w3, registrar).transact(registrar.address, b"")  # takes the oracle's next nonce
        return settled

    sync.reconcile = reconcile_then_another_process_sends
    with pytest.raises(OracleStopped, match="another process is sending with the key") as stop:
        sync.run()
    assert stop.value.cause == StopCause.NONCE_TAKEN == 8
    engine = oracles.database("LD-REC")
    assert statuses(engine).get("confirmed", 0) < 5 and chain_rejects(engine) == 0
    assert oracles.engine("real-estate", "title", "LD-REC").run().confirmed == 5  # the next run writes them all
    assert_each_title_on_chain_once(w3, city, 5)


def test_records_of_flights_lost_one_after_another_are_read_again_from_the_first_never_forward(anvil, city, tmp_path):
    """A node back without two transactions (each a SendLost in turn, the earlier first): the
    pass reads again from the first one's records and the second never moves it forward past
    them (which skipped them till the next pass, while a key's later records went first)."""
    from chaincity.chain.sender import SendLost
    from chaincity.oracle.sync import _Window

    sync = Oracles(anvil, city, tmp_path).engine("real-estate", "title", "LD-REC")
    sync._window, sync._ask_batches = _Window(10, last_id=40), False
    sync._read_again(SendLost("0x01"), [11, 12, 13])
    assert sync._window.last_id == 10 and sync._ask_batches  # each batch asked whether it writes anything
    sync._read_again(SendLost("0x02"), [21, 22])
    assert sync._window.last_id == 10


def test_a_suspension_in_the_middle_of_a_sync_stops_it_without_rejecting_anything(devnet_city, tmp_path):
    """Transactions signed before the suspension revert when mined; their records go back to
    pending, the next estimate meets the suspension, and the oracle stops."""
    w3, _, city = devnet_city
    oracles = Oracles(w3, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(40)), "LD-REC")
    sync = oracles.engine("real-estate", "title", "LD-REC", batch_size=4, pipeline=3)
    broadcast = sync.sender.broadcast
    sent = []

    def broadcast_then_suspend_after_three(signed):
        broadcast(signed)
        sent.append(signed)
        if len(sent) == 3:
            _suspend(w3, city)

    sync.sender.broadcast = broadcast_then_suspend_after_three
    with pytest.raises(OracleStopped, match="LD-REC is suspended") as stop:
        sync.run()
    assert stop.value.cause == StopCause.SUSPENDED
    engine = oracles.database("LD-REC")
    counts = statuses(engine)
    assert counts.get("confirmed", 0) >= 4 and counts.get("pending", 0) > 0 and "rejected" not in counts
    assert chain_rejects(engine) == 0
    _undo_suspension(w3, city)
    assert oracles.engine("real-estate", "title", "LD-REC").run().confirmed == 40


def test_a_send_refused_mid_pipeline_leaves_it_and_every_later_batch_pending_and_the_next_run_writes_them_once(
        devnet_city, tmp_path):
    """Sends leave on the broadcaster's thread, in nonce order: the third is refused (no gas
    money), so the batches signed after it never leave (their nonces would leave a gap). The
    oracle stops with exit 7; the first two batches are confirmed, the rest pending, none
    rejected; the next run writes the rest, each title once."""
    w3, _, city = devnet_city
    oracles = Oracles(w3, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(10)), "LD-REC")
    sync = oracles.engine("real-estate", "title", "LD-REC", batch_size=2, pipeline=8)
    broadcast, sent = sync.sender.broadcast, []

    def refuse_the_third(signed):
        if len(sent) == 2:
            raise OutOfGasMoney(sync.sender.address)
        broadcast(signed)
        sent.append(signed.nonce)
    sync.sender.broadcast = refuse_the_third
    with pytest.raises(OracleStopped, match="not enough money for gas") as stop:
        sync.run()
    assert stop.value.cause == StopCause.NO_GAS_MONEY
    engine = oracles.database("LD-REC")
    assert statuses(engine) == {"confirmed": 4, "pending": 6} and chain_rejects(engine) == 0
    assert oracles.engine("real-estate", "title", "LD-REC", batch_size=2).run().confirmed == 10
    registered = city["contracts"]["PropertyRegistry"].events.TitleRegistered().get_logs(from_block=0)
    assert len(registered) == len({bytes(log["args"]["unit"]) for log in registered}) == 10


def test_the_oracle_signs_the_next_batch_while_the_node_holds_a_send(anvil, tmp_path):
    """A node that mines holds every send until its block is done (Anvil, 1.5-2.5 s a block
    at Loudi's scale; Ganache mines inside the send): the engine makes and signs the next
    batch meanwhile, instead of waiting for the send to return."""
    city = make_city(anvil, tmp_path)
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(6)), "LD-REC")
    sync = oracles.engine("real-estate", "title", "LD-REC", batch_size=2, pipeline=8)
    broadcast, sign, second_signed = sync.sender.broadcast, sync.sender.sign, threading.Event()

    def held(signed):
        if signed.nonce == first_nonce:
            assert second_signed.wait(timeout=20), "the engine waited for the held send before signing again"
        broadcast(signed)

    def signing(*args, **kwargs):
        signed = sign(*args, **kwargs)
        if signed.nonce == first_nonce + 1:
            second_signed.set()
        return signed
    first_nonce = anvil.eth.get_transaction_count(sync.sender.address)
    sync.sender.broadcast, sync.sender.sign = held, signing
    assert sync.run().confirmed == 6 and second_signed.is_set()


@pytest.mark.parametrize("failure", [
    requests.ConnectionError("connection reset on the way"),
    Web3RPCError("{'code': -32603, 'message': 'Internal error'}",
                 rpc_response={"error": {"code": -32603, "message": "Internal error"}}),
], ids=["connection", "node internal error"])
def test_a_send_lost_on_the_way_stays_sent_and_the_same_engine_runs_again_and_writes_every_record_once(
        anvil, tmp_path, failure):
    """A send that fails on the way (the connection, or the node failing to answer, after the
    retries) may have reached the node: its records stay sent for reconciliation, while those
    signed after it, never sent, are pending. An engine used again after such an error (a
    gateway's flushes reuse one) starts from the database, not from the flights the failed run left."""
    city = make_city(anvil, tmp_path)
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(10)), "LD-REC")
    sync = oracles.engine("real-estate", "title", "LD-REC", batch_size=2, pipeline=8)
    broadcast, calls = sync.sender.broadcast, []

    def lost_third(signed):
        calls.append(signed.nonce)
        if len(calls) == 3:
            raise failure
        broadcast(signed)
    sync.sender.broadcast = lost_third
    with pytest.raises(type(failure)):
        sync.run()
    engine = oracles.database("LD-REC")
    after = statuses(engine)  # the two batches sent before it: confirmed, or still sent if not yet mined
    assert after["pending"] == 4 and after.get("sent", 0) >= 2 and after.get("sent", 0) + after.get("confirmed", 0) == 6
    assert sync.run().confirmed == 10 and statuses(engine) == {"confirmed": 10}
    registered = city["contracts"]["PropertyRegistry"].events.TitleRegistered().get_logs(from_block=0)
    assert len(registered) == len({bytes(log["args"]["unit"]) for log in registered}) == 10

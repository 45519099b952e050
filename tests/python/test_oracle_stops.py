"""Errors that belong to the oracle stop it and reject nothing: every record it had not
confirmed stays pending, and the next run, once the cause is gone, writes them. On both devnets
(Ganache runs a transaction at send time and words its errors differently)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from eth_account import Account
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.chain.enums import DepartmentKind
from chaincity.chain.sender import TransactionSender
from chaincity.chain.signer import devnet_account
from chaincity.cli import EXIT_OK, main
from chaincity.db import Reject, SourceRecord
from chaincity.directory import run_proposal
from chaincity.formats import make_id_number, make_unit_code
from chaincity.oracle.stops import OracleStopped, StopCause
from conftest import PEPPER, Oracles, administrators, onboard
from test_sync_bank_court import write

OWNER = make_id_number("431302", __import__("datetime").date(1980, 5, 17), 123)


def titles(count: int, first: int = 1) -> list[dict]:
    return [{"unit_code": make_unit_code("431302", 7, 7, i, 1, 101), "owner_id_numbers": OWNER, "shares": "10000",
             "right_type": "house_ownership", "certificate_no": f"湘(2022)娄底市不动产权第{i:07d}号",
             "registered_at": "2022-01-01"} for i in range(first, first + count)]


def statuses(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(SourceRecord.status, func.count()).group_by(SourceRecord.status)).all())


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
    """Another process sends with the same key between the oracle reading its nonce and sending."""
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
    assert set(statuses(engine)) <= {"pending", "sent"} and chain_rejects(engine) == 0
    assert oracles.engine("real-estate", "title", "LD-REC").run().confirmed == 5  # the next run writes them all


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

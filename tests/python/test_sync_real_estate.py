"""The real-estate sync on a devnet: every loaded title on chain once, or rejected with the
contract's typed error; resumable after a crash between recording and sending. The core runs
on the qbft profile too (the city's Besu QBFT chain: 2 s blocks, free gas), where a key
without money writes, as on the real chain."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import pytest

from chaincity.datagen import generate
from chaincity.db import Reject, SourceRecord
from chaincity.formats import unit_key
from chaincity.hashing import Hasher
from chaincity.oracle.sync import SyncEngine
from conftest import PEPPER

# The suite's core on the default Anvil and on the qbft profile (2 s blocks, free gas): every
# title once, nothing resent, a crash settled, a refused title found in a batch sent unestimated.
ON_BOTH = pytest.mark.parametrize("chain", ["anvil", "qbft"], indirect=True)


def make_engine(oracles, **options) -> SyncEngine:
    """The registration centre's engine for its first registrations."""
    return oracles.engine("real-estate", "title", "LD-REC", **options)


def loaded(oracles, tmp_path, households=40):
    files = generate(tmp_path / "data", households=households, bad_share=0, seed=11)
    summary = oracles.load("real-estate", files.real_estate, "LD-REC")
    return oracles.database("LD-REC"), summary


def registered_events(registry, unit: bytes) -> int:
    return len(registry.events.TitleRegistered().get_logs(from_block=0, argument_filters={"unit": unit}))


@ON_BOTH
def test_every_loaded_title_reaches_the_chain_once(chain, city, oracles, tmp_path):
    engine, load = loaded(oracles, tmp_path)
    summary = make_engine(oracles, engine=engine, batch_size=25, pipeline=3).run()
    assert (summary.total, summary.confirmed, summary.rejected, summary.pending) == (load.loaded, load.loaded, 0, 0)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    with Session(engine) as session:
        records = session.scalars(select(SourceRecord)).all()
    for record in records[:10]:
        view = registry.functions.titleOf(unit_key(record.payload["unit_code"])).call()
        owners = [(bytes(h), s) for h, s in view[7]]
        assert owners == [(hasher.person(i), s) for i, s in zip(record.payload["owner_id_numbers"], record.payload["shares"])]
        assert bytes(view[5]) == hasher.document(record.payload["certificate_no"])
    assert all(registered_events(registry, unit_key(r.payload["unit_code"])) == 1 for r in records)


def test_the_generated_later_export_changes_titles_after_their_first_registration(anvil, city, oracles, tmp_path):
    from chaincity.departments.real_estate import CHANGES, reason_code

    files = generate(tmp_path / "data", households=300, bad_share=0, seed=8)  # a seed that draws every action
    engine = oracles.database("LD-REC")
    oracles.load("real-estate", files.real_estate, "LD-REC")
    changes = oracles.load("real-estate", files.real_estate_changes, "LD-REC")
    assert changes.loaded > 10
    make_engine(oracles, engine=engine, batch_size=100, pipeline=4).run()
    registry = city["contracts"]["PropertyRegistry"]
    summary = oracles.engine("real-estate", "title.change", "LD-REC", engine=engine, pipeline=4).run()
    assert (summary.total, summary.confirmed, summary.rejected) == (changes.loaded, changes.loaded, 0)
    hasher = Hasher(PEPPER)
    with Session(engine) as session:
        records = session.scalars(select(SourceRecord).where(SourceRecord.kind == CHANGES.kind)).all()
    assert {r.payload["action"] for r in records} == {"transfer", "reissue", "revoke", "cancel"}
    for record in records:
        view = registry.functions.titleOf(unit_key(record.payload["unit_code"])).call()
        action = record.payload["action"]
        assert view[1] == (2 if action == "cancel" else 1), record.payload  # Cancelled / Registered
        if action == "transfer":
            assert [bytes(h) for h, _ in view[7]] == [hasher.person(record.payload["owner_id_numbers"][0])]
        if action != "cancel":
            assert bytes(view[5]) == hasher.document(record.payload["certificate_no"])
        if action == "revoke":  # the certificate reported lost stays the title's, revoked
            certificate = registry.functions.verifyCertificate(view[6]).call()
            assert (certificate[0], bytes(certificate[3])) == (3, reason_code("lost"))  # Revoked


@ON_BOTH
def test_a_second_run_sends_nothing(chain, city, oracles, tmp_path):
    engine, _ = loaded(oracles, tmp_path, households=10)
    make_engine(oracles, engine=engine).run()
    signer = city["signers"]["LD-REC"].address
    nonce = chain.eth.get_transaction_count(signer)
    summary = make_engine(oracles, engine=engine).run()
    assert summary.transactions == 0 and summary.pending == 0
    assert chain.eth.get_transaction_count(signer) == nonce


@ON_BOTH
def test_records_left_sent_by_a_crash_are_settled_exactly_once(chain, city, oracles, tmp_path):
    engine, load = loaded(oracles, tmp_path, households=20)
    first = make_engine(oracles, engine=engine, batch_size=10)
    first.run()
    with Session(engine) as session:
        ids = session.scalars(select(SourceRecord.id).order_by(SourceRecord.id)).all()
        # As if a run crashed: some records recorded as sent in a transaction that never left,
        # some confirmed records still marked sent (the crash came before the confirmation).
        session.execute(update(SourceRecord).where(SourceRecord.id.in_(ids[:5])).values(status="sent", tx_hash="0x" + "ab" * 32))
        confirmed_tx = session.scalar(select(SourceRecord.tx_hash).where(SourceRecord.id == ids[10]))
        session.execute(update(SourceRecord).where(SourceRecord.id.in_(ids[10:15])).values(status="sent", tx_hash=confirmed_tx))
        session.commit()
    summary = make_engine(oracles, engine=engine, batch_size=10).run()
    assert (summary.confirmed, summary.pending, summary.rejected) == (load.loaded, 0, 0)
    registry = city["contracts"]["PropertyRegistry"]
    with Session(engine) as session:
        units = [r.payload["unit_code"] for r in session.scalars(select(SourceRecord))]
    assert all(registered_events(registry, unit_key(u)) == 1 for u in units)


def test_a_title_the_registry_refuses_is_rejected_with_its_typed_error(anvil, city, oracles, tmp_path):
    engine, load = loaded(oracles, tmp_path, households=10)
    with Session(engine) as session:
        victim = session.scalars(select(SourceRecord).order_by(SourceRecord.id).limit(1).offset(3)).one()
        # A unit already registered by someone else with other owners: the registry reports a conflict.
        unit = victim.payload["unit_code"]
    hasher = Hasher(PEPPER)
    registry = city["contracts"]["PropertyRegistry"]
    registrar = city["signers"]["LD-REC"]
    call = registry.functions.registerTitles([(unit_key(unit), 1, b"\x01" * 32, [(hasher.person("11010519491231002X"), 10000)])])
    tx = call.build_transaction({"from": registrar.address, "nonce": anvil.eth.get_transaction_count(registrar.address)})
    anvil.eth.wait_for_transaction_receipt(anvil.eth.send_raw_transaction(registrar.sign_transaction(tx).raw_transaction))
    summary = make_engine(oracles, engine=engine, batch_size=4).run()
    assert (summary.confirmed, summary.rejected, summary.pending) == (load.loaded - 1, 1, 0)
    with Session(engine) as session:
        reject = session.scalars(select(Reject).where(Reject.stage == "chain")).one()
    assert reject.source_id == victim.source_id and reject.row_number == victim.row_number
    assert reject.reason == f"PropertyRegistryTitleConflict(unit=0x{unit_key(unit).hex()})"


@ON_BOTH
def test_a_refused_title_in_a_batch_sent_without_estimate_is_found_on_the_next_pass(chain, city, oracles, tmp_path):
    """After the first batch the engine sends without estimating; a batch that then reverts
    goes back to pending and is estimated, so its culprit is rejected and the rest written."""
    engine, load = loaded(oracles, tmp_path, households=12)
    with Session(engine) as session:
        victim = session.scalars(select(SourceRecord).order_by(SourceRecord.id).limit(1).offset(9)).one()
    registry = city["contracts"]["PropertyRegistry"]
    registrar = city["signers"]["LD-REC"]
    hasher = Hasher(PEPPER)
    unit = unit_key(victim.payload["unit_code"])
    call = registry.functions.registerTitles([(unit, 1, b"\x02" * 32, [(hasher.person("11010519491231002X"), 10000)])])
    tx = call.build_transaction({"from": registrar.address, "nonce": chain.eth.get_transaction_count(registrar.address)})
    chain.eth.wait_for_transaction_receipt(chain.eth.send_raw_transaction(registrar.sign_transaction(tx).raw_transaction))
    summary = make_engine(oracles, engine=engine, batch_size=4, pipeline=2).run()
    assert (summary.confirmed, summary.rejected, summary.pending) == (load.loaded - 1, 1, 0)
    with Session(engine) as session:
        assert session.scalars(select(Reject.source_id).where(Reject.stage == "chain")).one() == victim.source_id


def test_bulk_sync_keeps_the_base_fee_from_climbing(anvil, city, oracles, tmp_path):
    """Batches stay within half a block (the EIP-1559 target), so a long import does not make
    every next block dearer; with full blocks the fee grows ~12 % a block until funds run out."""
    engine, load = loaded(oracles, tmp_path, households=800)
    base_fee_before = anvil.eth.get_block("latest")["baseFeePerGas"]
    summary = make_engine(oracles, engine=engine, batch_size=250).run()
    assert summary.confirmed == load.loaded and summary.transactions >= 10
    assert anvil.eth.get_block("latest")["baseFeePerGas"] <= base_fee_before


def test_a_batch_larger_than_a_block_is_split_until_it_fits(anvil, city, oracles, tmp_path):
    engine, load = loaded(oracles, tmp_path, households=300)
    summary = make_engine(oracles, engine=engine, batch_size=400).run()  # 400 titles need ~40M gas; a block holds 30M
    assert (summary.confirmed, summary.rejected, summary.pending) == (load.loaded, 0, 0)
    assert summary.transactions >= 5


@pytest.mark.parametrize("chain", ["qbft"], indirect=True)
def test_a_key_without_money_writes_on_a_free_gas_chain(chain, city, oracles, tmp_path):
    """A department key holds no money (on a Besu network with free gas none is ever given):
    on the free-gas chain the oracle pays nothing and writes every record, where a priced
    chain stops it with 'no gas money' (exit 7, test_oracle_stops.py)."""
    engine, load = loaded(oracles, tmp_path, households=6)
    registrar = city["signers"]["LD-REC"].address
    chain.provider.make_request("anvil_setBalance", [registrar, "0x0"])
    summary = make_engine(oracles, engine=engine).run()
    assert (summary.confirmed, summary.pending, summary.rejected) == (load.loaded, 0, 0)
    assert summary.transactions >= 1 and chain.eth.get_balance(registrar) == 0


@pytest.mark.parametrize("chain", ["ganache"], indirect=True)
def test_a_batch_sent_short_of_gas_on_ganache_goes_again_like_a_reverted_one(chain, city, oracles, tmp_path, caplog):
    """Ganache answers a send that runs out of gas with the error (vmErrorsOnRPCResponse), and
    refuses one given less gas than its calldata costs before mining it. Priced from a gas
    figure learnt too low, both kinds of batch put their records back and the engine prices
    them again: every title on chain once, no traceback, nothing rejected."""
    registry = city["contracts"]["PropertyRegistry"]
    rows = (generate(tmp_path / "data", households=40, bad_share=0, seed=3).real_estate).read_text().splitlines(True)
    # Refused unmined (the calldata of 60 titles alone costs more than 66,000 gas); mined out of gas.
    for part, (chunk, batch_size, learnt) in enumerate(((rows[1:61], 60, 0), (rows[61:], 10, 30_000))):
        export = tmp_path / f"part{part}.csv"
        export.write_text(rows[0] + "".join(chunk))
        load = oracles.load("real-estate", export, "LD-REC")
        engine = make_engine(oracles, batch_size=batch_size, pipeline=2)
        engine._gas_per_record = learnt  # as if learnt from cheaper records
        caplog.clear()
        summary = engine.run()
        assert (summary.written_now, summary.pending, summary.rejected) == (load.loaded, 0, 0)
        assert ("calldata costs" if learnt == 0 else "reverted; its") in caplog.text
    with Session(oracles.database("LD-REC")) as session:
        units = [r.payload["unit_code"] for r in session.scalars(select(SourceRecord))]
    assert all(registered_events(registry, unit_key(u)) == 1 for u in units)

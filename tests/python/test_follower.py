"""The event follower on a real devnet: chunked reads, idempotent storage, reorganisations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from chaincity.chain.follower import EventFollower
from chaincity.db import ChainEvent, Checkpoint, open_database
from chaincity.chain.deployment import load_record
from chaincity.chain.signer import devnet_account
from chaincity.deploy import DeployConfig, deploy_city

from conftest import ROOT


@pytest.fixture
def directory(anvil, tmp_path):
    config = DeployConfig(tuple(anvil.eth.accounts[:3]), 2, ROOT / "build", tmp_path / "deployments")
    deploy_city(anvil, devnet_account(0), config)
    entry = load_record(config.deployments_dir, anvil.eth.chain_id)["contracts"]["CityDirectory"]
    abi = json.loads((config.deployments_dir / entry["abi"]).read_text())
    return anvil.eth.contract(address=entry["address"], abi=abi), entry["block"]


def propose(anvil, directory, admin_index: int = 0) -> int:
    """A proposal (to pause); returns how many events it emitted."""
    data = directory.encode_abi("pause", args=[])
    tx = directory.functions.propose(directory.address, data).transact({"from": anvil.eth.accounts[admin_index]})
    return len(anvil.eth.wait_for_transaction_receipt(tx)["logs"])


def stored(engine, name="directory") -> list[tuple[str, int]]:
    with Session(engine) as session:
        return session.execute(
            select(ChainEvent.event, ChainEvent.block_number).where(ChainEvent.follower == name).order_by(ChainEvent.id)
        ).all()


def test_follows_events_in_small_chunks_and_never_stores_twice(anvil, directory, tmp_path):
    contract, block = directory
    engine = open_database(f"sqlite:///{tmp_path / 'f.db'}")
    emitted = sum(propose(anvil, contract) for _ in range(5))
    follower = EventFollower(anvil, engine, "directory", {"CityDirectory": contract}, start_block=block, chunk=2)
    first = follower.poll()
    deployment = load_record(tmp_path / "deployments", anvil.eth.chain_id)["contracts"]["CityDirectory"]
    constructor_logs = len(anvil.eth.get_transaction_receipt(deployment["transaction"])["logs"])
    assert first.events == constructor_logs + emitted
    events = stored(engine)
    assert [e for e, _ in events].count("ProposalCreated") == 5
    assert follower.poll().events == 0  # nothing new
    # A second follower over the same blocks with a checkpoint reset stores nothing twice.
    with Session(engine) as session:
        session.get(Checkpoint, "directory").block_number = block - 1
        session.commit()
    assert follower.poll().events == 0
    assert stored(engine) == events


def test_stays_confirmations_behind_the_head(anvil, directory, tmp_path):
    contract, block = directory
    engine = open_database(f"sqlite:///{tmp_path / 'f.db'}")
    follower = EventFollower(anvil, engine, "directory", {"CityDirectory": contract}, start_block=block, confirmations=3)
    anvil.provider.make_request("anvil_mine", [2])  # the deployment block now has 3 confirmations
    assert follower.poll().events > 0
    emitted = propose(anvil, contract)
    assert follower.poll().events == 0  # one block: not yet 3 confirmations
    anvil.provider.make_request("anvil_mine", [2])
    assert follower.poll().events == emitted


def test_reorganisation_drops_the_orphaned_events_and_reads_the_new_branch(anvil, directory, tmp_path):
    contract, block = directory
    engine = open_database(f"sqlite:///{tmp_path / 'f.db'}")
    follower = EventFollower(anvil, engine, "directory", {"CityDirectory": contract}, start_block=block)
    follower.poll()
    snapshot = anvil.provider.make_request("evm_snapshot", [])["result"]
    emitted = propose(anvil, contract, 0) + propose(anvil, contract, 0)
    assert follower.poll().events == emitted
    orphaned = {tuple(r) for r in stored(engine)}
    anvil.provider.make_request("evm_revert", [snapshot])
    # The other branch: one different proposal, then empty blocks so it is longer.
    data = contract.encode_abi("pause", args=[])
    anvil.eth.wait_for_transaction_receipt(contract.functions.propose(contract.address, data).transact({"from": anvil.eth.accounts[1]}))
    anvil.provider.make_request("anvil_mine", [3])
    result = follower.poll()
    assert result.reorgs == 1
    with Session(engine) as session:
        proposers = [e.args["proposer"] for e in session.scalars(
            select(ChainEvent).where(ChainEvent.event == "ProposalCreated").order_by(ChainEvent.block_number))]
        hashes_ok = all(
            "0x" + bytes(anvil.eth.get_block(e.block_number)["hash"]).hex() == e.block_hash
            for e in session.scalars(select(ChainEvent))
        )
    assert proposers == [anvil.eth.accounts[1]]
    assert hashes_ok
    assert orphaned != {tuple(r) for r in stored(engine)}


def test_events_decoded_by_topic_store_what_web3_decodes(anvil, directory, tmp_path):
    """The follower decodes each log by its topic with eth-abi (fast path); what it stores is
    exactly web3's own decoding (addresses checksummed, bytes as hex, indexed values)."""
    from chaincity.chain.contracts import jsonable

    contract, block = directory
    propose(anvil, contract)
    engine = open_database(f"sqlite:///{tmp_path / 'f.db'}")
    follower = EventFollower(anvil, engine, "directory", {"CityDirectory": contract}, start_block=block)
    assert follower.poll().events > 0
    with Session(engine) as session:
        rows = session.scalars(select(ChainEvent).where(ChainEvent.follower == "directory")).all()
        for row in rows:
            (log,) = [log for log in anvil.eth.get_transaction_receipt(row.tx_hash)["logs"]
                      if log["logIndex"] == row.log_index]
            assert row.args == json.loads(json.dumps(jsonable(dict(contract.events[row.event]().process_log(log)["args"]))))
    used = [decoder for decoder in follower._by_topic.values() if decoder.trusted is not None]
    assert used and all(decoder.trusted for decoder in used)  # the fast path was taken, not the fallback

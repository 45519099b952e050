"""Benchmark: the real-estate sync against a naive one-transaction-per-record script, in one run.

    .venv/bin/python tests/bench/bench_sync.py --households 20000    # ratio on the default devnet
    .venv/bin/python tests/bench/bench_sync.py --households 150000 --block-time 5 \
        --gas-limit 10000000000 --batch-size 1000 --pipeline 64 --prune-history --naive-sample 10
                                          # Loudi's ~350,000 titles on a QBFT-like chain
    .venv/bin/python tests/bench/bench_sync.py --households 43000 --gas-limit 1000000000 \
        --batch-size 1000 --naive-sample 10 --changes 300
                                          # + 300 changes against 100,000 titles, history checked
                                          # by an event-log search (before) and by the registry's
                                          # certificate record (now), same chain state

Starts a private Anvil, deploys, onboards a registration centre, generates and loads the
titles, then measures (1) the naive script: registerTitle per record, waiting for each
receipt, on a sample; (2) the oracle sync of everything. Prints records/s of both, their
ratio, the end-to-end time and the process's peak memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from sqlalchemy import delete, update  # noqa: E402

from chaincity import devnet as devnets  # noqa: E402
from chaincity.chain.deployment import City  # noqa: E402
from chaincity.chain.enums import DepartmentKind  # noqa: E402
from chaincity.chain.errors import ErrorDecoder  # noqa: E402
from chaincity.chain.sender import TransactionSender  # noqa: E402
from chaincity.chain.signer import devnet_account  # noqa: E402
from chaincity.datagen import generate  # noqa: E402
from chaincity.db import Reject, SourceRecord, open_database  # noqa: E402
from chaincity.departments.real_estate import CHANGES, REGISTRATIONS, SPEC  # noqa: E402
from chaincity.hashing import Hasher  # noqa: E402
from chaincity.load import load_csv  # noqa: E402
from chaincity.oracle.stops import Authority  # noqa: E402
from chaincity.oracle.history import ChainReader  # noqa: E402
from chaincity.oracle.sync import SyncEngine  # noqa: E402
from conftest import LOUDI, PEPPER, deploy_devnet_city, free_port, onboard  # noqa: E402


def engine_for(mapping, engine, city: City, registrar, hasher, args) -> SyncEngine:
    """The oracle's engine for one mapping, wired as `chaincity oracle sync` wires it."""
    return SyncEngine(engine, SPEC.name, mapping, ChainReader(city["PropertyRegistry"]), TransactionSender(city.w3, registrar),
                      ErrorDecoder(*(c.abi for c in city.contracts.values())), hasher,
                      Authority(city["CityDirectory"], registrar.address, "LD-REC", SPEC.kinds),
                      batch_size=args.batch_size, pipeline=args.pipeline, block_gas_share=args.block_share)


# The history check as it was before the registry's certificate record answered it: a search
# of the registry's event log, from its deployment, for the act's unit and documents.
EVENTS = {"transfer": ("TitleTransferred",), "reissue": ("CertificateReissued",), "cancel": ("TitleCancelled",),
          "split": ("TitleSplit",), "merge": ("TitleMerged",),
          "revoke": ("TitleRegistered", "TitleTransferred", "CertificateReissued")}


def _logged(action: str):
    def search(chain, payload, hasher):
        documents = hasher.document(payload["certificate_no"])
        for event in EVENTS[action]:
            for log in getattr(chain.contract.events, event)().get_logs(
                    from_block=0, argument_filters={"unit": REGISTRATIONS.chain_key(payload)}):
                if bytes(log["args"]["documents"]) == documents:
                    return log
        return None
    return search


def _revoked_digest(chain, payload, hasher):
    return {"certificate": bytes(_logged("revoke")(chain, payload, hasher)["args"]["certificate"]).hex()}


LOG_SCAN = dataclasses.replace(CHANGES, actions={
    name: dataclasses.replace(action, written_before=None if name == "revoke" else (
        lambda chain, payload, hasher, name=name: _logged(name)(chain, payload, hasher) is not None),
        needs=_revoked_digest if name == "revoke" else action.needs)
    for name, action in CHANGES.actions.items()})


def measure_changes(w3, engine, city, registrar, hasher, args, changes_path: Path) -> None:
    """The first ``args.changes`` changes of the later export: (1) their history checks alone,
    by an event-log search (as before) and by the registry's certificate record (now), same
    chain, nothing sent; (2) the whole sync of them, once each way from the same chain state
    (a snapshot reverted in between)."""
    load_csv(engine, SPEC, changes_path, LOUDI)
    with Session(engine) as session:  # only the first N changes take part
        records = session.scalars(select(SourceRecord).where(SourceRecord.kind == CHANGES.kind)
                                  .order_by(SourceRecord.id)).all()
        session.execute(update(SourceRecord).where(SourceRecord.id.in_([r.id for r in records[args.changes:]]))
                        .values(status="held"))
        session.commit()
        records = [r for r in records[:args.changes] if r.payload["action"] != "revoke"]
    reader = ChainReader(city["PropertyRegistry"])
    checks = {}
    for name, mapping in (("event-log search", LOG_SCAN), ("certificate record", CHANGES)):
        started = time.monotonic()
        for record in records:
            check = mapping.action_of(record.payload).written_before
            if check is not None:
                check(reader, record.payload, hasher)
        checks[name] = len(records) / (time.monotonic() - started)
        print(f"history checks by {name:<18}: {checks[name]:9.1f} checks/s over {len(records)} changes")
    print(f"ratio certificate record / event-log search: {checks['certificate record'] / checks['event-log search']:8.1f}x")
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    for name, mapping in (("event-log search", LOG_SCAN), ("certificate record", CHANGES)):
        started = time.monotonic()
        summary = engine_for(mapping, engine, city, registrar, hasher, args).run(progress=False)
        print(f"sync of the changes, history by {name:<18}: {summary.confirmed / (time.monotonic() - started):6.1f} "
              f"changes/s ({summary.confirmed} confirmed, {summary.rejected} rejected; a block each)")
        w3.provider.make_request("evm_revert", [snapshot])
        snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
        with Session(engine) as session:  # the same records again, against the same chain
            session.execute(update(SourceRecord).where(SourceRecord.kind == CHANGES.kind, SourceRecord.status != "held")
                            .values(status="pending", tx_hash=None, block_number=None))
            session.execute(delete(Reject).where(Reject.stage == "chain"))
            session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5_000)
    parser.add_argument("--naive-sample", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--pipeline", type=int, default=8)
    parser.add_argument("--block-share", type=float, default=0.5,
                        help="share of the block gas limit per transaction (CHAINCITY_BLOCK_SHARE)")
    parser.add_argument("--prune-history", action="store_true",
                        help="run Anvil with --prune-history (no per-block copies of the state in memory)")
    parser.add_argument("--block-time", type=int, default=None,
                        help="seconds between blocks (a QBFT-like chain); default: a block per transaction")
    parser.add_argument("--gas-limit", type=int, default=devnets.BLOCK_GAS_LIMIT, help="block gas limit")
    parser.add_argument("--changes", type=int, default=0,
                        help="then sync the first N changes of the later export, history checked two ways")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port(), block_gas_limit=args.gas_limit,
                              block_time=args.block_time, extra_args=("--prune-history",) if args.prune_history else ())
    print(f"anvil: {' '.join(net.command('anvil')[1:])}")
    try:
        devnets.up(net, ROOT, work / "state")
        w3 = Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 120}))
        config = deploy_devnet_city(w3, work / "deployments")
        city = City(w3, config.deployments_dir)
        registrar = devnet_account(3)
        onboard(w3, config.deployments_dir, "LD-REC", DepartmentKind.REAL_ESTATE_REGISTRATION, [registrar.address])
        started = time.monotonic()
        files = generate(work / "data", args.households, bad_share=0.0, seed=2018)
        engine = open_database(f"sqlite:///{work / 'rec.db'}")
        load = load_csv(engine, SPEC, files.real_estate, LOUDI)
        loaded_at = time.monotonic()
        hasher = Hasher(PEPPER)
        registry = city["PropertyRegistry"]

        # Naive: the first records, one transaction each, waiting for every receipt.
        with Session(engine) as session:
            sample = session.scalars(select(SourceRecord).where(SourceRecord.kind == REGISTRATIONS.kind).order_by(SourceRecord.id).limit(args.naive_sample)).all()
        naive_start = time.monotonic()
        nonce = w3.eth.get_transaction_count(registrar.address)
        for record in sample:
            tx = registry.functions.registerTitles([REGISTRATIONS.element(record.payload, hasher)]).build_transaction(
                {"from": registrar.address, "nonce": nonce})
            nonce += 1
            receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(registrar.sign_transaction(tx).raw_transaction))
            assert receipt["status"] == 1
        naive_rate = len(sample) / (time.monotonic() - naive_start)

        sync = engine_for(REGISTRATIONS, engine, city, registrar, hasher, args)
        sync_start = time.monotonic()
        summary = sync.run(progress=True)
        sync_seconds = time.monotonic() - sync_start
        # The naive sample is already on chain; the sync confirms it with no-op resends.
        sync_rate = summary.confirmed / sync_seconds
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"titles loaded: {load.loaded} (generated in and loaded in {loaded_at - started:.1f} s)")
        print(f"naive, one tx per record:  {naive_rate:8.1f} records/s over {len(sample)} records")
        print(f"oracle sync:               {sync_rate:8.1f} records/s over {summary.confirmed} records "
              f"in {sync_seconds:.1f} s, {summary.transactions} transactions")
        print(f"ratio sync / naive:        {sync_rate / naive_rate:8.1f}x")
        if args.block_time:
            print(f"  (with a block every {args.block_time} s the naive script waits a block per record; "
                  "compare with a run without --block-time for the ratio)")
        print(f"end to end (generate + load + sync): {loaded_at - started + sync_seconds:.1f} s")
        print(f"peak memory of this process: {peak_mb:.0f} MB")
        print(f"confirmed {summary.confirmed}, rejected {summary.rejected}, pending {summary.pending}")
        if args.changes:
            measure_changes(w3, engine, city, registrar, hasher, args, files.real_estate_changes)
    finally:
        devnets.down(net, work / "state")
        shutil.rmtree(work, ignore_errors=True)  # the chain's state dump alone is GBs at 350k titles


if __name__ == "__main__":
    main()

"""Benchmark: the real-estate sync against a naive one-transaction-per-record script, in one run.

    .venv/bin/python tests/bench/bench_sync.py --households 20000    # ratio on the default devnet
    .venv/bin/python tests/bench/bench_sync.py --households 150000 --block-time 5 \
        --gas-limit 10000000000 --batch-size 1000 --pipeline 64 --prune-history --naive-sample 10
                                          # Loudi's ~350,000 titles on a QBFT-like chain

Starts a private Anvil, deploys, onboards a registration centre, generates and loads the
titles, then measures (1) the naive script: registerTitles of one record per transaction, waiting for each
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

from chaincity import devnet as devnets  # noqa: E402
from chaincity.chain.errors import ErrorDecoder  # noqa: E402
from chaincity.chain.sender import TransactionSender  # noqa: E402
from chaincity.chain.signer import devnet_account  # noqa: E402
from chaincity.datagen import generate  # noqa: E402
from chaincity.db import SourceRecord, open_database  # noqa: E402
from chaincity.departments import DEPARTMENTS  # noqa: E402
from chaincity.departments.real_estate import CHAIN  # noqa: E402
from chaincity.chain.contracts import load_contracts  # noqa: E402
from chaincity.deploy import DeployConfig, deploy_city  # noqa: E402
from chaincity.hashing import Hasher  # noqa: E402
from chaincity.load import load_csv  # noqa: E402
from chaincity.oracle.sync import SyncEngine  # noqa: E402
from chaincity.onboard import DepartmentKind, register_department  # noqa: E402
from conftest import free_port  # noqa: E402

PEPPER = bytes(range(32))


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
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port(), block_gas_limit=args.gas_limit,
                              block_time=args.block_time, extra_args=("--prune-history",) if args.prune_history else ())
    print(f"anvil: {' '.join(net.command('anvil')[1:])}")
    try:
        devnets.up(net, ROOT, work / "state")
        w3 = Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 120}))
        config = DeployConfig(tuple(w3.eth.accounts[:3]), 2, ROOT / "build", work / "deployments")
        deploy_city(w3, w3.eth.accounts[0], config)
        contracts = load_contracts(w3, config.deployments_dir)
        registrar = devnet_account(3)
        register_department(w3, contracts["CityDirectory"], list(w3.eth.accounts[:3]), "LD-REC",
                            DepartmentKind.REAL_ESTATE_REGISTRATION, "Loudi registration centre", [registrar.address])
        started = time.monotonic()
        files = generate(work / "data", args.households, bad_share=0.0, seed=2018)
        engine = open_database(f"sqlite:///{work / 'rec.db'}")
        load = load_csv(engine, DEPARTMENTS["real-estate"], files.real_estate)
        loaded_at = time.monotonic()
        hasher = Hasher(PEPPER)
        registry = contracts["PropertyRegistry"]

        # Naive: the first records, one transaction each, waiting for every receipt.
        with Session(engine) as session:
            sample = session.scalars(select(SourceRecord).where(SourceRecord.kind == CHAIN.kind).order_by(SourceRecord.id).limit(args.naive_sample)).all()
        naive_start = time.monotonic()
        nonce = w3.eth.get_transaction_count(registrar.address)
        for record in sample:
            tx = registry.functions.registerTitles([CHAIN.to_input(record.payload, hasher)]).build_transaction(
                {"from": registrar.address, "nonce": nonce})
            nonce += 1
            receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(registrar.sign_transaction(tx).raw_transaction))
            assert receipt["status"] == 1
        naive_rate = len(sample) / (time.monotonic() - naive_start)

        sync = SyncEngine(engine, "real-estate", CHAIN, registry, TransactionSender(w3, registrar),
                          ErrorDecoder(registry.abi), hasher, batch_size=args.batch_size, pipeline=args.pipeline,
                          block_gas_share=args.block_share)
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
    finally:
        devnets.down(net, work / "state")
        shutil.rmtree(work, ignore_errors=True)  # the chain's state dump alone is GBs at 350k titles


if __name__ == "__main__":
    main()

"""Benchmark: vouchers synced per second by the voucher desk's oracle (not run by `make test`).

    .venv/bin/python tests/bench/bench_vouchers.py --vouchers 2000
    .venv/bin/python tests/bench/bench_vouchers.py --vouchers 2000 --acts 200

Starts a private Anvil, deploys, onboards a bank and the registration centre, lets banks issue
mortgage-release vouchers (a proposal of the administrators' quorum), loads N issues into the
bank's database and syncs them (batched `issueVouchers`), then optionally M hand-overs
(`nominate`, one transaction each, history-checked in the custody chain first); then replays
the whole export into a rebuilt database (nothing sent). Prints vouchers/s of each.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

from web3 import Web3

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from chaincity import devnet as devnets  # noqa: E402
from chaincity.chain.enums import DepartmentKind  # noqa: E402
from chaincity.chain.signer import devnet_account  # noqa: E402
from chaincity.config import OracleConfig  # noqa: E402
from chaincity.db import open_database  # noqa: E402
from chaincity.departments.vouchers import SPEC, type_id, voucher_id  # noqa: E402
from chaincity.directory import run_proposal  # noqa: E402
from chaincity.hashing import Hasher  # noqa: E402
from chaincity.load import load_csv  # noqa: E402
from chaincity.oracle.run import sync_department  # noqa: E402
from conftest import LOUDI, PEPPER, administrators, deploy_devnet_city, free_port, onboard  # noqa: E402

UNIT = "431302001002GB00017F00030102"


def write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*SPEC.columns, *SPEC.optional_columns])
        writer.writeheader()
        writer.writerows(rows)
    return path


def timed_sync(w3, db: Path, config: OracleConfig, bank, paths: list[Path]) -> tuple[dict, float]:
    engine = open_database(f"sqlite:///{db}")
    for path in paths:
        load_csv(engine, SPEC, path, LOUDI)
    started = time.monotonic()
    summaries = sync_department(w3, engine, SPEC, config, bank)
    return {s.kind: s for s in summaries}, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vouchers", type=int, default=2_000)
    parser.add_argument("--acts", type=int, default=0, help="then nominate the first N vouchers to another bank")
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-vouchers-"))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())
    try:
        devnets.up(net, ROOT, work / "state")
        w3 = Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 120}))
        deployments = deploy_devnet_city(w3, work / "deployments").deployments_dir
        bank = devnet_account(4)
        for code, kind, index in (("LD-BANK-ICBC", DepartmentKind.BANK, 4), ("LD-BANK-CCB", DepartmentKind.BANK, 5)):
            onboard(w3, deployments, code, kind, [devnet_account(index).address])
        admins = administrators(w3, deployments)
        run_proposal(admins, *admins[0].call("VoucherRegistry", "setVoucherType", type_id("MORTGAGE_RELEASE"),
                                             1 << DepartmentKind.BANK, 1 << DepartmentKind.BANK))
        config = OracleConfig("", "", deployments, "LD-BANK-ICBC", PEPPER, 1, args.batch_size, 8)
        issues = [{"voucher_no": f"MR-{n:07d}", "action": "issue", "department": "LD-BANK-ICBC",
                   "acted_at": "2026-11-01T09:00:00+08:00", "type": "MORTGAGE_RELEASE", "holder": "LD-BANK-ICBC",
                   "subject": UNIT, "document": f"Mortgage contract {n} released in full."} for n in range(args.vouchers)]
        hasher = Hasher(PEPPER)
        acts = [{"voucher_no": row["voucher_no"], "action": "nominate", "department": "LD-BANK-ICBC",
                 "acted_at": "2026-11-02T09:00:00+08:00", "holder": "LD-BANK-CCB",
                 "voucher_id": "0x" + voucher_id(SPEC.parse(row, LOUDI).payload, hasher).hex()}
                for row in issues[:args.acts]]
        paths = [write(work / "issues.csv", issues), write(work / "acts.csv", acts)]
        first, seconds = timed_sync(w3, work / "bank.db", config, bank, paths)
        issued, acted = first["voucher.issue"], first["voucher.act"]
        print(f"issues: {issued.confirmed} vouchers in {issued.seconds:.1f} s = {issued.confirmed / issued.seconds:.1f}/s "
              f"({issued.transactions} transactions, batch {args.batch_size})")
        if args.acts:
            print(f"acts:   {acted.confirmed} nominations in {acted.seconds:.1f} s = "
                  f"{acted.confirmed / acted.seconds:.1f}/s ({acted.transactions} transactions)")
        replay, replay_seconds = timed_sync(w3, work / "rebuilt.db", config, bank, paths)
        found = sum(s.confirmed for s in replay.values())
        sent = sum(s.transactions for s in replay.values())
        for s in replay.values():
            print(f"  {s.kind}: {s.as_dict()}")
        print(f"replay into a rebuilt database: {found} records confirmed, {sent} transactions, "
              f"{replay_seconds:.1f} s = {found / replay_seconds:.1f}/s")
    finally:
        devnets.down(net, work / "state")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Vouchers synced per second by the voucher desk's oracle: issues batched (`issueVouchers`),
hand-overs one transaction each, and a replay of the whole export into a rebuilt database
(nothing sent). No goal in issue 16; figure 2's family (an import).

    python -m bench.vouchers                        # 2,000 issues
    python -m bench.vouchers --vouchers 2000 --acts 200

Starts a private Anvil, deploys, onboards two banks, lets banks issue mortgage-release vouchers
(a proposal of the administrators' quorum), loads N issues into the bank's database and syncs
them, then optionally M hand-overs (`nominate`, history-checked in the custody chain first),
then replays the whole export into a rebuilt database.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

from bench.devnet import private_devnet
from bench.figure import Figure
from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.config import OracleConfig
from chaincity.db import open_database
from chaincity.departments.vouchers import SPEC, type_id, voucher_id
from chaincity.directory import run_proposal
from chaincity.hashing import Hasher
from chaincity.load import load_csv
from chaincity.oracle.run import sync_department

UNIT = "431302001002GB00017F00030102"


def write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*SPEC.columns, *SPEC.optional_columns])
        writer.writeheader()
        writer.writerows(rows)
    return path


def timed_sync(w3, db: Path, config: OracleConfig, bank, paths: list[Path]) -> tuple[dict, float]:
    from conftest import LOUDI

    engine = open_database(f"sqlite:///{db}")
    for path in paths:
        load_csv(engine, SPEC, path, LOUDI)
    started = time.monotonic()
    summaries = sync_department(w3, engine, SPEC, config, bank)
    return {s.kind: s for s in summaries}, time.monotonic() - started


def measure(quick: bool = False, *, vouchers: int = 2_000, acts: int = 200, batch_size: int = 200) -> list[Figure]:
    """Issues/s, hand-overs/s and the replay's records/s."""
    from conftest import LOUDI, PEPPER, administrators, deploy_devnet_city, onboard

    if quick:
        vouchers, acts = 40, 2
    load = os.getloadavg()[0]
    with private_devnet("vouchers") as (w3, _net, work):
        deployments = deploy_devnet_city(w3, work / "deployments").deployments_dir
        bank = devnet_account(4)
        for code, kind, index in (("LD-BANK-ICBC", DepartmentKind.BANK, 4), ("LD-BANK-CCB", DepartmentKind.BANK, 5)):
            onboard(w3, deployments, code, kind, [devnet_account(index).address])
        admins = administrators(w3, deployments)
        run_proposal(admins, *admins[0].call("VoucherRegistry", "setVoucherType", type_id("MORTGAGE_RELEASE"),
                                             1 << DepartmentKind.BANK, 1 << DepartmentKind.BANK))
        config = OracleConfig("", "", deployments, "LD-BANK-ICBC", PEPPER, 1, batch_size, 8)
        issues = [{"voucher_no": f"MR-{n:07d}", "action": "issue", "department": "LD-BANK-ICBC",
                   "acted_at": "2026-11-01T09:00:00+08:00", "type": "MORTGAGE_RELEASE", "holder": "LD-BANK-ICBC",
                   "subject": UNIT, "document": f"Mortgage contract {n} released in full."} for n in range(vouchers)]
        hasher = Hasher(PEPPER)
        handovers = [{"voucher_no": row["voucher_no"], "action": "nominate", "department": "LD-BANK-ICBC",
                      "acted_at": "2026-11-02T09:00:00+08:00", "holder": "LD-BANK-CCB",
                      "voucher_id": "0x" + voucher_id(SPEC.parse(row, LOUDI).payload, hasher).hex()}
                     for row in issues[:acts]]
        paths = [write(work / "issues.csv", issues), write(work / "acts.csv", handovers)]
        first, _ = timed_sync(w3, work / "bank.db", config, bank, paths)
        replay, replay_seconds = timed_sync(w3, work / "rebuilt.db", config, bank, paths)
    figures = []
    for kind, label in (("voucher.issue", f"issues, batches of {batch_size}"), ("voucher.act", "hand-overs, one each")):
        done = first[kind]
        if done.confirmed:
            figures.append(Figure(2, f"vouchers: {label}", "anvil", done.confirmed, round(done.confirmed / done.seconds, 1),
                                  "records/s", success_rate=done.confirmed / (vouchers if kind == "voucher.issue" else acts),
                                  note=f"{done.transactions} transactions; load {load:.1f}"))
    found = sum(s.confirmed for s in replay.values())
    figures.append(Figure(2, "vouchers: replay into a rebuilt database", "anvil", found, round(found / replay_seconds, 1),
                          "records/s", success_rate=found / (vouchers + acts),
                          note=f"{sum(s.transactions for s in replay.values())} transactions sent (none expected); "
                               f"load {load:.1f}"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vouchers", type=int, default=2_000)
    parser.add_argument("--acts", type=int, default=200, help="then nominate the first N vouchers to another bank")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for figure in measure(args.quick, vouchers=args.vouchers, acts=args.acts, batch_size=args.batch_size):
        print(figure.as_dict())


if __name__ == "__main__":
    main()

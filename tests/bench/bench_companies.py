"""Benchmark: the company departments' sync and finance's bidding check.

    .venv/bin/python tests/bench/bench_companies.py                      # 5,000 companies
    .venv/bin/python tests/bench/bench_companies.py --companies 30000 --gas-limit 1000000000 \
        --batch-size 1000                                                # Loudi's ~30,000

Starts a private Anvil, deploys, onboards market regulation, the tax bureau, two courts and
finance, generates the company exports (`chaincity datagen`'s), loads and syncs each with the
oracle, and prints companies/s (registrations; later acts one by one), tax grades/s, listings/s;
then the bidding check for `--bidders` companies: one batched `biddingBarsOfBatch` read (as
`chaincity query bidding` makes it) against one `biddingBarMaskOf` call per bidder, checks/s.
"""

from __future__ import annotations

import argparse
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
from chaincity.chain.deployment import City  # noqa: E402
from chaincity.chain.enums import DepartmentKind  # noqa: E402
from chaincity.chain.signer import devnet_account  # noqa: E402
from chaincity.cli import DEPARTMENTS  # noqa: E402
from chaincity.company_data import COURTS, FINANCE, LISTINGS_DEPARTMENT, MARKET, TAX, generate_companies  # noqa: E402
from chaincity.config import OracleConfig  # noqa: E402
from chaincity.credit import Credit, company_key  # noqa: E402
from chaincity.db import open_database  # noqa: E402
from chaincity.load import load_csv  # noqa: E402
from chaincity.oracle.run import sync_department  # noqa: E402
from conftest import LOUDI, PEPPER, deploy_devnet_city, free_port, onboard  # noqa: E402

SIGNERS = {MARKET: (DepartmentKind.MARKET_REGULATION, 7), TAX: (DepartmentKind.TAX_BUREAU, 8),
           FINANCE: (DepartmentKind.FINANCE, 9), COURTS[0]: (DepartmentKind.COURT, 10), COURTS[1]: (DepartmentKind.COURT, 11)}


def sync(w3, work: Path, config_dir: Path, department: str, code: str, path: Path, args) -> tuple[int, dict, float]:
    """Load ``path`` and sync it as ``code``; (rows loaded, confirmed per kind, seconds of the sync)."""
    engine = open_database(f"sqlite:///{work / (code + '.db')}")
    loaded = load_csv(engine, DEPARTMENTS[department], path, LOUDI).loaded
    config = OracleConfig(rpc_url="", database_url="", deployments_dir=config_dir, department_code=code, pepper=PEPPER,
                          confirmations=1, batch_size=args.batch_size, pipeline=args.pipeline)
    started = time.monotonic()
    summaries = sync_department(w3, engine, DEPARTMENTS[department], config, devnet_account(SIGNERS[code][1]))
    seconds = time.monotonic() - started
    for summary in summaries:
        assert summary.rejected == summary.pending == 0, summary.as_dict()
    return loaded, {s.kind: (s.confirmed, s.seconds) for s in summaries}, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=5_000)
    parser.add_argument("--bidders", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5, help="batched reads of all bidders to average")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--pipeline", type=int, default=8)
    parser.add_argument("--gas-limit", type=int, default=devnets.BLOCK_GAS_LIMIT, help="block gas limit")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-companies-"))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port(), block_gas_limit=args.gas_limit)
    try:
        devnets.up(net, ROOT, work / "state")
        w3 = Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 120}))
        config = deploy_devnet_city(w3, work / "deployments")
        for code, (kind, account) in SIGNERS.items():
            onboard(w3, config.deployments_dir, code, kind, [devnet_account(account).address])
        files = generate_companies(work / "data", args.companies, bad_share=0.0, seed=2018)
        print(f"generated {files.rows} rows for {args.companies} companies")
        _, market, seconds = sync(w3, work, config.deployments_dir, "market", MARKET, files.market, args)
        for kind, (count, spent) in market.items():
            print(f"market {kind:<18} {count:>7} in {spent:7.1f} s = {count / spent:8.1f}/s")
        print(f"market sync: {sum(c for c, _ in market.values())} records in {seconds:.1f} s")
        _, grades, seconds = sync(w3, work, config.deployments_dir, "tax", TAX, files.tax, args)
        for kind, (count, spent) in grades.items():
            print(f"tax {kind:<21} {count:>7} in {spent:7.1f} s = {count / max(spent, 1e-9):8.1f}/s")
        for code, path in files.listings.items():
            _, listed, seconds = sync(w3, work, config.deployments_dir, LISTINGS_DEPARTMENT[code], code, path, args)
            print(f"{code:<13} listings {sum(c for c, _ in listed.values()):>5} in {seconds:6.1f} s")

        credit = Credit(City(w3, config.deployments_dir))
        with files.market.open(encoding="utf-8") as handle:
            bidders = list(dict.fromkeys(line.split(",")[0] for line in list(handle)[1:]))[:args.bidders]
        started = time.monotonic()
        for _ in range(args.rounds):
            answers = credit.bidding(bidders)
        batched = len(bidders) * args.rounds / (time.monotonic() - started)
        view = credit.bidding_view.functions
        started = time.monotonic()
        singles = [view.biddingBarMaskOf(company_key(code)).call() for code in bidders]
        one_by_one = len(bidders) / (time.monotonic() - started)
        assert [bool(mask) for mask in singles] == [bool(bars) for bars in answers.values()]
        barred = sum(1 for bars in answers.values() if bars)
        print(f"bidding, {len(bidders)} bidders ({barred} barred): batched {batched:8.1f} checks/s "
              f"({args.rounds} rounds), one call per bidder {one_by_one:8.1f} checks/s, ratio {batched / one_by_one:.1f}x")
    finally:
        devnets.down(net, work / "state")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

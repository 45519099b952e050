"""The company departments' sync: registrations/s, later acts/s (one transaction each), tax
grades/s and corrections/s, listings/s (issue 16; no goal set for these).

    python -m bench.companies                  # 5,000 companies (several minutes: the acts go one by one)

A private Anvil, the city deployed as the Python tests deploy it, market regulation, the tax
bureau, two courts and finance onboarded; the company exports (`chaincity datagen`'s) loaded and
synced by each department's oracle. `company_city` is also the registry `bench.reads` reads.
"""

from __future__ import annotations

import csv
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.devnet import private_devnet
from bench.figure import Figure
from chaincity.chain.enums import DepartmentKind
from chaincity.company_data import COURTS, FINANCE, LISTINGS_DEPARTMENT, MARKET, TAX, CompanyFiles, generate_companies

# Who signs for each company department (devnet account index).
SIGNERS = {MARKET: (DepartmentKind.MARKET_REGULATION, 7), TAX: (DepartmentKind.TAX_BUREAU, 8),
           FINANCE: (DepartmentKind.FINANCE, 9), COURTS[0]: (DepartmentKind.COURT, 10), COURTS[1]: (DepartmentKind.COURT, 11)}
GAS_LIMIT = 1_000_000_000


@dataclass
class CompanyCity:
    files: CompanyFiles
    usccs: list[str]  # every company registered, in the export's order
    synced: dict[str, tuple[int, float]]  # record kind -> (confirmed, seconds)


def sync(w3, work: Path, deployments: Path, department: str, code: str, path: Path, account,
         batch_size: int, pipeline: int) -> dict[str, tuple[int, float]]:
    """Load ``path`` and sync it as ``code`` with the oracle: confirmed and seconds per record kind."""
    from conftest import LOUDI, PEPPER

    from chaincity.cli import DEPARTMENTS
    from chaincity.config import OracleConfig
    from chaincity.db import open_database
    from chaincity.load import load_csv
    from chaincity.oracle.run import sync_department

    engine = open_database(f"sqlite:///{work / (code + '.db')}")
    load_csv(engine, DEPARTMENTS[department], path, LOUDI)
    config = OracleConfig(rpc_url="", database_url="", deployments_dir=deployments, department_code=code, pepper=PEPPER,
                          confirmations=1, batch_size=batch_size, pipeline=pipeline)
    summaries = sync_department(w3, engine, DEPARTMENTS[department], config, account)
    for summary in summaries:
        if summary.rejected or summary.pending:
            raise RuntimeError(f"{code}: records not on chain: {summary.as_dict()}")
    return {s.kind: (s.confirmed, s.seconds) for s in summaries}


def registrations_only(path: Path) -> Path:
    """The market export without its later acts (each one transaction): for a registry to read."""
    out = path.with_name("market_registrations.csv")
    with path.open(encoding="utf-8", newline="") as source, out.open("w", encoding="utf-8", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["action"] == "register")
    return out


def company_city(w3, work: Path, deployments: Path, companies: int, *, onboarded: dict | None = None,
                 acts: bool = True, batch_size: int = 200, pipeline: int = 8) -> CompanyCity:
    """The company departments onboarded (but those in ``onboarded``, code -> account) and their
    exports synced; without ``acts`` the market's later acts are left out."""
    from conftest import onboard

    from chaincity.chain.signer import devnet_account

    accounts = dict(onboarded or {})
    for code, (kind, index) in SIGNERS.items():
        if code not in accounts:
            accounts[code] = devnet_account(index)
            onboard(w3, deployments, code, kind, [accounts[code].address])
    files = generate_companies(work / "companies", companies, bad_share=0.0, seed=2018)
    market = files.market if acts else registrations_only(files.market)
    synced = {}
    for department, code, path in (("market", MARKET, market), ("tax", TAX, files.tax),
                                   *((LISTINGS_DEPARTMENT[code], code, path) for code, path in files.listings.items())):
        for kind, (count, seconds) in sync(w3, work, deployments, department, code, path, accounts[code],
                                           batch_size, pipeline).items():
            done, spent = synced.get(kind, (0, 0.0))
            synced[kind] = (done + count, spent + seconds)
    with files.market.open(encoding="utf-8", newline="") as handle:
        usccs = list(dict.fromkeys(row["uscc"] for row in csv.DictReader(handle) if row["action"] == "register"))
    return CompanyCity(files, usccs, synced)


def measure(quick: bool = False) -> list[Figure]:
    """Records/s of each company record kind as the oracles sync them (no goal set)."""
    from conftest import deploy_devnet_city

    companies = 30 if quick else 5_000
    load = os.getloadavg()[0]
    with private_devnet("companies", block_gas_limit=GAS_LIMIT) as (w3, _net, work):
        deployments = deploy_devnet_city(w3, work / "deployments").deployments_dir
        started = time.monotonic()
        town = company_city(w3, work, deployments, companies)
        wall = time.monotonic() - started
    return [Figure(2, f"company sync: {kind}", "anvil", count, round(count / seconds, 1) if seconds else 0.0,
                   "records/s", success_rate=1.0,
                   note=f"{companies:,} companies, batches of 200 (acts and corrections one transaction each); "
                        f"the whole sync {wall:.1f} s; load {load:.1f}")
            for kind, (count, seconds) in town.synced.items() if count]


if __name__ == "__main__":
    for figure in measure():
        print(figure.as_dict())

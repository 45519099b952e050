"""Every department's sync killed (SIGKILL) at 20 random points: afterwards each record of the
export is on chain exactly once, or rejected with its reason in the rejects report.

One city for the module (deploying and onboarding is most of the cost), datagen's own exports
with more seizures, transfers and listings than Loudi has (so that each export has enough
records to be killed 20 times in the middle of), and each case's earlier exports synced first
without kills (a bank's mortgages need their titles on chain). What is checked is the chain:
every confirmed record's key in a log of a transaction its department's key sent while the
case ran, and no log twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from chaincity import company_data, datagen
from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.cli import DEPARTMENTS, EXIT_OK, EXIT_REJECTED, main
from chaincity.db import Reject, SourceRecord, open_database
from chaincity.departments.listings import case_digest
from chaincity.hashing import Hasher
from conftest import PEPPER, administrators
from test_sync_companies import ACCOUNTS, company_city
from test_sync_resilience import ForkedCli, kill_repeatedly, statuses

ACCOUNT = {"LD-REC": 3, "LD-BANK-ICBC": 4, **ACCOUNTS}


@dataclass(frozen=True)
class Case:
    department: str  # the CLI's department
    code: str
    export: str  # datagen's file
    # The key its events carry, when it is not the mapping's own (a listing's lift is found by its case digest).
    key: Callable[[dict, Hasher], bytes] | None = None


# In the order a city imports them: each case's earlier exports are synced before it.
CASES = {
    "real-estate registrations": Case("real-estate", "LD-REC", "real_estate.csv"),
    "bank mortgages": Case("bank", "LD-BANK-ICBC", "bank_LD-BANK-ICBC.csv"),
    "court seizures": Case("court", "LD-COURT-INT", "court_LD-COURT-INT.csv"),
    "voucher desk (assistance notices)": Case("voucher", "LD-COURT-INT", "vouchers_LD-COURT-INT.csv"),
    "real-estate changes": Case("real-estate", "LD-REC", "real_estate_changes.csv"),
    "market regulation": Case("market", "LD-AMR", "market.csv"),
    "tax grades": Case("tax", "LD-TAX", "tax.csv"),
    "court listings": Case("court-listings", "LD-COURT-INT", "listings_LD-COURT-INT.csv", case_digest),
    "tax listings": Case("tax-listings", "LD-TAX", "listings_LD-TAX.csv", case_digest),
    "market listings": Case("market-listings", "LD-AMR", "listings_LD-AMR.csv", case_digest),
    "finance listings": Case("finance-listings", "LD-FIN", "listings_LD-FIN.csv", case_digest),
}
# Enough records in each export for 20 kills, one record a transaction while killed.
HOUSEHOLDS, COMPANIES = 420, 320
SHARES = {"SEIZED_SHARE": 0.3, "TRANSFERRED_SHARE": 0.07}
LISTED = {"dishonest-judgment-debtor": 0.4, "major-tax-violation": 0.2, "serious-violation": 0.2,
          "procurement-dishonesty": 0.2}


class KillCity:
    """The module's city: its devnet, deployment, exports and a database per department."""

    def __init__(self, w3, net, root: Path, households: int = HOUSEHOLDS, companies: int = COMPANIES):
        self.w3, self.net, self.root = w3, net, root
        self.city = company_city(w3, root)
        admins = administrators(w3, self.city["config"].deployments_dir)
        from chaincity.departments.vouchers import type_id
        from chaincity.directory import run_proposal

        run_proposal(admins, *admins[0].call("VoucherRegistry", "setVoucherType", type_id("COURT_ASSISTANCE"),
                                             1 << DepartmentKind.COURT, 1 << DepartmentKind.REAL_ESTATE_REGISTRATION))
        with pytest.MonkeyPatch.context() as patch:
            for name, share in SHARES.items():
                patch.setattr(datagen, name, share)
            patch.setattr(company_data, "LISTED", LISTED)
            files = datagen.generate(root / "data", households, bad_share=0, seed=7)
            company_data.generate_companies(root / "data", companies, bad_share=0, seed=7)
            from chaincity.voucher_data import generate_vouchers

            generate_vouchers(root / "data", files.courts, bad_share=0, seed=7)
        self.synced: set[str] = set()

    def env(self, code: str, **more: str) -> dict[str, str]:
        import os

        return {**os.environ, "CHAINCITY_DEPARTMENT": code, "CHAINCITY_PEPPER": PEPPER.hex(),
                "CHAINCITY_DEVNET_ACCOUNT": str(ACCOUNT[code]), "CHAINCITY_RPC_URL": self.net.rpc_url,
                "CHAINCITY_DEPLOYMENTS_DIR": str(self.city["config"].deployments_dir),
                "CHAINCITY_DATABASE_URL": f"sqlite:///{self.root / (code + '.db')}",
                "CHAINCITY_BATCH_SIZE": "50", **more}  # Ganache estimates big batches slowly

    def cli(self, code: str, *args: str, **more: str):
        result = CliRunner().invoke(main, list(args), env=self.env(code, **more))
        return result.exit_code, result.output

    def load(self, case: Case) -> None:
        exit_code, output = self.cli(case.code, "db", "load", case.department, str(self.root / "data" / case.export))
        assert exit_code == EXIT_OK, output
        self.synced.add(case.export)

    def sync_before(self, name: str) -> None:
        """Load and sync, without kills, every export before case ``name`` not synced yet."""
        for earlier_name, earlier in CASES.items():
            if earlier_name == name:
                return
            if earlier.export not in self.synced:
                self.load(earlier)
                exit_code, output = self.cli(earlier.code, "oracle", "sync", earlier.department, "--json")
                assert exit_code in (EXIT_OK, EXIT_REJECTED), output


@pytest.fixture(scope="module")
def kill_city(anvil, anvil_net, tmp_path_factory):
    return KillCity(anvil, anvil_net, tmp_path_factory.mktemp("kill-city"))


def signer_logs(w3, contract, signer: str, first: int, last: int) -> list:
    """The contract's logs from ``first`` to ``last`` in transactions ``signer`` sent."""
    sent = {tx["hash"] for number in range(first, last + 1)
            for tx in w3.eth.get_block(number, full_transactions=True)["transactions"] if tx["from"] == signer}
    return [log for log in w3.eth.get_logs({"address": contract.address, "fromBlock": first, "toBlock": last})
            if log["transactionHash"] in sent]


def assert_on_chain_exactly_once_or_rejected(kill_city: KillCity, case: Case, first_block: int) -> dict[str, int]:
    spec, hasher = DEPARTMENTS[case.department], Hasher(PEPPER)
    engine = open_database(kill_city.env(case.code)["CHAINCITY_DATABASE_URL"])
    with Session(engine) as session:
        records = session.scalars(select(SourceRecord).where(SourceRecord.department == case.department,
                                                             SourceRecord.source_file.endswith(case.export))).all()
        rejected = {(r.row_number, r.field, r.reason) for r in session.scalars(
            select(Reject).where(Reject.source_file.endswith(case.export)))}
    counts = Counter(r.status for r in records)
    assert set(counts) <= {"confirmed", "rejected"}, counts  # nothing left pending or sent
    assert counts["rejected"] == len({row for row, _, _ in rejected}), rejected  # each reject in the report
    assert all(reason for _, _, reason in rejected)
    signer = devnet_account(ACCOUNT[case.code]).address
    last = kill_city.w3.eth.block_number
    logs: list = []
    for contract in {spec.chain_of(r.kind).contract for r in records}:
        logs += signer_logs(kill_city.w3, kill_city.city["contracts"][contract], signer, first_block, last)
    contents = Counter((tuple(bytes(t) for t in log["topics"]), bytes(log["data"])) for log in logs)
    assert max(contents.values(), default=0) == 1  # no event twice: nothing written twice
    keys = {bytes(topic) for log in logs for topic in log["topics"][1:]}

    def key(record: SourceRecord) -> bytes:
        key = case.key(record.payload, hasher) if case.key else spec.chain_of(record.kind).key_of(record.payload, hasher)
        return key.ljust(32, b"\0")  # a bytesN topic is left-aligned

    missing = [r.source_id for r in records if r.status == "confirmed" and key(r) not in keys]
    assert not missing, missing  # nothing lost
    return dict(counts)


def kill_and_check(kill_city: KillCity, name: str) -> dict[str, int]:
    """Case ``name``: its earlier exports synced, its export loaded, its sync killed 20 times,
    a last sync to the end; checked against the chain."""
    case = CASES[name]
    kill_city.sync_before(name)
    kill_city.load(case)
    first_block = kill_city.w3.eth.block_number + 1
    # One record a transaction, two in flight: many kill points between sending and confirming.
    env = kill_city.env(case.code, CHAINCITY_BATCH_SIZE="1", CHAINCITY_PIPELINE="2")
    engine = open_database(env["CHAINCITY_DATABASE_URL"])
    kill_repeatedly(["oracle", "sync", case.department, "--json"], env, engine, kill_city.root, max_delay=0.05,
                    start=ForkedCli)
    exit_code, output = kill_city.cli(case.code, "oracle", "sync", case.department, "--json")
    assert exit_code in (EXIT_OK, EXIT_REJECTED), output
    assert "pending" not in statuses(engine) and "sent" not in statuses(engine)
    return assert_on_chain_exactly_once_or_rejected(kill_city, case, first_block)


@pytest.mark.parametrize("name", CASES)
def test_every_department_killed_at_twenty_random_points_writes_each_record_once_or_rejects_it(name, kill_city):
    kill_and_check(kill_city, name)


def test_a_sync_killed_at_twenty_random_points_on_ganache(ganache, ganache_net, tmp_path):
    """Ganache runs each transaction when it is sent: a kill lands between its answer and the
    database's record of it more often than on Anvil. The registration centre's titles (no
    earlier export to sync first), a smaller city."""
    kill_and_check(KillCity(ganache, ganache_net, tmp_path, households=120, companies=20), "real-estate registrations")

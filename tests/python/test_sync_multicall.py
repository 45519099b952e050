"""Market regulation's later acts many to a transaction (CompanyRegistry's multicall): the acts
of the 2022 Regulations on the Registration of Market Entities (Art. 30 suspension, Art. 31
deregistration, the abnormal-operations list) in export order, never two on one company in one
transaction; a refused act rejected, naming its record, while the others of its batch go; a
rebuilt database's replay sends nothing."""

from __future__ import annotations

import csv
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from chaincity.chain.contracts import call_named
from chaincity.chain.deployment import City
from chaincity.cli import EXIT_OK, EXIT_REJECTED
from chaincity.company_data import MARKET, generate_companies
from chaincity.db import Reject, open_database
from chaincity.departments.rows import uscc_of
from test_sync_companies import cli, company_city  # noqa: F401 (a fixture)

COLUMNS = ("uscc", "name", "legal_rep_id_number", "registered_capital", "division", "registered_at", "status", "action",
           "reason")
STATUS_SUSPENDED, STATUS_DEREGISTERED = 2, 6  # CompanyStatus in ICompanyRegistry.sol


def act(code: str, action: str, day: str, status: str = "existing") -> dict:
    return {"uscc": code, "registered_at": day, "status": status, "action": action, "reason": f"{action} 依据第30条"}


def export_with_acts(tmp_path) -> tuple[list[str], object]:
    """Five generated companies' registrations, then their acts: the first company's listing
    and removal (one after the other: two transactions; the others' acts do not wait for the
    second), a removal of a listing that never was (refused), and acts of the others."""
    files = generate_companies(tmp_path / "data", companies=5, bad_share=0, seed=13)
    with files.market.open(encoding="utf-8") as handle:
        registrations = [row for row in csv.DictReader(handle) if row["action"] == "register"][:5]
    a, b, c, d, e = (row["uscc"] for row in registrations)
    acts = [act(a, "list-abnormal", "2025-01-02"), act(b, "suspend-business", "2025-01-02", "suspended"),
            act(a, "remove-abnormal", "2025-02-03"), act(c, "list-abnormal", "2025-02-03"),
            act(d, "remove-abnormal", "2025-02-03"), act(e, "deregister", "2025-02-04", "deregistered")]
    path = tmp_path / "market_acts.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows([{k: row.get(k, "") for k in COLUMNS} for row in registrations + acts])
    return [a, b, c, d, e], path


def test_market_acts_go_many_to_a_transaction_in_export_order_and_a_refused_one_is_named(
        anvil, anvil_net, cli, tmp_path):  # noqa: F811
    city = company_city(anvil, tmp_path)
    run = cli(anvil_net, city)
    (a, b, c, d, e), path = export_with_acts(tmp_path)
    assert run("db", "load", "market", path, code=MARKET)[0] == EXIT_OK
    exit_code, output = run("oracle", "sync", "market", "--json", code=MARKET)
    assert exit_code == EXIT_REJECTED, output
    acts = next(s for s in json.loads(output) if s["kind"] == "company.act")
    # [list A, suspend B, list C, remove D, deregister E] | [remove A]: remove A waits for a
    # second transaction (it needs the listing before it) while the other companies' acts go in
    # the first; remove D is refused and left out of it.
    assert (acts["confirmed"], acts["rejected"], acts["transactions"]) == (5, 1, 2)
    with Session(open_database(f"sqlite:///{tmp_path / (MARKET + '.db')}")) as session:
        (reject,) = session.scalars(select(Reject).where(Reject.stage == "chain")).all()
    assert reject.source_id == f"{d}:remove-abnormal:2025-02-03" and "CompanyRegistryNotAbnormal" in reject.reason
    registry = City(anvil, city["config"].deployments_dir)["CompanyRegistry"]
    listing = call_named(registry, "abnormalListingOf", uscc_of({"uscc": a}))
    assert listing["listedAt"] and listing["removedAt"] > listing["listedAt"]  # listed, then removed: in order
    assert call_named(registry, "abnormalListingOf", uscc_of({"uscc": c}))["listedAt"]
    listed = {bytes(log["args"]["uscc"]): log["transactionHash"]
              for log in registry.events.CompanyListedAbnormal().get_logs(from_block=0)}
    removed = registry.events.CompanyRemovedAbnormal().get_logs(from_block=0)
    # C's listing did not wait behind A's removal: only A's removal went second.
    assert listed[uscc_of({"uscc": a})] == listed[uscc_of({"uscc": c})] != removed[0]["transactionHash"]
    assert call_named(registry, "statusOf", uscc_of({"uscc": b})) == STATUS_SUSPENDED
    assert call_named(registry, "statusOf", uscc_of({"uscc": e})) == STATUS_DEREGISTERED

    # The department's database rebuilt and the export replayed: every act is on chain already.
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"{MARKET}.db{suffix}").unlink(missing_ok=True)
    assert run("db", "load", "market", path, code=MARKET)[0] == EXIT_OK
    exit_code, output = run("oracle", "sync", "market", "--json", code=MARKET)
    acts = next(s for s in json.loads(output) if s["kind"] == "company.act")
    assert (acts["already_on_chain"], acts["rejected"], acts["transactions"]) == (5, 1, 0), output


def test_a_courts_lifts_go_many_to_a_transaction_each_its_own_listing_ended(anvil, anvil_net, cli, tmp_path):  # noqa: F811
    """A court lists three cases, then lifts them (performed): the lifts go in one transaction
    (CreditLists' multicall), each its own ListingEnded event, and nothing stays live."""
    from test_company_rows import listing
    from test_sync_companies import write_rows

    city = company_city(anvil, tmp_path)
    run = cli(anvil_net, city)
    cases = [f"(2023)湘13执{n}号" for n in (11, 12, 13)]
    lifts = [listing(case_no=case, action="lift", effective_from="", effective_until="2024-01-05", reason="已履行")
             for case in cases]
    export = write_rows(tmp_path / "court.csv", "court-listings", [listing(case_no=case) for case in cases] + lifts)
    assert run("db", "load", "court-listings", export, code="LD-COURT-INT")[0] == EXIT_OK
    exit_code, output = run("oracle", "sync", "court-listings", "--json", code="LD-COURT-INT")
    assert exit_code == EXIT_OK, output
    listed, ended = json.loads(output)
    assert (listed["confirmed"], ended["confirmed"], ended["transactions"]) == (3, 3, 1)
    lists = City(anvil, city["config"].deployments_dir)["CreditLists"]
    events = lists.events.ListingEnded().get_logs(from_block=0)
    assert len(events) == 3 and len({e["transactionHash"] for e in events}) == 1
    subject = listing()["subject"].encode("ascii").ljust(32, b"\0")  # a company: its USCC (listings.subject_key)
    assert call_named(lists, "isListed", subject) is False

"""Story 3: the on-the-spot mortgage. In Loudi a mortgage took 5 working days; with the
registry on chain a citizen registers it at the bank itself in less than 6 hours. The bank reads
the title in one call (owners, mortgages, seizures), registers the mortgage (priority by
registration, Civil Code Art. 414) and holds its registration certificate (不动产登记证明)."""

from __future__ import annotations

import time
from datetime import date

from chaincity.chain.enums import TitleStatus
from chaincity.demo.city import DemoCity, department
from chaincity.demo.evidence import StoryResult
from chaincity.departments import bank

BANK = "LD-BANK-ICBC"
CONTRACT = "JD-2026-9000001"


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    lender = department(BANK)
    title = city.free_title(city.used_units)
    unit, citizen = title["unit_code"], title["owner_id_numbers"][0]
    started = time.monotonic()
    # The clerk reads the title with the citizen at the desk: one call, anyone may read.
    seen = city.command("query", "title", unit)
    owner_hash = "0x" + city.hasher.person(citizen).hex()
    is_owner = owner_hash in [o["holder"] for o in seen["owners"]]
    free = TitleStatus(seen["status"]) == TitleStatus.REGISTERED and not seen["mortgages"] and not seen["seizures"]
    path = city.export("mortgage.csv", bank.SPEC.columns, [{
        "unit_code": unit, "bank": BANK, "contract_no": CONTRACT, "amount": "800000.00", "term_months": "240",
        "registered_at": date.today().isoformat()}])
    city.load_and_sync(lender, path)
    after = city.title(unit)
    certificate = after["mortgages"][0]["certificate"] if after["mortgages"] else "0x" + "00" * 32
    verified = city.command("verify", "certificate", certificate)
    wall = time.monotonic() - started
    record = city.records(lender, kind="mortgage.register", status=None, source_id=f"{CONTRACT}:register")[0]
    result.fact("title read in one call", f"{unit}: registered, no mortgage, no seizure; the citizen is an owner"
                if free and is_owner else f"{unit}: not free ({seen['status']})", unit=unit, citizen_is_owner=is_owner)
    result.fact("mortgage registered", f"{CONTRACT}, 800,000.00 yuan, 240 months, {record.status} in block "
                f"{record.block_number}", mortgage_status=record.status)
    result.tx("registerMortgages (ICBC Loudi branch)", {"tx_hash": record.tx_hash, "block_number": record.block_number})
    result.fact("registration certificate (不动产登记证明)", f"{verified['state']} ({certificate[:18]}…), "
                f"for the mortgage {verified['proof'][:18]}…", certificate=certificate, certificate_state=verified["state"],
                proof_is_contract=verified["proof"] == "0x" + city.hasher.document(CONTRACT).hex())
    result.fact("wall time at the desk", f"{wall:.1f} s (Loudi before the chain: 5 working days; "
                "with it: less than 6 hours)", wall_seconds=wall)
    return result

"""Story 2: a sale. Registration, not the contract, transfers the right (Civil Code Art. 214):
the registration centre registers the buyer under a new certificate, and the seller's
certificate is superseded on chain, so a superseded certificate cannot be passed off as valid."""

from __future__ import annotations

from datetime import date

from chaincity.demo.city import DemoCity, department
from chaincity.demo.evidence import StoryResult
from chaincity.departments.real_estate.rows import WHOLE
from chaincity.formats import make_id_number

SALE_CERTIFICATE = "湘(2026)娄底市不动产权第9000001号"
COLUMNS = ("unit_code", "owner_id_numbers", "shares", "right_type", "certificate_no", "registered_at", "action", "reason")


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    centre = department("LD-REC")
    title = city.free_title(city.used_units)
    unit = title["unit_code"]
    old = city.title(unit)["certificate"]
    buyer = make_id_number(unit[:6], date(1990, 5, 17), 321)
    path = city.export("sale.csv", COLUMNS, [{
        "unit_code": unit, "owner_id_numbers": buyer, "shares": str(WHOLE), "right_type": "",
        "certificate_no": SALE_CERTIFICATE, "registered_at": date.today().isoformat(), "action": "transfer", "reason": ""}])
    city.load_and_sync(centre, path)
    record = city.records(centre, kind="title.change", status=None, source_id=f"{SALE_CERTIFICATE}:transfer")[0]
    after = city.title(unit)
    old_state = city.command("verify", "certificate", old)["state"]
    new_state = city.command("verify", "certificate", after["certificate"])["state"]
    result.fact("title", unit, unit=unit)
    result.fact("transfer", f"{record.status} in block {record.block_number}", transfer_status=record.status)
    result.tx("transferTitle to the buyer", {"tx_hash": record.tx_hash, "block_number": record.block_number})
    result.fact("owner on chain", f"{after['owners'][0]['holder'][:18]}… = hash of the buyer's identity number",
                buyer_is_owner=[o["holder"] for o in after["owners"]] == ["0x" + city.hasher.person(buyer).hex()])
    result.fact("seller's certificate", f"{old_state} ({old[:18]}…)", old_certificate=old, old_state=old_state)
    result.fact(f"buyer's certificate {SALE_CERTIFICATE}", f"{new_state} ({after['certificate'][:18]}…)",
                new_certificate=after["certificate"], new_state=new_state)
    return result

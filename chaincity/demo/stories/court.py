"""Story 4: courts and a mortgaged flat. A seized property cannot be transferred or mortgaged;
a later court's seizure queues (轮候查封) and takes effect when the earlier one is lifted; a
judicial sale (SPC auction rules Arts. 28-29) registers the buyer and extinguishes the
mortgages and seizures. The bank holding the mortgage learns of the seizure from its follower."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy.orm import Session

from chaincity.demo.city import DemoCity, DemoError, department
from chaincity.demo.evidence import StoryResult
from chaincity.departments import court
from chaincity.departments.bank import HeldMortgage
from chaincity.departments.real_estate.rows import WHOLE
from chaincity.formats import make_id_number, unit_key

BANK, FIRST, SECOND = "LD-BANK-ICBC", "LD-COURT-INT", "LD-COURT-LX"
SALE_CERTIFICATE = "湘(2026)娄底市不动产权第9000003号"
TRANSFER_CERTIFICATE = "湘(2026)娄底市不动产权第9000002号"
FOLLOWER_WAIT = 60.0
RE_COLUMNS = ("unit_code", "owner_id_numbers", "shares", "right_type", "certificate_no", "registered_at", "action", "reason")


def _mortgaged_flat(city: DemoCity) -> dict:
    """A flat the bank holds a mortgage on, not seized, not used by another story."""
    for record in reversed(city.records(department(BANK), kind="mortgage.register")):
        unit = record.payload["unit_code"]
        title = city.title(unit)
        if unit not in city.used_units and title["mortgages"] and not title["seizures"]:
            city.used_units.add(unit)
            return record.payload
    raise DemoError(f"{BANK} holds no mortgage on a free title")


def _court_act(city: DemoCity, code: str, name: str, row: dict):
    """A court's clerk exports one order and the court's oracle writes it; its record."""
    columns = court.SPEC.columns + court.SALE_COLUMNS
    path = city.export(name, columns, [{c: row.get(c, "") for c in columns}])
    city.load_and_sync(department(code), path)
    source_id = f"{row['order_no']}:{row['action']}:{row['issued_at']}"
    return city.records(department(code), status=None, source_id=source_id)[0]


def _bank_notice(city: DemoCity, unit: str) -> dict | None:
    """The seizure as the bank's read model holds it (its follower's work), or None yet."""
    with Session(city.engine(department(BANK))) as session:
        for held in session.query(HeldMortgage).filter(HeldMortgage.unit == "0x" + unit_key(unit).hex()):
            seized = [n for n in held.notices if n["event"] == "TitleSeized"]
            if seized:
                return seized[0]
    return None


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    flat = _mortgaged_flat(city)
    unit, today = flat["unit_code"], date.today().isoformat()
    result.fact("mortgaged flat", f"{unit} (mortgage {flat['contract_no']} of {BANK})", unit=unit)
    city.start_follower(department(BANK))

    seize = {"unit_code": unit, "court": FIRST, "order_no": "(2026)湘13执保101号", "action": "seize",
             "term_months": "36", "issued_at": today}
    record = _court_act(city, FIRST, "seize_first.csv", seize)
    result.tx(f"seize ({FIRST})", {"tx_hash": record.tx_hash, "block_number": record.block_number})
    seized_at = time.monotonic()
    notice = None
    while notice is None and time.monotonic() - seized_at < FOLLOWER_WAIT:
        time.sleep(0.5)
        notice = _bank_notice(city, unit)
    result.fact(f"{FIRST} seizes it", f"{record.status} in block {record.block_number}", first_seizure=record.status)
    result.fact(f"{BANK} learns it from its follower", f"TitleSeized of block {notice['block']} in its held_mortgages, "
                f"{time.monotonic() - seized_at:.1f} s later" if notice else "not within 60 s", bank_notice=notice)
    city.stop_followers()

    path = city.export("transfer_under_seizure.csv", RE_COLUMNS, [{
        "unit_code": unit, "owner_id_numbers": make_id_number(unit[:6], date(1985, 3, 9), 77), "shares": str(WHOLE),
        "right_type": "", "certificate_no": TRANSFER_CERTIFICATE, "registered_at": today, "action": "transfer", "reason": ""}])
    centre = department("LD-REC")
    city.load_and_sync(centre, path)
    refused = city.records(centre, status=None, source_id=f"{TRANSFER_CERTIFICATE}:transfer")[0]
    reason = city.rejects(centre, refused.source_id)
    result.fact("the registration centre's transfer", f"{refused.status}: {reason}", transfer_status=refused.status,
                transfer_reason=reason)

    second = _court_act(city, SECOND, "seize_second.csv", {**seize, "court": SECOND, "order_no": "(2026)湘1302执保55号"})
    title = city.title(unit)
    result.tx(f"seize ({SECOND}, queued)", {"tx_hash": second.tx_hash, "block_number": second.block_number})
    result.fact(f"{SECOND} seizes it too", f"queued behind {FIRST}: {title['queuedSeizureCount']} queued",
                queued_count=title["queuedSeizureCount"], effective_before=_effective(title))

    lift = _court_act(city, FIRST, "lift_first.csv", {**seize, "action": "lift", "term_months": ""})
    title = city.title(unit)
    result.tx(f"liftSeizure ({FIRST})", {"tx_hash": lift.tx_hash, "block_number": lift.block_number})
    result.fact(f"{FIRST} lifts its seizure", f"{SECOND}'s seizure takes effect", effective_after=_effective(title))

    buyer = make_id_number(unit[:6], date(1979, 11, 2), 505)
    sale = _court_act(city, SECOND, "judicial_sale.csv", {
        "unit_code": unit, "court": SECOND, "order_no": "(2026)湘1302执55号之一", "action": "judicial-sale",
        "term_months": "", "issued_at": today, "owner_id_numbers": buyer, "shares": str(WHOLE),
        "certificate_no": SALE_CERTIFICATE})
    title = city.title(unit)
    result.tx(f"judicialSale ({SECOND})", {"tx_hash": sale.tx_hash, "block_number": sale.block_number})
    result.fact("judicial sale", f"{sale.status} in block {sale.block_number}: {len(title['mortgages'])} mortgages, "
                f"{len(title['seizures'])} seizures left; the buyer owns it",
                sale_status=sale.status, mortgages_after=len(title["mortgages"]), seizures_after=len(title["seizures"]),
                buyer_is_owner=[o["holder"] for o in title["owners"]] == ["0x" + city.hasher.person(buyer).hex()])
    return result


def _effective(title: dict) -> str | None:
    """The department id of the court whose seizure is in effect."""
    return next((s["court"] for s in title["seizures"] if s["effective"]), None)

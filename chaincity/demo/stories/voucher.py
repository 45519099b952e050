"""Story 6: an electronic voucher instead of paper. The bank releases a mortgage and issues the
release notice (抵押权注销通知) as a MORTGAGE_RELEASE voucher: its document stays in the bank's
database, its digest goes on chain. The bank hands it to the registration centre, which accepts
and redeems it; anyone verifies the document file against the chain, and a forged copy (one
word changed) is unknown to it. Which kinds may issue and receive the type is set by the
administrators' quorum first (who may issue and receive each voucher type, issue 14)."""

from __future__ import annotations

from datetime import date

from chaincity.demo.city import DemoCity, DemoError, department
from chaincity.demo.evidence import StoryResult
from chaincity.departments import bank

BANK, CENTRE = "LD-BANK-CCB", "LD-REC"
VOUCHER = "MR-2026-0001"
TYPE = "MORTGAGE_RELEASE"
# IVoucherRegistry.CustodyAction, as the custody chain is read back
CUSTODY = ("issued", "nominated", "accepted", "rejected", "nomination cancelled", "redeemed", "surrendered", "revoked")


def _released_flat(city: DemoCity) -> dict:
    """A mortgage of the bank on a title no other story uses: the mortgage the story releases."""
    for record in city.records(department(BANK), kind="mortgage.register"):
        unit = record.payload["unit_code"]
        title = city.title(unit)
        if unit not in city.used_units and len(title["mortgages"]) == 1 and not title["seizures"]:
            city.used_units.add(unit)
            return record.payload
    raise DemoError(f"{BANK} holds no mortgage on a free title")


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    lender, centre = department(BANK), department(CENTRE)
    typed = city.by_quorum("voucher-type", TYPE, "--issuer", "bank", "--receiver", "bank",
                           "--receiver", "real-estate-registration")
    result.fact(f"voucher type {TYPE}", f"banks issue, banks and registration centres receive (proposal "
                f"{typed['id']}, {typed['state']} by 2 of 3 administrators)", type_proposal=typed["state"])

    flat = _released_flat(city)
    unit, contract, today = flat["unit_code"], flat["contract_no"], date.today().isoformat()
    path = city.export("release.csv", (*bank.SPEC.columns, "action"), [{
        "unit_code": unit, "bank": BANK, "contract_no": contract, "amount": "", "term_months": "",
        "registered_at": today, "action": "release"}])
    city.load_and_sync(lender, path)
    release = city.records(lender, status=None, source_id=f"{contract}:release")[0]
    result.tx(f"releaseMortgage ({BANK})", {"tx_hash": release.tx_hash, "block_number": release.block_number})
    result.fact("mortgage released", f"{contract} on {unit}: {release.status} in block {release.block_number}, "
                f"{len(city.title(unit)['mortgages'])} mortgages left", unit=unit, release_status=release.status,
                mortgages_after=len(city.title(unit)["mortgages"]))

    notice = city.root / "stories" / "release-notice.txt"
    notice.write_text(f"{BANK} releases mortgage {contract} on {unit} in full, {today}.", encoding="utf-8")
    issued = city.command("voucher", "issue", VOUCHER, "--type", TYPE, "--to", BANK, "--subject", unit,
                          "--document", notice, department=lender)
    digest = issued["voucher"]
    document = city.root / "stories" / "voucher.json"
    city.command("voucher", "show", VOUCHER, "--document-out", document, department=lender)
    record = city.records(lender, kind="voucher.issue", source_id=f"{VOUCHER}:issue")[0]
    result.tx(f"issueVouchers ({BANK})", {"tx_hash": record.tx_hash, "block_number": record.block_number})
    result.fact(f"{BANK} issues {VOUCHER}", f"{issued['state']}, digest {digest[:18]}… (the document stays in "
                "the bank's database)", voucher=digest, issued_state=issued["state"])

    city.command("voucher", "nominate", VOUCHER, "--to", CENTRE, department=lender)
    incoming = city.command("voucher", "list", department=centre)
    city.command("voucher", "accept", digest, "--remarks", "received at the counter", department=centre)
    redeemed = city.command("voucher", "redeem", digest, department=centre)
    for action in ("nominate", "accept", "redeem"):
        act = next(r for r in city.records(department(BANK if action == "nominate" else CENTRE), kind="voucher.act")
                   if r.payload["action"] == action and r.payload["voucher_id"] == digest)
        result.tx(f"{action} ({act.payload['department']})", {"tx_hash": act.tx_hash, "block_number": act.block_number})
    result.fact(f"{CENTRE} sees it coming", "nominated to the centre in its `voucher list`"
                if any(v["voucher"] == digest and v["incoming"] for v in incoming) else "not in its list",
                centre_saw_incoming=any(v["voucher"] == digest and v["incoming"] for v in incoming))
    result.fact(f"{CENTRE} accepts and redeems it", f"{redeemed['state']}, held by {redeemed['holder']}; custody chain: "
                + ", ".join(f"{CUSTODY[e['action']]} ({e['to']})" for e in redeemed["custody"]),
                redeemed_state=redeemed["state"], holder=redeemed["holder"], custody=redeemed["custody"])

    genuine = city.command("verify", "voucher", document)
    forged_path = city.root / "stories" / "voucher-forged.json"
    forged_path.write_bytes(document.read_bytes().replace(b"in full", b"in part"))
    forged = city.command("verify", "voucher", forged_path)
    result.fact("the document file, verified by anyone", f"{genuine['state']} (genuine, already used)",
                genuine_state=genuine["state"], genuine_digest=genuine["voucher"])
    result.fact("a forged copy ('in full' → 'in part')", f"{forged['state']}: the chain knows no such voucher",
                forged_state=forged["state"], forged_digest=forged["voucher"])
    return result

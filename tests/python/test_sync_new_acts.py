"""The court's judicial sales (SPC auction rules Arts. 28-29) and objection suits (Civil Code
Art. 220), and the banks' mortgage transfers (Civil Code Art. 407), from export to chain."""

from __future__ import annotations

from datetime import date

from chaincity.chain.contracts import call_named
from chaincity.chain.enums import DepartmentKind, department_id
from chaincity.chain.signer import devnet_account
from chaincity.formats import make_id_number, unit_key
from chaincity.hashing import Hasher
from conftest import PEPPER, Oracles, onboard
from test_sync_bank_court import OWNER, UNITS, mortgage, register_titles, run, write

BUYERS = [make_id_number("431321", date(1990, 2, 3), 7), make_id_number("431381", date(1975, 1, 2), 88)]
SALE_CERTIFICATE = "湘(2024)娄底市不动产权第0000077号"
COURT_2 = "LD-COURT-2"  # a second court, whose seizure waits in the queue


def hx(digest: bytes) -> str:
    """A digest as `call_named` gives it."""
    return "0x" + digest.hex()


def send(w3, account, call):
    tx = call.build_transaction({"from": account.address, "nonce": w3.eth.get_transaction_count(account.address)})
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction))
    assert receipt["status"] == 1


def court_row(action, order, court="LD-COURT-INT", term="", unit=UNITS[0], **columns):
    return {"unit_code": unit, "court": court, "order_no": order, "action": action, "term_months": term,
            "issued_at": "2024-03-01", **columns}


def sale_row(court="LD-COURT-INT", order="(2024)湘13执恢8号"):
    return court_row("judicial-sale", order, court, owner_id_numbers=";".join(BUYERS), shares="6000;4000",
                     certificate_no=SALE_CERTIFICATE)


def mortgaged_and_seized_by_two_courts(anvil, city, tmp_path):
    """UNITS[0] under ICBC's and CCB's mortgages, seized by LD-COURT-INT (effective) and then
    by COURT_2 (queued); returns COURT_2's signer."""
    register_titles(anvil, city, tmp_path)
    run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", write(tmp_path / "icbc.csv", "bank", [mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1")]))
    run(anvil, city, tmp_path, "bank", "LD-BANK-CCB", write(tmp_path / "ccb.csv", "bank", [mortgage(UNITS[0], "LD-BANK-CCB", "JD-9")]))
    run(anvil, city, tmp_path, "court", "LD-COURT-INT",
        write(tmp_path / "seize.csv", "court", [court_row("seize", "(2024)湘13执1号", term="12")]))
    court_2 = devnet_account(7)
    onboard(anvil, city["config"].deployments_dir, COURT_2, DepartmentKind.COURT, [court_2.address])
    send(anvil, court_2, city["contracts"]["PropertyRegistry"].functions.seize(unit_key(UNITS[0]), b"\x02" * 32, 86_400 * 30))
    return court_2


def test_a_judicial_sale_clears_every_mortgage_and_seizure_and_registers_the_buyers_spc_auction_rules_arts_28_29(anvil, city, tmp_path):
    mortgaged_and_seized_by_two_courts(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    assert len(call_named(registry, "titleOf", unit_key(UNITS[0]))["seizures"]) == 2
    path = write(tmp_path / "sale.csv", "court", [sale_row()])
    load, summaries = run(anvil, city, tmp_path, "court", "LD-COURT-INT", path)
    sold = summaries[3]
    assert (load.loaded, sold.total, sold.confirmed, sold.rejected) == (1, 1, 1, 0)
    title = call_named(registry, "titleOf", unit_key(UNITS[0]))
    assert title["mortgages"] == [] and title["seizures"] == [] and title["queuedSeizureCount"] == 0
    assert [(o["holder"], o["share"]) for o in title["owners"]] == [
        (hx(hasher.person(BUYERS[0])), 6000), (hx(hasher.person(BUYERS[1])), 4000)]
    assert title["documents"] == hx(hasher.document(SALE_CERTIFICATE))
    assert registry.functions.isTransferable(unit_key(UNITS[0])).call()

    # The same export again sends nothing.
    signer = city["signers"]["LD-COURT-INT"].address
    nonce = anvil.eth.get_transaction_count(signer)
    again, summaries_again = run(anvil, city, tmp_path, "court", "LD-COURT-INT", path)
    assert (again.unchanged, summaries_again[3].written_now, summaries_again[3].confirmed) == (1, 0, 1)
    assert anvil.eth.get_transaction_count(signer) == nonce
    # The buyers sell on; the court loses its database and loads the export again: resent, the
    # sale would be refused (no seizure, other owners), but the chain holds the sale's
    # certificate, so it is confirmed without a transaction.
    send(anvil, city["signers"]["LD-REC"], registry.functions.transferTitle(
        unit_key(UNITS[0]), [(hasher.person(OWNER), 10000)], b"\x05" * 32))
    (tmp_path / "LD-COURT-INT.db").unlink()
    replayed, summaries_replayed = run(anvil, city, tmp_path, "court", "LD-COURT-INT", path)
    assert (replayed.loaded, summaries_replayed[3].confirmed, summaries_replayed[3].rejected) == (1, 1, 0)
    assert anvil.eth.get_transaction_count(signer) == nonce


def test_a_judicial_sale_by_a_court_whose_seizure_waits_in_the_queue_is_rejected_with_the_typed_error(anvil, city, tmp_path):
    court_2 = mortgaged_and_seized_by_two_courts(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("court", write(tmp_path / "sale2.csv", "court", [sale_row(COURT_2)]), COURT_2)
    sold = oracles.sync("court", COURT_2, signer=court_2)[3]
    assert (sold.confirmed, sold.rejected) == (0, 1)
    assert sold.rejects[0]["reason"].startswith("PropertyRegistryNotSeizingCourt(unit=")
    title = call_named(registry, "titleOf", unit_key(UNITS[0]))
    assert len(title["mortgages"]) == 2 and len(title["seizures"]) == 2


def test_a_mortgage_transferred_with_its_claim_keeps_its_rank_and_only_the_new_lender_may_release_it_civil_code_art_407(anvil, city, tmp_path):
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    icbc = write(tmp_path / "icbc.csv", "bank", [
        mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1"), mortgage(UNITS[0], "LD-BANK-ICBC", "JD-2"),
        {**mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1", action="transfer"), "amount": "", "term_months": "",
         "new_lender": "LD-BANK-CCB"},
    ])
    load, (registered, transferred, released) = run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", icbc)
    assert (load.loaded, registered.confirmed, transferred.confirmed, transferred.rejected) == (3, 2, 1, 0)
    mortgages = call_named(registry, "titleOf", unit_key(UNITS[0]))["mortgages"]
    assert [(m["lender"], m["proof"]) for m in mortgages] == [
        (hx(department_id("LD-BANK-CCB")), hx(hasher.document("JD-1"))),
        (hx(department_id("LD-BANK-ICBC")), hx(hasher.document("JD-2")))]
    assert mortgages[0]["sequence"] < mortgages[1]["sequence"]  # JD-1 still ranks first (Art. 407)
    (event,) = registry.events.MortgageTransferred().get_logs(from_block=0)
    assert bytes(event["args"]["documents"]) == hasher.document("JD-1:transfer:LD-BANK-CCB")

    # ICBC's read model follows the chain: JD-1 is no longer its own.
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from chaincity.cli import DEPARTMENTS
    from chaincity.departments.bank import HeldMortgage
    from chaincity.oracle.run import follow_department

    oracles = Oracles(anvil, city, tmp_path)
    engine = oracles.database("LD-BANK-ICBC")
    follow_department(anvil, engine, DEPARTMENTS["bank"], oracles.config("LD-BANK-ICBC"), city["signers"]["LD-BANK-ICBC"], rounds=1)
    with Session(engine) as session:
        assert {h.proof: h.status for h in session.scalars(select(HeldMortgage))} == {
            hx(hasher.document("JD-1")): "transferred", hx(hasher.document("JD-2")): "registered"}

    # Replaying ICBC's export sends nothing.
    nonce = anvil.eth.get_transaction_count(city["signers"]["LD-BANK-ICBC"].address)
    again, (_, transferred_again, _) = run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", icbc)
    assert (again.unchanged, transferred_again.written_now, transferred_again.confirmed) == (3, 0, 1)
    assert anvil.eth.get_transaction_count(city["signers"]["LD-BANK-ICBC"].address) == nonce

    release = {**mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1", action="release"), "amount": "", "term_months": ""}
    _, (_, _, refused) = run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", write(tmp_path / "icbc2.csv", "bank", [release]))
    assert (refused.confirmed, refused.rejected) == (0, 1)
    assert refused.rejects[0]["reason"].startswith("PropertyRegistryNotMortgagee(")
    _, (_, _, released) = run(anvil, city, tmp_path, "bank", "LD-BANK-CCB",
                              write(tmp_path / "ccb.csv", "bank", [{**release, "bank": "LD-BANK-CCB"}]))
    assert (released.confirmed, released.rejected) == (1, 0)
    mortgages = call_named(registry, "titleOf", unit_key(UNITS[0]))["mortgages"]
    assert [m["proof"] for m in mortgages] == [hx(hasher.document("JD-2"))]


def test_a_court_records_the_objectors_suit_on_an_objection_civil_code_art_220(anvil, city, tmp_path):
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    objection = 2  # NoticeKind.Objection
    send(anvil, city["signers"]["LD-REC"], registry.functions.registerNotice(
        unit_key(UNITS[1]), objection, hasher.person(BUYERS[0]), b"\x07" * 32))
    path = write(tmp_path / "suit.csv", "court", [
        court_row("objection-suit", "(2024)湘1302民初55号", unit=UNITS[1]),
        court_row("objection-suit", "(2024)湘1302民初56号", unit=UNITS[2]),  # no objection on it
    ])
    load, summaries = run(anvil, city, tmp_path, "court", "LD-COURT-INT", path)
    suits = summaries[4]
    assert (load.loaded, suits.confirmed, suits.rejected) == (2, 1, 1)
    assert suits.rejects[0]["reason"].startswith("PropertyRegistryUnknownNotice(")
    title = call_named(registry, "titleOf", unit_key(UNITS[1]))
    assert title["objection"]["suit"] == hx(hasher.document("(2024)湘1302民初55号"))

    nonce = anvil.eth.get_transaction_count(city["signers"]["LD-COURT-INT"].address)
    again, summaries_again = run(anvil, city, tmp_path, "court", "LD-COURT-INT", path)
    assert (again.unchanged, summaries_again[4].written_now, summaries_again[4].confirmed) == (2, 0, 1)
    assert anvil.eth.get_transaction_count(city["signers"]["LD-COURT-INT"].address) == nonce

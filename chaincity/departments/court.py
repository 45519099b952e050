"""Courts: seizures of real property (seize, renew, lift), at most 3 years per term; judicial
sales (司法拍卖/以物抵债, SPC auction rules Arts. 28-29) by the court of the effective seizure;
and objectors' suits recorded against an objection (Civil Code Art. 220)."""

from __future__ import annotations

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.real_estate.chain import certificate_issued
from chaincity.departments.real_estate.rows import certificate_numbers, owners_and_shares
from chaincity.departments.rows import (choice, department_code, document_number, integer, must_be_empty, text, timestamp,
                                        unit_code, unit_of, with_article)
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, DepartmentSpec, Follows, OneByOne, ParsedRow, RowContext, RowError

ACTIONS = ("seize", "renew", "lift", "judicial-sale", "objection-suit")
MAX_TERM_MONTHS = 36  # SPC rules: a seizure of real property lasts at most 3 years per term
SALE_COLUMNS = ("owner_id_numbers", "shares", "certificate_no")  # the buyers, a judicial sale's only


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    """A seizure, renewal or lift (`order_no` the seizure order); a judicial sale (`order_no`
    the sale ruling, the buyers in `owner_id_numbers`/`shares` and their new `certificate_no`,
    as in the registration centre's export); an objection suit (`order_no` its case number)."""
    action = choice(row, "action", ACTIONS)
    order = document_number(row, "order_no")
    issued_at = timestamp(row, "issued_at")
    if action in ("seize", "renew"):
        term = integer(row, "term_months", 1, MAX_TERM_MONTHS)
    else:
        if (row.get("term_months") or "").strip() not in ("", "0"):
            raise RowError("term_months", f"{with_article(action)} has no term")
        term = 0
    payload = {
        "unit_code": unit_code(row, context),
        "court": department_code(row, "court"),
        "order_no": order,
        "action": action,
        "term_months": term,
        "issued_at": issued_at,
    }
    if action == "judicial-sale":
        payload["owner_id_numbers"], payload["shares"] = owners_and_shares(row)
        certificates = certificate_numbers(row)
        if len(certificates) != 1:
            raise RowError("certificate_no", f"{len(certificates)} certificate numbers for one title")
        payload["certificate_no"] = certificates[0]
    else:
        for field in SALE_COLUMNS:
            must_be_empty(row, field, action)
    kind = "title.judicial-sale" if action == "judicial-sale" else "objection.suit" if action == "objection-suit" \
        else f"seizure.{action}"
    return ParsedRow(source_id=f"{order}:{action}:{issued_at[:10]}", kind=kind, payload=payload)


def term_seconds(months: int) -> int:
    """A term in months as the registry counts it: 12 months are 365 days (36 months, its maximum)."""
    return months * 365 * 86_400 // 12


def seizure_input(payload: dict, hasher: Hasher) -> tuple:
    return (unit_of(payload), hasher.document(payload["order_no"]), term_seconds(payload["term_months"]))


def order_input(payload: dict, hasher: Hasher) -> tuple:
    """(unit, digest of `order_no`): a lift's order, an objection suit's case number."""
    return (unit_of(payload), hasher.document(payload["order_no"]))


def sale_input(payload: dict, hasher: Hasher) -> tuple:
    """judicialSale(unit, buyers, documents: the new certificate, ruling: the sale ruling)."""
    buyers = [(hasher.person(owner), share) for owner, share in zip(payload["owner_id_numbers"], payload["shares"])]
    return (unit_of(payload), buyers, hasher.document(payload["certificate_no"]), hasher.document(payload["order_no"]))


SPEC = DepartmentSpec(
    name="court",
    kinds=(DepartmentKind.COURT,),
    columns=("unit_code", "court", "order_no", "action", "term_months", "issued_at"),
    optional_columns=SALE_COLUMNS,
    parse=parse,
    record_columns=("order_no",),
    # In the order a court acts: seizures, renewals, lifts, then sales (a lift may hand the
    # effective seizure to this court) and objection suits; many titles' acts to a transaction.
    chains=tuple(
        OneByOne(kind, "PropertyRegistry", chain_key=unit_of, owner_field="court", multicall=True,
                 actions={action: Action(function, to_input, written_before=history)})
        for kind, action, function, to_input, history in (
            ("seizure.seize", "seize", "seize", seizure_input, None),
            ("seizure.renew", "renew", "renewSeizure", seizure_input, None),
            ("seizure.lift", "lift", "liftSeizure", order_input, None),
            # A sale replayed into a rebuilt database: its seizures are gone, so a resend would be
            # refused; its certificate tells that it happened.
            ("title.judicial-sale", "judicial-sale", "judicialSale", sale_input, certificate_issued),
            ("objection.suit", "objection-suit", "recordObjectionSuit", order_input, None),
        )
    ),
    follows=Follows("PropertyRegistry", addressed=("TitleSeized", "SeizureRenewed", "SeizureLifted", "SeizureLapsed",
                                                   "TitleSoldJudicially", "ObjectionSuitRecorded")),
)

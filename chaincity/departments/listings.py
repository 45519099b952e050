"""Credit listings (信用惩戒名单) of the four departments that keep one: courts' dishonest
judgment debtors (失信被执行人, SPC Provisions on the List of Dishonest Judgment Debtors), the tax
bureau's major tax violators (重大税收违法失信主体), market regulation's serious violations
(严重违法失信名单, SAMR Measures Art. 2) and finance's procurement dishonesty (政府采购严重违法失信,
Government Procurement Law Art. 77).

One export shape for all four; each department loads it as its own department (`court-listings`,
`tax-listings`, `market-listings`, `finance-listings`, beside its other exports), so a row of a
list type its kind does not own is refused on load, and an oracle writes only its own
department's rows (`department`)."""

from __future__ import annotations

from eth_utils import keccak

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.rows import (choice, day, day_start, department_code, document_number, id_number, must_be_empty,
                                        optional_text, text, uscc)
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, Batched, DepartmentSpec, OneByOne, ParsedRow, RowContext, RowError

LIST_TYPES = {  # CreditListType in ICreditLists.sol, and the kind of department that keeps it
    "dishonest-judgment-debtor": (1, DepartmentKind.COURT),
    "major-tax-violation": (2, DepartmentKind.TAX_BUREAU),
    "serious-violation": (3, DepartmentKind.MARKET_REGULATION),
    "procurement-dishonesty": (4, DepartmentKind.FINANCE),
}
SUBJECT_KINDS = {"company": 1, "person": 2}  # SubjectKind
ACTIONS = ("list", "lift", "repair")
COLUMNS = ("list_type", "subject", "subject_kind", "case_no", "reason", "legal_basis", "effective_from",
           "effective_until", "action", "department")
NAMES = {DepartmentKind.COURT: "court-listings", DepartmentKind.TAX_BUREAU: "tax-listings",
         DepartmentKind.MARKET_REGULATION: "market-listings", DepartmentKind.FINANCE: "finance-listings"}


def parser(kind: DepartmentKind):
    """The row parser of ``kind``'s listings: a listing from `effective_from` to its last day
    `effective_until` (empty: open-ended); a lift or repair ends it on `effective_until`."""

    def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
        list_type = choice(row, "list_type", tuple(LIST_TYPES))
        if LIST_TYPES[list_type][1] != kind:
            raise RowError("list_type", f"{list_type} is kept by a {LIST_TYPES[list_type][1].label}, not a {kind.label}")
        subject_kind = choice(row, "subject_kind", tuple(SUBJECT_KINDS))
        subject = uscc(row, "subject") if subject_kind == "company" else id_number(row, "subject")
        action = (row.get("action") or "list").strip()
        if action not in ACTIONS:
            raise RowError("action", f"{action!r} must be one of {', '.join(ACTIONS)}")
        payload = {"list_type": list_type, "subject_kind": subject_kind, "subject": subject,
                   "case_no": document_number(row, "case_no"), "reason": text(row, "reason", 500), "action": action,
                   "department": department_code(row, "department")}
        if action == "list":
            payload |= {"legal_basis": text(row, "legal_basis", 500), "effective_from": day(row, "effective_from"),
                        "effective_until": None}
            if (row.get("effective_until") or "").strip():
                payload["effective_until"] = day(row, "effective_until", future=True)
                if payload["effective_until"] < payload["effective_from"]:
                    raise RowError("effective_until", f"{payload['effective_until']} is before effective_from")
        else:
            must_be_empty(row, "effective_from", action)
            payload["legal_basis"] = optional_text(row, "legal_basis", 500)
            payload["effective_until"] = day(row, "effective_until")  # the day it ends: not in the future
        source_id = f"{list_type}:{subject}:{payload['case_no']}:{action}"
        return ParsedRow(source_id, "listing.list" if action == "list" else "listing.end", payload)

    return parse


def subject_key(payload: dict, hasher: Hasher) -> bytes:
    """A company by its USCC left-aligned in 32 bytes; a person only by a salted hash."""
    if payload["subject_kind"] == "company":
        return payload["subject"].encode("ascii").ljust(32, b"\0")
    return hasher.person(payload["subject"])


def case_digest(payload: dict, hasher: Hasher) -> bytes:
    """The case number, salted like every document number: a published list names its cases,
    but the chain must not let a dictionary of case numbers find who was listed."""
    return hasher.document(payload["case_no"])


def listing_key(payload: dict) -> bytes:
    """The department's own key of a listing, to order its acts (never sent)."""
    return keccak(text=f"{payload['list_type']}:{payload['subject']}:{payload['case_no']}")


def listing_input(payload: dict, hasher: Hasher) -> tuple:
    """ICreditLists.ListingInput; `end` the last day live (inclusive), 0 open-ended."""
    until = payload["effective_until"]
    return (LIST_TYPES[payload["list_type"]][0], SUBJECT_KINDS[payload["subject_kind"]], subject_key(payload, hasher),
            case_digest(payload, hasher), hasher.document(payload["reason"]), hasher.document(payload["legal_basis"]),
            day_start(payload["effective_from"]), day_start(until) if until else 0)


def ending(payload: dict, hasher: Hasher) -> tuple:
    """lift/repair(list type, subject, case, reason, last day live)."""
    return (LIST_TYPES[payload["list_type"]][0], subject_key(payload, hasher), case_digest(payload, hasher),
            hasher.document(payload["reason"]), day_start(payload["effective_until"]))


def spec_for(kind: DepartmentKind) -> DepartmentSpec:
    """The listings of one kind of department, as a department of their own: listings in
    batches, then lifts and repairs in export order, many to a transaction (multicall)."""
    return DepartmentSpec(
        name=NAMES[kind], kinds=(kind,), columns=COLUMNS, parse=parser(kind),
        record_columns=("case_no",),  # not `subject`: a person's identity number
        chains=(Batched("listing.list", "CreditLists", "listBatch", listing_input, listing_key, owner_field="department",
                        hashed_key=case_digest),
                OneByOne("listing.end", "CreditLists", chain_key=listing_key, owner_field="department", multicall=True,
                         actions={"lift": Action("lift", ending), "repair": Action("repair", ending)})),
        # No read model: the lists' events name the department third (after subject and case),
        # where the framework's follower does not look; `chaincity query company` reads them.
    )


SPECS = tuple(spec_for(kind) for kind in NAMES)

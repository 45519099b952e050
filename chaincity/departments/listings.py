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

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.rows import choice, day, department_code, id_number, must_be_empty, text, uscc
from chaincity.oracle.spec import DepartmentSpec, ParsedRow, RowContext, RowError

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
                   "case_no": text(row, "case_no", 64), "reason": text(row, "reason", 500), "action": action,
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
            payload["legal_basis"] = (row.get("legal_basis") or "").strip()
            payload["effective_until"] = day(row, "effective_until")  # the day it ends: not in the future
        source_id = f"{list_type}:{subject}:{payload['case_no']}:{action}"
        return ParsedRow(source_id, "listing.list" if action == "list" else "listing.end", payload)

    return parse


def spec_for(kind: DepartmentKind) -> DepartmentSpec:
    """The listings of one kind of department, as a department of their own."""
    return DepartmentSpec(name=NAMES[kind], kinds=(kind,), columns=COLUMNS, parse=parser(kind))


SPECS = tuple(spec_for(kind) for kind in NAMES)

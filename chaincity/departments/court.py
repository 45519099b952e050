"""Courts: seizures of real property (seize, renew, lift), at most 3 years per term."""

from __future__ import annotations

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.rows import choice, department_code, integer, text, timestamp, unit_code, unit_of
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, DepartmentSpec, Follows, OneByOne, ParsedRow, RowContext, RowError

ACTIONS = ("seize", "renew", "lift")
MAX_TERM_MONTHS = 36  # SPC rules: a seizure of real property lasts at most 3 years per term


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    action = choice(row, "action", ACTIONS)
    order = text(row, "order_no", 64)
    issued_at = timestamp(row, "issued_at")
    if action == "lift":
        if (row.get("term_months") or "").strip() not in ("", "0"):
            raise RowError("term_months", "a lift has no term")
        term = 0
    else:
        term = integer(row, "term_months", 1, MAX_TERM_MONTHS)
    payload = {
        "unit_code": unit_code(row, context),
        "court": department_code(row, "court"),
        "order_no": order,
        "action": action,
        "term_months": term,
        "issued_at": issued_at,
    }
    return ParsedRow(source_id=f"{order}:{action}:{issued_at[:10]}", kind=f"seizure.{action}", payload=payload)


def term_seconds(months: int) -> int:
    """A term in months as the registry counts it: 12 months are 365 days (36 months, its maximum)."""
    return months * 365 * 86_400 // 12


def seizure_input(payload: dict, hasher: Hasher) -> tuple:
    return (unit_of(payload), hasher.document(payload["order_no"]), term_seconds(payload["term_months"]))


def lift_input(payload: dict, hasher: Hasher) -> tuple:
    return (unit_of(payload), hasher.document(payload["order_no"]))


SPEC = DepartmentSpec(
    name="court",
    kinds=(DepartmentKind.COURT,),
    columns=("unit_code", "court", "order_no", "action", "term_months", "issued_at"),
    parse=parse,
    # In the order a court acts: seizures, then renewals, then lifts.
    chains=tuple(
        OneByOne(f"seizure.{action}", "PropertyRegistry", chain_key=unit_of, owner_field="court",
                 actions={action: Action(function, to_input)})
        for action, function, to_input in (
            ("seize", "seize", seizure_input), ("renew", "renewSeizure", seizure_input),
            ("lift", "liftSeizure", lift_input),
        )
    ),
    follows=Follows("PropertyRegistry", addressed=("TitleSeized", "SeizureRenewed", "SeizureLifted", "SeizureLapsed")),
)

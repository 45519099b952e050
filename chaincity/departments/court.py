"""Courts: seizures of real property (seize, renew, lift), at most 3 years per term."""

from __future__ import annotations

from chaincity.departments.rows import (
    DepartmentSpec, ParsedRow, RowError, choice, department_code, integer, text, timestamp, unit_code,
)

ACTIONS = ("seize", "renew", "lift")
MAX_TERM_MONTHS = 36  # SPC rules: a seizure of real property lasts at most 3 years per term


def parse(row: dict[str, str]) -> ParsedRow:
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
        "unit_code": unit_code(row),
        "court": department_code(row, "court"),
        "order_no": order,
        "action": action,
        "term_months": term,
        "issued_at": issued_at,
    }
    return ParsedRow(source_id=f"{order}:{action}:{issued_at[:10]}", kind="seizure", payload=payload)


SPEC = DepartmentSpec(
    name="court",
    columns=("unit_code", "court", "order_no", "action", "term_months", "issued_at"),
    parse=parse,
)

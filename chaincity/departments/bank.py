"""Banks and the housing provident fund: mortgages they register and release."""

from __future__ import annotations

from chaincity.departments.rows import (
    DepartmentSpec, ParsedRow, RowError, department_code, integer, text, timestamp, unit_code, yuan_to_fen,
)

ACTIONS = ("register", "release")
MAX_TERM_MONTHS = 600


def parse(row: dict[str, str]) -> ParsedRow:
    action = (row.get("action") or "register").strip()  # optional column; a bare export registers
    if action not in ACTIONS:
        raise RowError("action", f"{action!r} must be one of {', '.join(ACTIONS)}")
    contract = text(row, "contract_no", 64)
    payload = {
        "unit_code": unit_code(row),
        "bank": department_code(row, "bank"),
        "contract_no": contract,
        "action": action,
        "amount_fen": yuan_to_fen(row, "amount"),
        "term_months": integer(row, "term_months", 1, MAX_TERM_MONTHS),
        "registered_at": timestamp(row, "registered_at"),
    }
    return ParsedRow(source_id=f"{contract}:{action}", kind="mortgage", payload=payload)


SPEC = DepartmentSpec(
    name="bank",
    columns=("unit_code", "bank", "contract_no", "amount", "term_months", "registered_at"),
    parse=parse,
)

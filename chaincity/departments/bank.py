"""Banks and the housing provident fund: mortgages they register and release."""

from __future__ import annotations

import calendar
from datetime import datetime

from chaincity.departments.rows import (
    DepartmentSpec, ParsedRow, RowError, department_code, integer, text, timestamp, unit_code, yuan_to_fen,
)

from chaincity.departments.real_estate import unit_of
from chaincity.hashing import Hasher
from chaincity.oracle.sync import ChainMapping

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
    return ParsedRow(source_id=f"{contract}:{action}", kind=f"mortgage.{action}", payload=payload)


def _add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    day = min(moment.day, calendar.monthrange(moment.year + year, month + 1)[1])
    return moment.replace(year=moment.year + year, month=month + 1, day=day)


def mortgage_input(payload: dict, hasher: Hasher) -> tuple:
    """IPropertyRegistry.MortgageInput: (unit, proof, amount, termEnd, noTransfer)."""
    term_end = _add_months(datetime.fromisoformat(payload["registered_at"]), payload["term_months"])
    return (unit_of(payload), hasher.document(payload["contract_no"]), payload["amount_fen"],
            int(term_end.timestamp()), False)


def release_input(payload: dict, hasher: Hasher) -> tuple:
    return (unit_of(payload), hasher.document(payload["contract_no"]))


# Registrations before releases: a release in the same export needs its mortgage first.
CHAINS = (
    ChainMapping("PropertyRegistry", "registerMortgages", "mortgage.register", mortgage_input, unit_of,
                 owner_field="bank"),
    ChainMapping("PropertyRegistry", "releaseMortgage", "mortgage.release", release_input, unit_of,
                 batched=False, owner_field="bank"),
)


SPEC = DepartmentSpec(
    name="bank",
    columns=("unit_code", "bank", "contract_no", "amount", "term_months", "registered_at"),
    optional_columns=("action",),
    parse=parse,
    chains=CHAINS,
)

"""Reading a department's export: typed field parsers that name the field that failed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from chaincity.formats import LOUDI_COUNTIES, FormatError, validate_unit_code

DEPARTMENT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


class RowError(ValueError):
    """A row that cannot be loaded: which field, and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ParsedRow:
    """A valid row: its idempotency key within the department, what it is, and its fields."""

    source_id: str
    kind: str
    payload: dict


@dataclass(frozen=True)
class DepartmentSpec:
    """A department: the columns of its export, how a row is read, and how records go on
    chain (ChainMapping instances, in the order they must be written)."""

    name: str
    columns: tuple[str, ...]
    parse: Callable[[dict[str, str]], ParsedRow]
    chains: tuple = ()
    optional_columns: tuple[str, ...] = ()  # read when present (e.g. `action`), documented in the README


def text(row: dict[str, str], field: str, max_length: int = 128) -> str:
    value = (row.get(field) or "").strip()
    if not value:
        raise RowError(field, "is empty")
    if len(value) > max_length:
        raise RowError(field, f"is longer than {max_length} characters")
    return value


def unit_code(row: dict[str, str], field: str = "unit_code") -> str:
    try:
        return validate_unit_code(text(row, field), LOUDI_COUNTIES)
    except FormatError as exc:
        raise RowError(field, str(exc)) from None


def department_code(row: dict[str, str], field: str) -> str:
    value = text(row, field, 32)
    if not DEPARTMENT_CODE.match(value):
        raise RowError(field, f"{value!r} is not a department code (uppercase letters, digits and -)")
    return value


def integer(row: dict[str, str], field: str, low: int, high: int) -> int:
    value = text(row, field)
    if not re.fullmatch(r"\d+", value):
        raise RowError(field, f"{value!r} is not a whole number")
    number = int(value)
    if not low <= number <= high:
        raise RowError(field, f"{number} is outside {low}-{high}")
    return number


def yuan_to_fen(row: dict[str, str], field: str) -> int:
    """A positive amount of yuan with at most two decimals, as a whole number of fen."""
    value = text(row, field)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RowError(field, f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0:
        raise RowError(field, f"{value} must be a positive amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(field, f"{value} has more than two decimals")
    return int(amount * 100)


def timestamp(row: dict[str, str], field: str) -> str:
    """An ISO date or date-time, normalised to UTC ISO text (dates at midnight, China time taken as given)."""
    value = text(row, field, 40)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(field, f"{value!r} is not an ISO date or date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.date() > date.today():
        raise RowError(field, f"{value} is in the future")
    return parsed.astimezone(UTC).isoformat()


def choice(row: dict[str, str], field: str, choices: dict[str, int] | tuple[str, ...]) -> str:
    value = text(row, field, 64)
    if value not in choices:
        raise RowError(field, f"{value!r} must be one of {', '.join(choices)}")
    return value

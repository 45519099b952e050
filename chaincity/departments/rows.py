"""Reading a department's export: typed field parsers that name the field that failed."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from chaincity.formats import CHINA, FormatError, unit_key, validate_id_number, validate_unit_code, validate_uscc
from chaincity.hashing import Hasher
from chaincity.oracle.spec import RowContext, RowError

DEPARTMENT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


def text(row: dict[str, str], field: str, max_length: int = 128, *, multiline: bool = False) -> str:
    """A field's text, stripped: not empty, at most ``max_length`` characters, with no control or
    invisible format character (a zero-width space makes another name, another hash) and no
    U+FFFD (a character a wrong encoding lost upstream); line breaks and tabs only ``multiline``."""
    value = (row.get(field) or "").strip()
    if not value:
        raise RowError(field, "is empty")
    if len(value) > max_length:
        raise RowError(field, f"is longer than {max_length} characters")
    if "\ufffd" in value:
        raise RowError(field, f"character {value.index(chr(0xfffd)) + 1} is U+FFFD, a character lost to a wrong encoding")
    if not value.isprintable():  # the fast test (in C) of every field; then which character
        for position, ch in enumerate(value, 1):
            if unicodedata.category(ch) in ("Cc", "Cf") and not (multiline and ch in "\t\r\n"):
                raise RowError(field, f"character {position} is the control or format character U+{ord(ch):04X}")
    return value


def optional_text(row: dict[str, str], field: str, max_length: int) -> str:
    """A field that may be empty ("" then), checked like :func:`text` when given."""
    return text(row, field, max_length) if (row.get(field) or "").strip() else ""


# Document numbers (contracts, court orders and cases, vouchers) as printed: letters of any
# script, digits, spaces and the brackets and marks of Chinese document numbers; never a
# spreadsheet formula's first character, nor markup, quotes or `;`.
DOCUMENT_MARKS = r"\w .·#/()〔〕【】\[\]-"
DOCUMENT_NUMBER = re.compile(rf"^(?:[^\W_]|[(〔【\[])(?:[{DOCUMENT_MARKS}]*[^\s])?$")


def document_number(row: dict[str, str], field: str, max_length: int = 64) -> str:
    """A document number read as the same document however printed: full-width brackets and
    digits, as courts print case numbers (（2019）湘13执12号), are their ASCII forms (NFKC), so
    one order or contract has one digest and one record key."""
    value = unicodedata.normalize("NFKC", text(row, field, max_length))
    if not DOCUMENT_NUMBER.match(value):
        first = value[0] if not re.match(r"[^\W_]|[(〔【\[]", value[0]) else None
        bad = first or next((ch for ch in value[1:] if not re.match(f"[{DOCUMENT_MARKS}]", ch)), value[-1])
        raise RowError(field, f"{value!r} is not a document number (character {bad!r}: letters, digits, spaces "
                              "and -_/.·#()〔〕【】[] only, beginning with a letter, a digit or a bracket)")
    return value


def unit_code(row: dict[str, str], context: RowContext, field: str = "unit_code") -> str:
    """A unit code (GB/T 37346) in one of the counties the city registers."""
    return valid_unit_code(text(row, field), context, field)


def valid_unit_code(value: str, context: RowContext, field: str) -> str:
    try:
        return validate_unit_code(ascii_code(value, field), context.counties)
    except FormatError as exc:
        raise RowError(field, str(exc)) from None


def department_code(row: dict[str, str], field: str) -> str:
    value = text(row, field, 32)
    if not DEPARTMENT_CODE.match(value):
        raise RowError(field, f"{value!r} is not a department code (uppercase letters, digits and -)")
    return value


def integer(row: dict[str, str], field: str, low: int, high: int) -> int:
    value = text(row, field)
    if not re.fullmatch(r"[0-9]+", value):  # not \d: full-width and other scripts' digits are no export's
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
    # Decimal also reads 5E+11 (a spreadsheet's rounded display) and full-width digits.
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", value):
        raise RowError(field, f"{value!r} is not a plain amount in yuan (ASCII digits and a decimal point)")
    return int(amount * 100)


# The first day every registry can hold: on chain a day or moment is Unix seconds, and a day is
# its first second in China Standard Time (1970-01-01 00:00 UTC+8 is before the epoch).
FIRST_DAY = date(1970, 1, 2)
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _in_range(field: str, value: str, parsed: date, future: bool = False) -> None:
    if parsed < FIRST_DAY:
        raise RowError(field, f"{value} is before {FIRST_DAY}, the first day the registries hold")
    if not future and parsed > date.today():
        raise RowError(field, f"{value} is in the future")


def timestamp(row: dict[str, str], field: str, *, future: bool = False) -> str:
    """An ISO date or date-time, normalised to UTC ISO text (dates at midnight, China time taken
    as given); in the future only where ``future`` allows (a voucher's expiry)."""
    value = text(row, field, 40)
    try:  # YYYY-MM-DD first: Python also reads 20190301 and 2019-W09-5, which no export means
        if not ISO_DAY.match(value) or value[10:11] not in ("", "T", " "):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(field, f"{value!r} is not an ISO date or date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    _in_range(field, value, parsed.date(), future)
    return parsed.astimezone(UTC).isoformat()


def choice(row: dict[str, str], field: str, choices: dict[str, int] | tuple[str, ...]) -> str:
    value = text(row, field, 64)
    if value not in choices:
        raise RowError(field, f"{value!r} must be one of {', '.join(choices)}")
    return value


def unit_of(payload: dict) -> bytes:
    """The registry key of a record's `unit_code` (every property department's records name one)."""
    return unit_key(payload["unit_code"])


def uscc_of(payload: dict) -> bytes:
    """The company registry's key of a record's `uscc`: the code, ASCII in a bytes18."""
    return payload["uscc"].encode("ascii")


def listed(row: dict[str, str], field: str) -> list[str]:
    """A `;`-separated list with no empty and no repeated entry."""
    entries = [entry.strip() for entry in text(row, field, 1_000).split(";")]
    if not all(entries):
        raise RowError(field, "has an empty entry (a `;` too many?)")
    repeated = sorted({entry for entry in entries if entries.count(entry) > 1})
    if repeated:
        raise RowError(field, f"lists {', '.join(repeated)} twice")
    return entries


def with_article(word: str) -> str:
    """`word` with its indefinite article (an objection-suit, a lift)."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def must_be_empty(row: dict[str, str], field: str, action: str) -> None:
    if (row.get(field) or "").strip():
        raise RowError(field, f"{with_article(action)} row leaves {field} empty")


def ascii_code(value: str, field: str) -> str:
    """An identifier as printed in ASCII capitals and digits: a full-width or lowercase character
    is named and refused, never normalised (hashing a corrected value would make two subjects)."""
    if value.isascii() and value == value.upper():  # every valid row: one test in C
        return value
    for position, ch in enumerate(value, 1):
        if not ch.isascii():
            kind = "full-width" if unicodedata.normalize("NFKC", ch).isascii() else "not ASCII"
            raise RowError(field, f"character {position} {ch!r} is {kind}")
        if ch.islower():
            raise RowError(field, f"character {position} {ch!r} is lowercase")
    return value


def uscc(row: dict[str, str], field: str = "uscc") -> str:
    """A unified social credit code valid by GB 32100 (and its organisation code by GB 11714)."""
    value = ascii_code(text(row, field, 40), field)
    try:
        validate_uscc(value)
    except FormatError as exc:
        raise RowError(field, str(exc)) from None
    return value


def id_number(row: dict[str, str], field: str) -> str:
    """A resident identity number (GB 11643), check character verified."""
    value = ascii_code(text(row, field, 40), field)
    try:
        return validate_id_number(value)
    except FormatError as exc:
        raise RowError(field, str(exc)) from None


def county(row: dict[str, str], context: RowContext, field: str = "division") -> str:
    """A county-level division code (GB/T 2260) the city registers."""
    value = ascii_code(text(row, field, 12), field)
    if value not in context.counties:
        raise RowError(field, f"{value} is not one of the city's divisions ({', '.join(sorted(context.counties))})")
    return value


def day(row: dict[str, str], field: str, *, future: bool = False) -> str:
    """An ISO date (YYYY-MM-DD); in the future only where ``future`` allows (a listing's last day)."""
    value = text(row, field, 10)
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        raise RowError(field, f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    _in_range(field, value, parsed, future)
    return parsed.isoformat()


def day_start(iso_day: str) -> int:
    """A day as the company registry and the credit lists take it: its first second in China
    Standard Time (UTC+8), the time zone their calendar arithmetic runs in."""
    return int(datetime.combine(date.fromisoformat(iso_day), datetime.min.time(), CHINA).timestamp())


def digest_or_zero(hasher: Hasher, value: str) -> bytes:
    """A free-text ground (reason, legal basis) as a document digest; zero when empty."""
    return hasher.document(value) if value else bytes(32)

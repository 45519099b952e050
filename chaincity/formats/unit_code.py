"""Real-estate unit codes (GB/T 37346-2019): 28 characters that name one property.

1–6 county-level division code; 7–12 cadastral zone and subzone; 13–14 parcel feature code
(ownership G/J/Z, then the kind of right as a letter); 15–19 parcel number; 20 fixture
feature (F building, L forest, Q other, W none); 21–28 fixture unit number, all zeros for W.
"""

from __future__ import annotations

from chaincity.formats.errors import FormatError

LENGTH = 28
OWNERSHIP_CODES = "GJZ"
FIXTURE_FEATURES = "FLQW"
# GB/T 2260 county-level divisions of Loudi (REFERENCE.md); the chain holds the list the city registered.
LOUDI_COUNTIES = {
    "431302": "Louxing District",
    "431321": "Shuangfeng County",
    "431322": "Xinhua County",
    "431381": "Lengshuijiang",
    "431382": "Lianyuan",
}


def _digits(value: str, start: int, end: int, what: str) -> None:
    part = value[start:end]
    if not (part.isascii() and part.isdigit()):
        raise FormatError(f"{what} (characters {start + 1}-{end}) must be digits, got {part!r}")


def validate_unit_code(value: str, counties: set[str] | dict | None = None) -> str:
    """Return ``value`` if it is a valid unit code, else raise :class:`FormatError`.

    ``counties``, when given, are the county codes the city registered; others are refused.
    """
    if len(value) != LENGTH:
        raise FormatError(f"length {len(value)}, expected {LENGTH}")
    _digits(value, 0, 6, "county code")
    _digits(value, 6, 12, "cadastral zone and subzone")
    if value[12] not in OWNERSHIP_CODES:
        raise FormatError(f"ownership code (character 13) {value[12]!r} must be one of {OWNERSHIP_CODES}")
    if not ("A" <= value[13] <= "Z"):
        raise FormatError(f"right kind (character 14) {value[13]!r} must be an uppercase letter")
    _digits(value, 14, 19, "parcel number")
    if value[19] not in FIXTURE_FEATURES:
        raise FormatError(f"fixture feature (character 20) {value[19]!r} must be one of {FIXTURE_FEATURES}")
    _digits(value, 20, 28, "fixture unit number")
    if value[19] == "W" and value[20:] != "00000000":
        raise FormatError("fixture unit number must be 00000000 when there is no fixture (W)")
    if counties is not None and value[:6] not in counties:
        raise FormatError(f"county {value[:6]} is not registered")
    return value


def unit_key(unit_code: str) -> bytes:
    """A unit code as the registry keys it: the 28 ASCII characters left-aligned in bytes32."""
    return unit_code.encode("ascii").ljust(32, b"\0")


def unit_code_of(key: bytes) -> str:
    """The unit code a registry key holds (the inverse of :func:`unit_key`)."""
    return bytes(key).rstrip(b"\0").decode("ascii", "replace")


def make_unit_code(county: str, zone: int, subzone: int, parcel: int, building: int, unit: int,
                   ownership: str = "G", right: str = "B", fixture: str = "F") -> str:
    """A valid unit code (for synthetic data and tests)."""
    fixture_number = "00000000" if fixture == "W" else f"{building:04d}{unit:04d}"
    code = f"{county}{zone:03d}{subzone:03d}{ownership}{right}{parcel:05d}{fixture}{fixture_number}"
    return validate_unit_code(code)

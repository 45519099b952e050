"""Real-estate registration centre: titles (owners, shares, right type, certificate)."""

from __future__ import annotations

import re

from chaincity.departments.rows import DepartmentSpec, ParsedRow, RowError, choice, text, timestamp, unit_code
from chaincity.formats import FormatError, validate_id_number
from chaincity.hashing import Hasher
from chaincity.oracle.sync import ChainMapping

WHOLE = 10_000  # shares are basis points of the whole, as on chain
# Right types as the registry stores them (IPropertyRegistry rightType).
RIGHT_TYPES = {
    "house_ownership": 1,
    "state_construction_land_use": 2,
    "collective_construction_land_use": 3,
    "homestead_use": 4,
    "forest_ownership": 5,
    "other": 9,
}
CERTIFICATE_NO = re.compile(r"^湘\((\d{4})\)\S+?不动产权第(\d{7})号$")


def parse(row: dict[str, str]) -> ParsedRow:
    unit = unit_code(row)
    owners = [part.strip() for part in text(row, "owner_id_numbers", 400).split(";")]
    for index, owner in enumerate(owners, 1):
        try:
            validate_id_number(owner)
        except FormatError as exc:
            raise RowError("owner_id_numbers", f"owner {index}: {exc}") from None
    if len(set(owners)) != len(owners):
        raise RowError("owner_id_numbers", "the same person is listed twice")
    shares_text = [part.strip() for part in text(row, "shares", 200).split(";")]
    if len(shares_text) != len(owners):
        raise RowError("shares", f"{len(shares_text)} shares for {len(owners)} owners")
    if not all(re.fullmatch(r"\d{1,5}", s) and int(s) > 0 for s in shares_text):
        raise RowError("shares", f"{';'.join(shares_text)}: each share is a positive whole number of basis points")
    shares = [int(s) for s in shares_text]
    if sum(shares) != WHOLE:
        raise RowError("shares", f"shares sum to {sum(shares)}, not the whole ({WHOLE})")
    certificate = text(row, "certificate_no")
    if not CERTIFICATE_NO.match(certificate):
        raise RowError("certificate_no", f"{certificate!r} is not a property certificate number (湘(YYYY)…不动产权第NNNNNNN号)")
    payload = {
        "unit_code": unit,
        "owner_id_numbers": owners,
        "shares": shares,
        "right_type": choice(row, "right_type", RIGHT_TYPES),
        "certificate_no": certificate,
        "registered_at": timestamp(row, "registered_at"),
    }
    return ParsedRow(source_id=certificate, kind="title", payload=payload)


def unit_key(unit_code: str) -> bytes:
    """A unit code as the registry keys it: the 28 ASCII characters left-aligned in bytes32."""
    return unit_code.encode("ascii").ljust(32, b"\0")


def title_input(payload: dict, hasher: Hasher) -> tuple:
    """IPropertyRegistry.TitleInput: (unit, rightType, documents, owners[(holder, share)])."""
    owners = [(hasher.person(id_number), share) for id_number, share in zip(payload["owner_id_numbers"], payload["shares"])]
    return (unit_key(payload["unit_code"]), RIGHT_TYPES[payload["right_type"]],
            hasher.document(payload["certificate_no"]), owners)


CHAIN = ChainMapping(
    contract="PropertyRegistry", function="registerTitles", kind="title",
    to_input=title_input, chain_key=lambda payload: unit_key(payload["unit_code"]),
)
CHAINS = (CHAIN,)

SPEC = DepartmentSpec(
    name="real-estate",
    columns=("unit_code", "owner_id_numbers", "shares", "right_type", "certificate_no", "registered_at"),
    parse=parse,
    chains=CHAINS,
)

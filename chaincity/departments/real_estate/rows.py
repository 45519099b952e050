"""The registration centre's export: one row per first registration or change of a title."""

from __future__ import annotations

import re

from chaincity.departments.rows import (ascii_code, choice, listed, must_be_empty, text, timestamp, unit_code,
                                        valid_unit_code)
from chaincity.formats import FormatError, certificate_number, validate_id_number
from chaincity.oracle.spec import ParsedRow, RowContext, RowError

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
# What a row of the export does; a bare export (no `action` column) registers titles.
ACTIONS = ("register", "transfer", "reissue", "cancel", "revoke", "split", "merge")
# Grounds for cancelling a title (注销登记, Regulations on Real Estate Registration Art. 21),
# and for revoking a certificate without a replacement.
REASONS = {
    "cancel": ("destroyed", "abandoned", "expropriated", "confiscated", "court_decision", "term_expired"),
    "revoke": ("lost", "fraud", "registration_error", "court_decision"),
}


def owners_and_shares(row: dict[str, str]) -> tuple[list[str], list[int]]:
    owners = [part.strip() for part in text(row, "owner_id_numbers", 400).split(";")]
    for index, owner in enumerate(owners, 1):
        try:
            validate_id_number(ascii_code(owner, "owner_id_numbers"))
        except (FormatError, RowError) as exc:
            raise RowError("owner_id_numbers", f"owner {index}: {getattr(exc, 'reason', exc)}") from None
    if len(set(owners)) != len(owners):
        raise RowError("owner_id_numbers", "the same person is listed twice")
    shares_text = [part.strip() for part in text(row, "shares", 200).split(";")]
    if len(shares_text) != len(owners):
        raise RowError("shares", f"{len(shares_text)} shares for {len(owners)} owners")
    if not all(re.fullmatch(r"[0-9]{1,5}", s) and int(s) > 0 for s in shares_text):
        raise RowError("shares", f"{';'.join(shares_text)}: each share is a positive whole number of basis points")
    shares = [int(s) for s in shares_text]
    if sum(shares) != WHOLE:
        raise RowError("shares", f"shares sum to {sum(shares)}, not the whole ({WHOLE})")
    return owners, shares


def certificate_numbers(row: dict[str, str]) -> list[str]:
    """The certificate numbers of a row, as printed: full-width parentheses and digits, as on
    real certificates, are read as their ASCII forms (NFKC), so one certificate has one digest."""
    numbers = listed(row, "certificate_no")
    try:
        certificates = [certificate_number(c) for c in numbers]
    except FormatError as exc:
        raise RowError("certificate_no", str(exc)) from None
    repeated = sorted({c for c in certificates if certificates.count(c) > 1})
    if repeated:  # the same certificate printed two ways
        raise RowError("certificate_no", f"lists {', '.join(repeated)} twice")
    return certificates


def _other_units(row: dict[str, str], field: str, unit: str, context: RowContext) -> list[str]:
    """The parts of a split or the sources of a merge: two or more unit codes besides `unit`."""
    units = listed(row, field)
    for index, other in enumerate(units, 1):
        try:
            valid_unit_code(other, context, field)
        except RowError as exc:
            raise RowError(field, f"unit {index}: {exc.reason}") from None
    if len(units) < 2 or unit in units:
        raise RowError(field, f"needs two or more unit codes other than {unit}")
    return units


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    """A row of the registration centre's export.

    register: a first registration (its certificate number is the record's key);
    transfer: new owners and shares under a new certificate; reissue: a replacement
    certificate, same owners; cancel: the title ends, `certificate_no` is the surrendered
    certificate; revoke: the certificate `certificate_no` is void, the title stays.
    Cancel and revoke give a `reason` from REASONS. split: the title ends and
    `part_unit_codes` are registered in its place with its owners and right type, under the
    certificates `certificate_no` (one per part, `;`-separated); merge: the titles
    `source_unit_codes` end and `unit_code` is registered in their place like a first
    registration.
    """
    action = (row.get("action") or "register").strip()
    if action not in ACTIONS:
        raise RowError("action", f"{action!r} must be one of {', '.join(ACTIONS)}")
    unit = unit_code(row, context)
    payload: dict = {"unit_code": unit}
    if action in ("register", "transfer", "merge"):
        payload["owner_id_numbers"], payload["shares"] = owners_and_shares(row)
    else:
        for field in ("owner_id_numbers", "shares"):
            must_be_empty(row, field, action)
    if action in ("register", "merge"):
        payload["right_type"] = choice(row, "right_type", RIGHT_TYPES)
    else:  # the right type is the title's, fixed at its registration
        must_be_empty(row, "right_type", action)
    for field, its_action in (("part_unit_codes", "split"), ("source_unit_codes", "merge")):
        if action == its_action:
            payload[field] = _other_units(row, field, unit, context)
        else:
            must_be_empty(row, field, action)
    certificates = certificate_numbers(row)
    expected = len(payload["part_unit_codes"]) if action == "split" else 1
    if len(certificates) != expected:
        raise RowError("certificate_no", f"{len(certificates)} certificate numbers for {expected} "
                       f"{'parts' if action == 'split' else 'title'}")
    # A split's certificates, one per part, together name the split act.
    payload["certificate_no"] = ";".join(certificates)
    payload["registered_at"] = timestamp(row, "registered_at")
    if action in REASONS:
        payload["reason"] = choice(row, "reason", REASONS[action])
    else:
        must_be_empty(row, "reason", action)
    if action == "register":  # the key and payload of the first version of this export
        return ParsedRow(source_id=payload["certificate_no"], kind="title", payload=payload)
    payload["action"] = action
    # A certificate number is issued once, so a split's first one names the split too.
    return ParsedRow(source_id=f"{certificates[0]}:{action}", kind="title.change", payload=payload)

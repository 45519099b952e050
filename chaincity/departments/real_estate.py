"""Real-estate registration centre: titles (owners, shares, right type, certificate)."""

from __future__ import annotations

import re

from web3 import Web3

from chaincity.chain.contracts import call_named
from chaincity.departments.rows import DepartmentSpec, ParsedRow, RowError, choice, text, timestamp, unit_code
from chaincity.formats import LOUDI_COUNTIES, FormatError, validate_id_number, validate_unit_code
from chaincity.hashing import Hasher
from chaincity.oracle.sync import ChainMapping, NotOnChain

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
TITLE_REGISTERED = 1  # IPropertyRegistry.TitleStatus.Registered
CERTIFICATE_NO = re.compile(r"^湘\((\d{4})\)\S+?不动产权第(\d{7})号$")


# What a row of the export does; a bare export (no `action` column) registers titles.
ACTIONS = ("register", "transfer", "reissue", "cancel", "revoke", "split", "merge")
# Grounds for cancelling a title (注销登记, Regulations on Real Estate Registration Art. 21),
# and for revoking a certificate without a replacement.
REASONS = {
    "cancel": ("destroyed", "abandoned", "expropriated", "confiscated", "court_decision", "term_expired"),
    "revoke": ("lost", "fraud", "registration_error", "court_decision"),
}


def _owners(row: dict[str, str]) -> tuple[list[str], list[int]]:
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
    return owners, shares


def _must_be_empty(row: dict[str, str], field: str, action: str) -> None:
    if (row.get(field) or "").strip():
        raise RowError(field, f"a {action} row leaves {field} empty")


def parse(row: dict[str, str]) -> ParsedRow:
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
    unit = unit_code(row)
    payload: dict = {"unit_code": unit}
    if action in ("register", "transfer", "merge"):
        payload["owner_id_numbers"], payload["shares"] = _owners(row)
    else:
        for field in ("owner_id_numbers", "shares"):
            _must_be_empty(row, field, action)
    if action in ("register", "merge"):
        payload["right_type"] = choice(row, "right_type", RIGHT_TYPES)
    else:  # the right type is the title's, fixed at its registration
        _must_be_empty(row, "right_type", action)
    for field, its_action in (("part_unit_codes", "split"), ("source_unit_codes", "merge")):
        if action == its_action:
            payload[field] = _other_units(row, field, unit)
        else:
            _must_be_empty(row, field, action)
    certificates = _listed(row, "certificate_no")
    for certificate in certificates:
        if not CERTIFICATE_NO.match(certificate):
            raise RowError("certificate_no", f"{certificate!r} is not a property certificate number (湘(YYYY)…不动产权第NNNNNNN号)")
    expected = len(payload["part_unit_codes"]) if action == "split" else 1
    if len(certificates) != expected:
        raise RowError("certificate_no", f"{len(certificates)} certificate numbers for {expected} "
                       f"{'parts' if action == 'split' else 'title'}")
    # A split's certificates, one per part, together name the split act (see CHANGES).
    certificate = ";".join(certificates)
    payload["certificate_no"] = certificate
    payload["registered_at"] = timestamp(row, "registered_at")
    if action in REASONS:
        payload["reason"] = choice(row, "reason", REASONS[action])
    else:
        _must_be_empty(row, "reason", action)
    if action == "register":  # the key and payload of the first version of this export
        return ParsedRow(source_id=certificate, kind="title", payload=payload)
    payload["action"] = action
    # A certificate number is issued once, so a split's first one names the split too.
    return ParsedRow(source_id=f"{certificates[0]}:{action}", kind="title.change", payload=payload)


def _listed(row: dict[str, str], field: str) -> list[str]:
    """A `;`-separated list with no empty and no repeated entry."""
    entries = [entry.strip() for entry in text(row, field, 1_000).split(";")]
    if not all(entries):
        raise RowError(field, "has an empty entry (a `;` too many?)")
    repeated = sorted({entry for entry in entries if entries.count(entry) > 1})
    if repeated:
        raise RowError(field, f"lists {', '.join(repeated)} twice")
    return entries


def _other_units(row: dict[str, str], field: str, unit: str) -> list[str]:
    """The parts of a split or the sources of a merge: two or more unit codes besides `unit`."""
    units = _listed(row, field)
    for index, other in enumerate(units, 1):
        try:
            validate_unit_code(other, LOUDI_COUNTIES)
        except FormatError as exc:
            raise RowError(field, f"unit {index}: {exc}") from None
    if len(units) < 2 or unit in units:
        raise RowError(field, f"needs two or more unit codes other than {unit}")
    return units


def unit_key(unit_code: str) -> bytes:
    """A unit code as the registry keys it: the 28 ASCII characters left-aligned in bytes32."""
    return unit_code.encode("ascii").ljust(32, b"\0")


def title_input(payload: dict, hasher: Hasher) -> tuple:
    """IPropertyRegistry.TitleInput: (unit, rightType, documents, owners[(holder, share)])."""
    return (unit_of(payload), RIGHT_TYPES[payload["right_type"]],
            hasher.document(payload["certificate_no"]), _holders(payload, hasher))


def _holders(payload: dict, hasher: Hasher) -> list[tuple[bytes, int]]:
    return [(hasher.person(id_number), share) for id_number, share in zip(payload["owner_id_numbers"], payload["shares"])]


def reason_code(reason: str) -> bytes:
    """A cancellation or revocation reason as the registry records it: keccak256 of the upper-case name,
    like the registry's own SPLIT and MERGED codes."""
    return Web3.keccak(text=reason.upper())


def unit_of(payload: dict) -> bytes:
    """The registry key of a record's `unit_code` (every department's records name one)."""
    return unit_key(payload["unit_code"])


def _logged_act(registry, events: tuple[str, ...], payload: dict, hasher: Hasher):
    """The first of `events` the registry logged for the record's unit with the record's
    documents (certificate numbers are unique, so their digests name one registration act)."""
    documents = hasher.document(payload["certificate_no"])
    for event in events:
        for log in getattr(registry.events, event)().get_logs(from_block=0, argument_filters={"unit": unit_of(payload)}):
            if bytes(log["args"]["documents"]) == documents:
                return log
    return None


def _logged(event: str):
    """Whether the registry logged `event` for this record (see _logged_act)."""
    return lambda registry, payload, hasher: _logged_act(registry, (event,), payload, hasher) is not None


def _not_logged(registry, payload: dict, hasher: Hasher) -> bool:
    return False  # a revocation again is a no-op on chain (same certificate, same reason)


# Events that issue a certificate: each names the certificate digest and its documents.
ISSUING_EVENTS = ("TitleRegistered", "TitleTransferred", "CertificateReissued")


def _certificate_digest(registry, payload: dict, hasher: Hasher) -> dict:
    """The digest of the certificate a revocation names: the one the registry issued for the
    unit with the digest of `certificate_no` as its documents."""
    log = _logged_act(registry, ISSUING_EVENTS, payload, hasher)
    if log is None:
        raise NotOnChain("certificate_no", f"the registry issued no certificate {payload['certificate_no']} for {payload['unit_code']}")
    return {"certificate": bytes(log["args"]["certificate"]).hex()}


def _parts(payload: dict, hasher: Hasher) -> list[tuple]:
    """A split's parts (TitleInput each): the parent's owners and right type, read from the
    chain by _chain_facts, under a certificate of their own."""
    owners = [(bytes.fromhex(holder.removeprefix("0x")), share) for holder, share in payload["owners"]]
    return [(unit_key(part), payload["right_type_code"], hasher.document(certificate), owners)
            for part, certificate in zip(payload["part_unit_codes"], payload["certificate_no"].split(";"))]


def _chain_facts(registry, payload: dict, hasher: Hasher) -> dict:
    """What a change needs from the chain before it is encoded: the digest of the certificate
    a revocation names, the owners and right type a split's parts keep."""
    if payload["action"] == "revoke":
        return _certificate_digest(registry, payload, hasher)
    if payload["action"] == "split":
        title = call_named(registry, "titleOf", unit_of(payload))
        if title["status"] != TITLE_REGISTERED:
            raise NotOnChain("unit_code", f"{payload['unit_code']} is not a registered title, so it cannot be split")
        return {"right_type_code": title["rightType"], "owners": [(o["holder"], o["share"]) for o in title["owners"]]}
    return {}


# action -> (PropertyRegistry function, its arguments, whether the registry logged it already);
# every function is idempotent on chain.
CHANGES = {
    "transfer": ("transferTitle", lambda p, h: (unit_of(p), _holders(p, h), h.document(p["certificate_no"])),
                 _logged("TitleTransferred")),
    "reissue": ("reissueCertificate", lambda p, h: (unit_of(p), h.document(p["certificate_no"])),
                _logged("CertificateReissued")),
    "cancel": ("cancelTitle", lambda p, h: (unit_of(p), h.document(p["certificate_no"]), reason_code(p["reason"])),
               _logged("TitleCancelled")),
    "revoke": ("revokeCertificate", lambda p, h: (bytes.fromhex(p["certificate"]), reason_code(p["reason"])),
               _not_logged),
    "split": ("splitTitle", lambda p, h: (unit_of(p), _parts(p, h), h.document(p["certificate_no"])),
              _logged("TitleSplit")),
    "merge": ("mergeTitles", lambda p, h: ([unit_key(u) for u in p["source_unit_codes"]], title_input(p, h),
                                           h.document(p["certificate_no"])),
              _logged("TitleMerged")),
}

CHAIN = ChainMapping(
    contract="PropertyRegistry", function="registerTitles", kind="title",
    to_input=title_input, chain_key=unit_of, written_before=_logged("TitleRegistered"),
)
def _units_touched(payload: dict) -> list[bytes]:
    """The titles a change writes: its own, and a split's parts or a merge's sources."""
    return [unit_of(payload)] + [unit_key(u) for u in payload.get("part_unit_codes", payload.get("source_unit_codes", ()))]


# After the first registrations: the changes one by one, in the order of the export, since a
# later change of a title depends on the earlier ones (transfer, then reissue, then cancel).
CHANGE_CHAIN = ChainMapping(
    contract="PropertyRegistry", function=tuple(function for function, _, _ in CHANGES.values()), kind="title.change",
    to_input=lambda payload, hasher: CHANGES[payload["action"]][1](payload, hasher), chain_key=unit_of,
    batched=False, function_of=lambda payload: CHANGES[payload["action"]][0],
    written_before=lambda registry, payload, hasher: CHANGES[payload["action"]][2](registry, payload, hasher),
    resolve=_chain_facts, related_keys=_units_touched,
)
CHAINS = (CHAIN, CHANGE_CHAIN)

SPEC = DepartmentSpec(
    name="real-estate",
    columns=("unit_code", "owner_id_numbers", "shares", "right_type", "certificate_no", "registered_at"),
    optional_columns=("action", "reason", "part_unit_codes", "source_unit_codes"),
    parse=parse,
    chains=CHAINS,
)

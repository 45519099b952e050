"""A voucher's document and the digests that go on chain: its id (keccak256 of the canonical
document, salted with the city pepper), its type id, and each act's remarks digest."""

from __future__ import annotations

import json

from eth_utils import keccak

from chaincity.hashing import Hasher


def type_id(name: str) -> bytes:
    """A voucher type's id: keccak256 of `voucher.<NAME>` (MORTGAGE_RELEASE, HPF_WITHDRAWAL, …)."""
    return keccak(text=f"voucher.{name}")


def document(payload: dict, hasher: Hasher) -> bytes:
    """The issued voucher's canonical document (UTF-8 JSON, sorted keys), salted with the pepper."""
    fields = {name: payload[name] for name in ("voucher_no", "type", "subject", "expires_at", "document", "holder")}
    fields |= {"issuer": payload["department"], "issued_at": payload["acted_at"],
               "salt": hasher.document(f"voucher:{payload['department']}:{payload['voucher_no']}").hex()}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def voucher_id(payload: dict, hasher: Hasher) -> bytes:
    return bytes.fromhex(payload["voucher_id"][2:]) if "voucher_id" in payload else keccak(document(payload, hasher))


def remarks(payload: dict, hasher: Hasher) -> bytes:
    """The act's remarks digest (a revocation's reason code): unique to the act, never zero."""
    said = payload.get("reason") or payload["remarks"]
    return hasher.document(f"voucher-act:{payload['voucher_no']}:{payload['action']}:{payload['acted_at']}:{said}")

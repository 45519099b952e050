"""The electronic certificate file the registration centre issues, and how a verifier reads a
document it is handed (a certificate file, a voucher's document file, a QR payload, a digest).

The file (`chaincity certificate export`) is UTF-8 JSON carrying the certificate's public
fields — its number, the unit, the right type, the registration day, how many owners and their
shares — and what verification needs: the chain, the registry, the certificate digest the
registry issued, and the verification payload also printed as a QR code (SVG, `segno`). It never
carries an owner's identity number, nor their hashes. Anyone may check it against the chain
(Civil Code Art. 217: the certificate proves the right, and where it differs from the register
the register prevails; the Interim Regulations on Real Property Registration Art. 21: the
centre issues it when the registration is complete).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import segno
from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from chaincity.chain.deployment import City
from chaincity.db import SourceRecord
from chaincity.departments import real_estate
from chaincity.departments.real_estate.chain import issued_certificate
from chaincity.departments.real_estate.rows import certificate_numbers
from chaincity.chain.contracts import call_named
from chaincity.formats import unit_key
from chaincity.hashing import Hasher
from chaincity.oracle.history import ChainReader
from chaincity.oracle.spec import RowError

FORMAT = "chaincity-certificate/1"
QR_PREFIX = "CHAINCITY-CERT"  # CHAINCITY-CERT:<chain id>:<registry>:<digest>
QR_PATTERN = re.compile(r"^CHAINCITY-CERT:(\d+):(0x[0-9a-fA-F]{40}):(0x[0-9a-fA-F]{64})$")
ISSUING = ("register", "transfer", "reissue", "merge")  # the acts that issue a title certificate


class CertificateNotFound(LookupError):
    """The registration centre's database or the chain knows no such certificate."""


class NotADocument(ValueError):
    """What was handed over is neither a certificate file, a QR payload nor a digest."""


def qr_payload(chain_id: int, registry: str, digest: str) -> str:
    return f"{QR_PREFIX}:{chain_id}:{registry}:{digest}"


def qr_svg(payload: str) -> str:
    """The QR code of a verification payload as an SVG document (no network, no image library)."""
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="svg", scale=4, xmldecl=False)
    return out.getvalue().decode()


def export(engine: Engine, city: City, hasher: Hasher, certificate_no: str) -> dict:
    """The certificate file of ``certificate_no``, from the centre's database and the chain."""
    try:
        number = certificate_numbers({"certificate_no": certificate_no})[0]
    except RowError as exc:
        raise CertificateNotFound(f"certificate_no: {exc.reason}") from None
    with Session(engine) as session:
        records = session.scalars(select(SourceRecord).where(
            SourceRecord.department == real_estate.SPEC.name,
            SourceRecord.source_id.in_([number] + [f"{number}:{act}" for act in ISSUING[1:]]))).all()
    record = next((r for r in records if r.status == "confirmed"), None)
    if record is None:
        raise CertificateNotFound(f"{number}: no certificate of that number on chain in this database"
                                  + (f" ({records[0].status})" if records else ""))
    registry = city["PropertyRegistry"]
    digest = issued_certificate(ChainReader(registry), record.payload, hasher)
    if digest is None:
        raise CertificateNotFound(f"{number}: the registry holds no such certificate")
    issued_at = registry.functions.verifyCertificate(digest).call()[2]
    payload, digest_hex = record.payload, "0x" + digest.hex()
    # A reissue or a transfer names no right type (the title's, fixed at registration); a
    # reissue names no owners (the title's): read those from the registry.
    title = call_named(registry, "titleOf", unit_key(payload["unit_code"]))
    rights = {code: name for name, code in real_estate.RIGHT_TYPES.items()}
    shares = payload.get("shares") or [owner["share"] for owner in title["owners"]]
    verification = qr_payload(city.w3.eth.chain_id, registry.address, digest_hex)
    return {
        "format": FORMAT, "certificate_no": number, "unit_code": payload["unit_code"],
        "right_type": payload.get("right_type") or rights.get(title["rightType"], "other"),
        "registered_at": payload["registered_at"], "owners": len(shares), "shares_bp": list(shares),
        "chain_id": city.w3.eth.chain_id, "registry": registry.address, "digest": digest_hex,
        "issued_at": issued_at, "verification": verification, "qr_svg": qr_svg(verification),
    }


@dataclass(frozen=True)
class Handed:
    """What a verifier was handed: the digest to look up, and what the document claims."""

    digest: bytes
    kind: str  # "certificate" (a certificate file or its QR payload), "voucher" (a document file), "digest"
    claims: dict  # a certificate file's unit, chain and registry: checked against the chain


def read_handed(text: str | None = None, file: bytes | None = None) -> Handed:
    """A dropped file (a certificate file, else a voucher's document file hashed as it is), or
    pasted text (a certificate's QR payload, or a 0x digest)."""
    if file:
        try:
            parsed = json.loads(file.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            parsed = None
        if isinstance(parsed, dict) and parsed.get("format") == FORMAT:
            return _from_payload(str(parsed.get("verification", "")), parsed)
        return Handed(keccak(file), "voucher", {})
    value = (text or "").strip()
    if not value:
        raise NotADocument("drop a certificate or voucher file, or paste its QR payload or digest")
    if value.startswith(QR_PREFIX):
        return _from_payload(value, {})
    raw = value.removeprefix("0x")
    if len(raw) != 64 or not re.fullmatch(r"[0-9a-fA-F]+", raw):
        raise NotADocument(f"{value[:80]!r} is not a QR payload ({QR_PREFIX}:…) nor a 32-byte 0x digest")
    return Handed(bytes.fromhex(raw), "digest", {})


def _from_payload(payload: str, claims: dict) -> Handed:
    match = QR_PATTERN.match(payload)
    if not match:
        raise NotADocument(f"the certificate's verification payload {payload[:80]!r} is damaged")
    chain_id, registry, digest = match.groups()
    claimed = {"chain_id": int(chain_id), "registry": registry}
    if claims.get("digest") not in (None, digest):
        claimed["digest_mismatch"] = True  # the file's digest and its QR payload disagree
    if claims.get("unit_code"):
        claimed["unit_code"] = claims["unit_code"]
    return Handed(bytes.fromhex(digest[2:]), "certificate", claimed)


__all__ = ["FORMAT", "CertificateNotFound", "Handed", "NotADocument", "export", "qr_payload", "qr_svg",
           "read_handed"]

"""The secret-ish values of a department's records, and every form in which a careless write
would carry one to the chain.

The chain may hold people and documents only as digests salted with the city pepper
(:mod:`chaincity.hashing`). A value counts as leaked if the chain holds it in any form a person
without the pepper could recognise: its bytes (UTF-8 or GB18030, as printed or normalised), its
bytes as hex text, or its unsalted keccak256 or sha256 — the dictionary attack the pepper is
there to stop. A value padded to a 32-byte word, left or right, contains its bytes, so the
substring search of :class:`Needles` finds it either way.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from chaincity.db import SourceRecord

# Payload fields holding a person or a document, as the departments' row parsers name them
# (departments/*.py, real_estate/rows.py, vouchers/): what each one is.
SECRET_FIELDS = {
    "owner_id_numbers": "identity number",  # real estate, court sales: a list
    "legal_rep_id_number": "identity number",  # market regulation
    "certificate_no": "certificate number",  # real estate (';'-separated for a split), court sales
    "contract_no": "contract number",  # banks
    "order_no": "court order number",  # courts
    "case_no": "case number",  # credit listings
    "voucher_no": "voucher number",  # vouchers
    "document": "voucher document",  # vouchers: the document's text
    "name": "company name",  # market regulation
    "subject": "identity number",  # credit listings, when the subject is a person
    "uscc": "USCC of an individual business",  # market regulation, when the holder is a natural person
}
MIN_BYTES = 4  # shorter byte strings turn up by chance in binary data: not searched (counted)
ENCODINGS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class Secret:
    """One value of one record: where it comes from."""

    value: str
    what: str
    field: str
    department: str
    source_id: str


def _values(field: str, payload: dict) -> list[str]:
    raw = payload.get(field)
    if field == "subject" and payload.get("subject_kind") != "person":
        return []  # a company's USCC is its public name; a voucher's subject is a unit or a company
    if field == "uscc" and not str(raw or "").startswith("92"):  # GB 32100: 9 market regulation, 2 individual business
        return []
    if field == "name" and "uscc" not in payload:
        return []
    values = raw if isinstance(raw, list) else str(raw or "").split(";") if field == "certificate_no" else [raw]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def secrets_in(engine: Engine) -> Iterator[Secret]:
    """Every secret-ish value of every record a department database holds, whatever its status."""
    with Session(engine) as session:
        for department, source_id, payload in session.execute(
                select(SourceRecord.department, SourceRecord.source_id, SourceRecord.payload)):
            for field, what in SECRET_FIELDS.items():
                for value in _values(field, payload):
                    yield Secret(value, what, field, department, source_id)


def _variants(value: str) -> set[str]:
    """The value as printed, normalised (NFKC: full-width to ASCII) and upper-cased, and with the
    full-width parentheses of a printed certificate."""
    normal = unicodedata.normalize("NFKC", value).strip()
    return {value, normal, normal.upper(), normal.replace("(", "（").replace(")", "）")}


def forms(value: str) -> Iterator[tuple[str, bytes]]:
    """(form name, bytes) of every way the value could sit on chain unsalted."""
    for variant in _variants(value):
        for encoding in ENCODINGS:
            try:
                raw = variant.encode(encoding)
            except UnicodeEncodeError:
                continue
            yield f"raw {encoding}", raw
            yield f"hex text {encoding}", raw.hex().encode()
            yield f"hex text {encoding}", raw.hex().upper().encode()
            yield f"keccak256 {encoding}", keccak(raw)
            yield f"sha256 {encoding}", hashlib.sha256(raw).digest()
        if variant.isdigit() and len(variant) >= 6 and int(variant) < 2 ** 256:
            # A uint256 word is zeros then the number's bytes: searching for those bytes finds the
            # word (and keeps thousands of needles off the zero runs of every calldata).
            yield "uint256", int(variant).to_bytes(32, "big").lstrip(b"\0")


@dataclass(frozen=True)
class Hit:
    secret: Secret
    form: str
    where: str

    def as_dict(self) -> dict:
        return {"what": self.secret.what, "field": self.secret.field, "department": self.secret.department,
                "record": self.secret.source_id, "form": self.form, "where": self.where}


class Needles:
    """Every form of every secret, indexed by its first bytes: one pass over a blob finds any of
    them (a few hundred thousand needles against megabytes of chain data)."""

    def __init__(self, secrets: Iterable[Secret]):
        self._index: dict[bytes, list[tuple[bytes, Secret, str]]] = {}
        self._seen: set[bytes] = set()
        self.values = self.too_short = 0
        for secret in secrets:
            self.values += 1
            for form, needle in forms(secret.value):
                self.add(needle, secret, form)

    @property
    def needles(self) -> int:
        return len(self._seen)

    def add(self, needle: bytes, secret: Secret, form: str) -> None:
        """Search for ``needle`` too (say, a key's raw bytes beside the forms of its hex text)."""
        if len(needle) < MIN_BYTES:
            self.too_short += 1
        elif needle not in self._seen:
            self._seen.add(needle)
            self._index.setdefault(needle[:MIN_BYTES], []).append((needle, secret, form))

    def find(self, blob: bytes, where: str) -> list[Hit]:
        hits, index, start = [], self._index, blob.startswith
        for i in range(len(blob) - MIN_BYTES + 1):
            candidates = index.get(blob[i:i + MIN_BYTES])
            if candidates:
                hits += [Hit(secret, form, f"{where} at byte {i}")
                         for needle, secret, form in candidates if start(needle, i)]
        return hits

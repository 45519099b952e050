"""What market regulation answers through the data gateway: a company's legal representative
(法定代表人, a registered particular: 2022 Regulations on the Registration of Market Entities,
Art. 8) and its status, to a department holding a grant for `legal-representative` (a court
serving or enforcing against the company, SPC rules on enforcement; a bank's due diligence),
from the regulator's own database: the registration and amendments that reached the chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chaincity.db import SourceRecord
from chaincity.formats import FormatError, validate_uscc
from chaincity.oracle.spec import Serves, UnknownSubject

DEPARTMENT = "market"


def _code(subject: str) -> str:
    code = subject.strip()
    try:
        validate_uscc(code)
    except FormatError as exc:
        raise ValueError(str(exc)) from None
    return code


def _subject_key(subject: str) -> bytes:
    """The grant's subject: the USCC's 18 ASCII characters left-aligned in bytes32 (the registry's
    bytes18 key as Solidity widens it)."""
    return _code(subject).encode("ascii").ljust(32, b"\0")


def legal_representative(session: Session, subject: str) -> dict:
    """The legal representative of the latest registration or amendment on chain, and the status
    the company's latest act on chain leaves it in."""
    code = _code(subject)
    # A company's records are `<uscc>:register` and `<uscc>:<action>:<day>` (market.parse): a range
    # of the (department, source_id) unique index, not a scan of JSON payloads.
    records = session.execute(select(SourceRecord.payload).where(
        SourceRecord.department == DEPARTMENT, SourceRecord.source_id > f"{code}:", SourceRecord.source_id < f"{code};",
        SourceRecord.status == "confirmed").order_by(SourceRecord.id)).scalars().all()
    particulars = [p for p in records if p["action"] in ("register", "amend")]
    if not particulars:
        raise UnknownSubject(f"no company {code} in market regulation's records on chain")
    latest = particulars[-1]
    return {"uscc": code, "name": latest["name"], "legal_rep_id_number": latest["legal_rep_id_number"],
            "status": records[-1]["status"], "as_of": records[-1]["registered_at"]}


SERVES = (
    Serves("legal-representative", _subject_key, legal_representative,
           "a company's legal representative (identity number), name and status"),
)

"""What the registration centre answers through the data gateway: a title's owners (their
identity numbers and shares) to a department holding a grant for `title-owners` (a court
enforcing a judgment, Civil Procedure Law Art. 249; SPC rules on enforcement), from the
centre's own database: the registrations and changes that reached the chain."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chaincity.db import SourceRecord
from chaincity.formats import FormatError, unit_key, validate_unit_code
from chaincity.oracle.spec import Serves, UnknownSubject

DEPARTMENT = "real-estate"
# A change that ends the title it names, and the status the answer gives it.
ENDS = {"cancel": "cancelled", "split": "split", "merge": "merged"}


def _subject_key(subject: str) -> bytes:
    try:  # any county: the grant names the unit, the database says whether the centre has it
        return unit_key(validate_unit_code(subject.strip(), None))
    except FormatError as exc:
        raise ValueError(str(exc)) from None


def _records(session: Session, unit: str, before: int | None = None) -> list[tuple[int, dict]]:
    """(id, payload) of the confirmed records that name the unit, as itself, a split's part or a
    merge's source, in the order they were loaded."""
    query = select(SourceRecord.id, SourceRecord.payload).where(
        SourceRecord.department == DEPARTMENT, SourceRecord.status == "confirmed",
        SourceRecord.kind.in_(("title", "title.change")),
        or_(SourceRecord.payload["unit_code"].as_string() == unit,
            SourceRecord.payload["action"].as_string().in_(("split", "merge"))))
    if before is not None:
        query = query.where(SourceRecord.id < before)
    return [(i, p) for i, p in session.execute(query.order_by(SourceRecord.id))
            if p["unit_code"] == unit or unit in p.get("part_unit_codes", ()) or unit in p.get("source_unit_codes", ())]


def _title(session: Session, unit: str, before: int | None = None) -> dict | None:
    """The title as the records leave it (owners, shares, certificate, status), or None."""
    title = None
    for record_id, payload in _records(session, unit, before):
        action = payload.get("action", "register")
        if payload["unit_code"] != unit and action == "split":  # a part: the source's owners
            source = _title(session, payload["unit_code"], record_id) or {}
            parts = payload["part_unit_codes"]
            title = {**source, "status": "registered",
                     "certificate_no": payload["certificate_no"].split(";")[parts.index(unit)]}
        elif payload["unit_code"] != unit or action in ENDS and action != "merge":
            if title is not None:  # merged into another title, split, or cancelled
                title = {**title, "status": "merged" if action == "merge" else ENDS[action]}
        elif action in ("register", "transfer", "merge"):
            title = {"status": "registered", "certificate_no": payload["certificate_no"],
                     "owners": [{"id_number": i, "share": s}
                                for i, s in zip(payload["owner_id_numbers"], payload["shares"])]}
        elif title is not None and action == "reissue":
            title = {**title, "certificate_no": payload["certificate_no"]}
        if title is not None:
            title["as_of"] = payload["registered_at"]
    return title


def title_owners(session: Session, subject: str) -> dict:
    unit = subject.strip()
    title = _title(session, unit)
    if title is None:
        raise UnknownSubject(f"no title {unit} in the registration centre's records on chain")
    return {"unit_code": unit, **title}


SERVES = (
    Serves("title-owners", _subject_key, title_owners,
           "a title's owners (identity numbers and shares), certificate and status"),
)

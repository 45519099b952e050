"""What the registration centre answers through the data gateway: a title's owners (their
identity numbers and shares) to a department holding a grant for `title-owners` (a court
enforcing a judgment, Civil Procedure Law Art. 249; SPC rules on enforcement), from the
centre's own database: the registrations and changes that reached the chain."""

from __future__ import annotations

from sqlalchemy import Index, bindparam, select, union_all
from sqlalchemy.orm import Session

from chaincity.db import PayloadField, SourceRecord
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


# A record's unit code and action, as the indexes below hold them: an answer looks a unit up
# through them, it does not read every payload of the centre.
UNIT_CODE, ACTION = PayloadField("unit_code"), PayloadField("action")
INDEXES = (Index("ix_source_records_unit_code", SourceRecord.department, UNIT_CODE),
           Index("ix_source_records_action", SourceRecord.department, ACTION))


def _lookup():
    """The records naming a unit (bound as `unit`): two lookups, each on its index, sorted by the
    caller (an OR of the two, an ORDER BY or an id bound would make SQLite walk the department's
    index in id order, every payload read). Built once: an answer only binds the unit."""
    query = select(SourceRecord.id, SourceRecord.payload).where(
        SourceRecord.department == DEPARTMENT, SourceRecord.status == "confirmed",
        SourceRecord.kind.in_(("title", "title.change")))
    unit = bindparam("unit")
    return union_all(query.where(UNIT_CODE == unit), query.where(ACTION.in_(("split", "merge")), UNIT_CODE != unit))


LOOKUP = _lookup()


def _records(session: Session, unit: str, before: int | None = None) -> list[tuple[int, dict]]:
    """(id, payload) of the confirmed records that name the unit, as itself, a split's part or a
    merge's source, in the order they were loaded."""
    rows = session.connection().execute(LOOKUP, {"unit": unit})  # Core, not the ORM: rows, not objects
    return [(i, p) for i, p in sorted(rows, key=lambda row: row[0]) if before is None or i < before
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
           "a title's owners (identity numbers and shares), certificate and status", INDEXES),
)

"""Load a department's CSV export into its database, validating every row.

Every row ends in exactly one place: a new source record, an unchanged one (the same record
loaded before: loading is idempotent), or a reject naming the row, the field and the reason,
written both to the ``rejects`` table and to a CSV report next to the input.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from chaincity.db import Reject, SourceRecord, Summary, reject_row
from chaincity.oracle.spec import DepartmentSpec, RowContext, RowError

logger = logging.getLogger(__name__)
INSERT_BATCH = 5_000


class BadInputFile(ValueError):
    """The file as a whole cannot be read as this department's export."""


@dataclass
class LoadSummary(Summary):
    rows: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_report: str | None = None


def _open_rows(path: Path, spec: DepartmentSpec):
    if not path.is_file():
        raise BadInputFile(f"{path}: no such file")
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
    except UnicodeDecodeError:
        raise BadInputFile(f"{path}: not UTF-8 text") from None
    missing = [c for c in spec.columns if c not in header]
    if missing:
        handle.close()
        raise BadInputFile(f"{path}: missing column(s) {', '.join(missing)} for {spec.name} (expected {', '.join(spec.columns)})")
    return handle, reader


def load_rows(engine: Engine, spec: DepartmentSpec, rows: Iterable[dict], source: str, context: RowContext,
              progress: bool = False) -> LoadSummary:
    """Load rows of the department's export (from a file, or one a command made: a voucher
    desk's act) into its database, each validated, loaded once, or rejected with its field."""
    summary = LoadSummary(spec.name)
    with Session(engine) as session:
        known = dict(session.execute(
            select(SourceRecord.source_id, SourceRecord.payload).where(SourceRecord.department == spec.name)
        ).all())
        pending: list[dict] = []

        def reject(row_number: int, source_id: str | None, field_name: str, reason: str) -> None:
            summary.rejected += 1
            summary.rejects.append(reject_row(spec.name, "load", source, row_number, source_id, field_name, reason))

        rows = tqdm(rows, desc=f"load {spec.name}", unit=" rows", disable=not progress)
        for row_number, row in enumerate(rows, start=2):  # row 1 is the header
            summary.rows += 1
            if None in row or any(v is None for v in row.values()):
                reject(row_number, None, "(row)", "wrong number of columns")
                continue
            try:
                parsed = spec.parse(row, context)
            except RowError as exc:
                reject(row_number, None, exc.field, exc.reason)
                continue
            earlier = known.get(parsed.source_id)
            if earlier is not None:
                if earlier == parsed.payload:
                    summary.unchanged += 1
                else:
                    reject(row_number, parsed.source_id, "(record)",
                           f"conflicts with the record {parsed.source_id} loaded before")
                continue
            known[parsed.source_id] = parsed.payload
            pending.append({
                "department": spec.name, "source_id": parsed.source_id, "kind": parsed.kind,
                "payload": parsed.payload, "source_file": source, "row_number": row_number, "status": "pending",
            })
            if len(pending) >= INSERT_BATCH:
                session.execute(insert(SourceRecord), pending)
                summary.loaded += len(pending)
                pending.clear()
        if pending:
            session.execute(insert(SourceRecord), pending)
            summary.loaded += len(pending)
        if summary.rejects:
            session.execute(insert(Reject), summary.rejects)
        session.commit()
    return summary


def load_csv(engine: Engine, spec: DepartmentSpec, path: Path, context: RowContext,
             progress: bool = False) -> LoadSummary:
    """Load ``path`` into the department database; see the module docstring."""
    handle, reader = _open_rows(path, spec)
    with handle:
        try:
            summary = load_rows(engine, spec, reader, str(path), context, progress)
        except csv.Error as exc:
            raise BadInputFile(f"{path}: {exc}") from None
        except UnicodeDecodeError:
            raise BadInputFile(f"{path}: not UTF-8 text") from None
    if summary.rejects:
        report = path.with_name(path.stem + ".rejects.csv")
        with report.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, ["row_number", "source_id", "field", "reason"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(summary.rejects)
        summary.rejects_report = str(report)
    logger.info("loaded %s: %s", path, summary.as_dict())
    return summary

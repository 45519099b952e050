"""Load a department's CSV export into its database, validating every row.

Every row ends in exactly one place: a new source record, an unchanged one (the same record
loaded before: loading is idempotent), or a reject naming the row, the record, the field and
the reason, written both to the ``rejects`` table and to a CSV report next to the input.

A file is read as the exports of a city's departments really come: UTF-8 (with or without a
BOM, as Excel saves "CSV UTF-8") or GB18030/GBK (as Excel and older Chinese systems save plain
"CSV"), CRLF or LF line ends. A file that is no export at all (empty, binary, a workbook,
UTF-16, a header without the department's columns, a quoted field never closed) is refused as a
whole (:class:`BadInputFile`, exit 2) before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from tqdm import tqdm

from chaincity.db import Reject, SourceRecord, Summary, reject_row
from chaincity.oracle.spec import DepartmentSpec, RowContext, RowError

logger = logging.getLogger(__name__)
INSERT_BATCH = 5_000
SOURCE_RECORDS = SourceRecord.__table__
CHUNK = 1 << 20
# Python's csv refuses a field over 128 KiB and the whole file with it; a huge field is one bad
# row (its parser names the field and its limit), so the reader lets fields up to 64 MiB through.
csv.field_size_limit(64 << 20)
# The row whose line the file ends in without a newline: it may be cut short (an amount, a date
# that still reads), so it is rejected rather than guessed at.
CUT_SHORT = object()
# Files that are something else than text, by their first bytes.
NOT_TEXT = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook?), not a CSV export: save it as CSV",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook, not a CSV export: save it as CSV",
    b"%PDF": "a PDF document, not a CSV export",
    b"\xff\xfe": "UTF-16 text (Excel's \"Unicode text\"): save the export as CSV UTF-8 (or GB18030)",
    b"\xfe\xff": "UTF-16 text: save the export as CSV UTF-8 (or GB18030)",
}


class BadInputFile(ValueError):
    """The file as a whole cannot be read as this department's export."""


@dataclass
class LoadSummary(Summary):
    rows: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_report: str | None = None
    encoding: str = "utf-8"


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for chunk in _chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(path: Path) -> bool:
    """Whether a file that is not all UTF-8 is UTF-8 with a few bad rows (more characters read
    right than wrong), rather than text in another encoding."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    right = wrong = 0
    for chunk in _chunks(path):
        for ch in decoder.decode(chunk):
            if ch == "\ufffd":
                wrong += 1
            elif not ch.isascii():
                right += 1
    return right > wrong


def file_encoding(path: Path) -> tuple[str, str]:
    """How to read ``path``: (encoding, errors). UTF-8 (BOM or not); GB18030, the national
    superset of GBK; else UTF-8 with some rows in another encoding (their bytes kept as
    surrogates, so each such row is rejected naming its field). Empty, binary, UTF-16 and
    workbook files are refused."""
    if not path.is_file():
        raise BadInputFile(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(4)
    if not head:
        raise BadInputFile(f"{path}: the file is empty (not even a header row)")
    for magic, what in NOT_TEXT.items():
        if head.startswith(magic):
            raise BadInputFile(f"{path}: {what}")
    for offset, chunk in enumerate(_chunks(path)):
        nul = chunk.find(b"\0")
        if nul >= 0:
            raise BadInputFile(f"{path}: binary data (a NUL byte at offset {offset * CHUNK + nul}), not a CSV export")
    if _decodes(path, "utf-8"):
        return "utf-8-sig", "strict"
    if _decodes(path, "gb18030") and not _mostly_utf8(path):
        return "gb18030", "strict"
    # Neither reads all of it: UTF-8 whose rows in another encoding are each rejected (a file
    # that is no text at all fails on its header).
    return "utf-8-sig", "surrogateescape"


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) in (b"\n", b"\r")


def _open_rows(path: Path, spec: DepartmentSpec):
    encoding, errors = file_encoding(path)
    handle = path.open(newline="", encoding=encoding, errors=errors)
    try:
        reader = csv.DictReader(handle, strict=True)
        header = reader.fieldnames or []
    except csv.Error as exc:
        handle.close()
        raise BadInputFile(f"{path}: header row: {exc}") from None
    # Spaces around a column name are the export tool's, not part of the name.
    reader.fieldnames = header = [name.strip() for name in header]
    problem = _header_problem(header, spec)
    if problem:
        handle.close()
        raise BadInputFile(f"{path}: {problem}")
    return handle, reader, encoding


def _header_problem(header: list[str], spec: DepartmentSpec) -> str | None:
    expected = f"(expected {', '.join(spec.columns)}" + (
        f"; optional {', '.join(spec.optional_columns)})" if spec.optional_columns else ")")
    if not any(header):
        return f"no header row {expected}"
    missing = [c for c in spec.columns if c not in header]
    if missing:
        return f"missing column(s) {', '.join(missing)} for {spec.name} {expected}"
    # A misspelt optional column (`acton`) would silently read as absent: every row a default.
    unknown = [c for c in header if c not in spec.columns and c not in spec.optional_columns]
    if unknown:
        return f"unknown column(s) {', '.join(repr(c) for c in unknown)} for {spec.name} {expected}"
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        return f"column(s) {', '.join(repeated)} given twice"
    return None


UNDECODED = re.compile("[\udc80-\udcff]")  # a byte that did not decode, as surrogateescape keeps it


def _not_decoded(row: dict) -> tuple[str, str] | None:
    """The first field holding bytes the file's encoding could not read, and where."""
    for field_name, value in row.items():
        found = UNDECODED.search(value or "")
        if found:
            return field_name, (f"is not UTF-8 text (byte 0x{ord(found.group()) - 0xdc00:02x} at character "
                                f"{found.start() + 1}; a row saved in another encoding?)")
    return None


def record_name(spec: DepartmentSpec, row: dict) -> str | None:
    """The record a row that could not be read is about, as printed in it (its certificate,
    contract, order or voucher number, its USCC…), shortened, for the rejects report."""
    parts = [str(row.get(column) or "").strip() for column in spec.record_columns]
    name = " ".join(part for part in parts if part)
    if not name or not name.isprintable():  # no line break, control character or undecoded byte in a report line
        return None
    return name if len(name) <= 64 else name[:61] + "…"


def load_rows(engine: Engine, spec: DepartmentSpec, rows: Iterable[dict], source: str, context: RowContext,
              progress: bool = False) -> LoadSummary:
    """Load rows of the department's export (from a file, or one a command made: a voucher
    desk's act) into its database, each validated, loaded once, or rejected with its field.

    Written with SQLAlchemy Core in chunks of :data:`INSERT_BATCH` rows (one executemany
    each) and one transaction: the ORM's bulk insert took twice as long per row, and loading
    was a quarter of a 350,000-title import (measured). Every row of one load has the same
    ``loaded_at``: the time this load started."""
    summary = LoadSummary(spec.name)
    loaded_at = datetime.now(UTC)
    with engine.begin() as connection:
        known = dict(connection.execute(
            select(SourceRecord.source_id, SourceRecord.payload).where(SourceRecord.department == spec.name)
        ).all())
        in_this_file: dict[str, int] = {}  # source id -> row number, of the records this load read
        pending: list[dict] = []

        def reject(row_number: int, source_id: str | None, field_name: str, reason: str) -> None:
            summary.rejected += 1
            summary.rejects.append(reject_row(spec.name, "load", source, row_number, source_id, field_name, reason))

        def write() -> None:
            connection.execute(SOURCE_RECORDS.insert(), pending)
            summary.loaded += len(pending)
            pending.clear()

        rows = tqdm(rows, desc=f"load {spec.name}", unit=" rows", disable=not progress)
        for row_number, row in enumerate(rows, start=2):  # row 1 is the header
            summary.rows += 1
            if row.pop(CUT_SHORT, False):
                reject(row_number, record_name(spec, row), "(row)",
                       "the file ends in this line without a newline: it may be cut short")
                continue
            if None in row or any(v is None for v in row.values()):
                reject(row_number, None, "(row)", "wrong number of columns")
                continue
            undecoded = _not_decoded(row)
            if undecoded:
                reject(row_number, record_name(spec, row), *undecoded)
                continue
            try:
                parsed = spec.parse(row, context)
            except RowError as exc:
                reject(row_number, record_name(spec, row), exc.field, exc.reason)
                continue
            if parsed.source_id in in_this_file:  # an export names a record once
                reject(row_number, parsed.source_id, "(record)",
                       f"repeats the record {parsed.source_id} of row {in_this_file[parsed.source_id]}")
                continue
            earlier = known.get(parsed.source_id)
            if earlier is not None and earlier != parsed.payload:
                reject(row_number, parsed.source_id, "(record)",
                       f"conflicts with the record {parsed.source_id} loaded before")
                continue
            in_this_file[parsed.source_id] = row_number
            if earlier is not None:
                summary.unchanged += 1
                continue
            known[parsed.source_id] = parsed.payload
            pending.append({
                "department": spec.name, "source_id": parsed.source_id, "kind": parsed.kind,
                "payload": parsed.payload, "source_file": source, "row_number": row_number, "status": "pending",
                "loaded_at": loaded_at,
            })
            if len(pending) >= INSERT_BATCH:
                write()
        if pending:
            write()
        if summary.rejects:
            connection.execute(Reject.__table__.insert(), summary.rejects)
    return summary


def _flag_cut_short(rows: Iterable[dict], cut: bool) -> Iterator[dict]:
    """The rows, the last one marked CUT_SHORT when the file does not end with a newline."""
    previous = None
    for row in rows:
        if previous is not None:
            yield previous
        previous = row
    if previous is not None:
        yield {**previous, CUT_SHORT: True} if cut else previous


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): the report quotes values.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def load_csv(engine: Engine | Callable[[], Engine], spec: DepartmentSpec, path: Path, context: RowContext,
             progress: bool = False) -> LoadSummary:
    """Load ``path`` into the department database; see the module docstring. ``engine`` may be
    a function that opens the database: called only once the file reads as an export, so a
    refused file creates no database."""
    handle, reader, encoding = _open_rows(path, spec)
    with handle:
        engine = engine() if callable(engine) else engine
        try:
            summary = load_rows(engine, spec, _flag_cut_short(reader, not _ends_with_newline(path)), str(path),
                                context, progress)
        except csv.Error as exc:  # nothing was committed: the load runs in one transaction
            raise BadInputFile(f"{path}: line {reader.line_num + 1}: {exc} (a quoted field not closed where it ends)") from None
    summary.encoding = encoding.removesuffix("-sig")
    if summary.rejects:
        report = path.with_name(path.stem + ".rejects.csv")
        with report.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, ["row_number", "source_id", "field", "reason"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows({k: _safe_cell(v) for k, v in reject.items()} for reject in summary.rejects)
        summary.rejects_report = str(report)
    logger.info("loaded %s: %s", path, summary.as_dict())
    return summary

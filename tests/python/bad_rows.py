"""The corpus of malformed rows of every department's export (tests/python/data/bad_rows/).

`<department>.csv` holds rows in the department's columns (optional ones included) and two more:
`expected_field` and `expected_reason`, the field the row is rejected for and words of the
reason. A row with no expectation is a valid one that a later row of the file repeats (a
duplicate id). A cell may stand for what a text file cannot hold: `{1MiB}` is a field of 1 MiB,
`{gbk:TEXT}` and `{latin1:TEXT}` are TEXT written in that encoding inside the UTF-8 file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "bad_rows"
EXPECTATIONS = ("expected_field", "expected_reason")
MACRO = re.compile(r"\{(1MiB|gbk:[^}]*|latin1:[^}]*)\}")


@dataclass(frozen=True)
class CorpusRow:
    row_number: int  # in the export written from the corpus (the header is row 1)
    values: dict[str, str]  # the cells as the corpus gives them (macros unexpanded)
    field: str  # empty: a valid row a later row repeats
    reason: str


def corpus_rows(department: str) -> list[CorpusRow]:
    with (CORPUS / f"{department}.csv").open(encoding="utf-8", newline="") as handle:
        return [CorpusRow(number, {k: v for k, v in row.items() if k not in EXPECTATIONS},
                          row["expected_field"], row["expected_reason"])
                for number, row in enumerate(csv.DictReader(handle), start=2)]


def _cell(value: str) -> bytes:
    """A cell as the export's bytes, macros expanded; quoted as csv would quote it."""
    def expand(match: re.Match) -> bytes:
        macro = match.group(1)
        if macro == "1MiB":
            return b"9" * (1 << 20)
        encoding, text = macro.split(":", 1)
        return text.encode(encoding)

    parts, last = [], 0
    for match in MACRO.finditer(value):
        parts += [value[last:match.start()].encode("utf-8"), expand(match)]
        last = match.end()
    raw = b"".join(parts) + value[last:].encode("utf-8")
    if any(ch in raw for ch in (b",", b'"', b"\n", b"\r")):
        raw = b'"' + raw.replace(b'"', b'""') + b'"'
    return raw


def write_export(department: str, path: Path, rows: list[CorpusRow] | None = None) -> Path:
    """The department's export of the corpus rows (all by default), as its bytes would be."""
    rows = corpus_rows(department) if rows is None else rows
    with (CORPUS / f"{department}.csv").open(encoding="utf-8", newline="") as handle:
        columns = [c for c in next(csv.reader(handle)) if c not in EXPECTATIONS]
    lines = [b",".join(c.encode() for c in columns)]
    lines += [b",".join(_cell(row.values[c]) for c in columns) for row in rows]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path

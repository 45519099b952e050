"""Synthetic voucher exports for `chaincity datagen`: each court's assistance-in-enforcement
notices (协助执行通知书), one per seizure of its export, issued as COURT_ASSISTANCE vouchers to
the registration centre instead of being carried there on paper (Civil Procedure Law Art. 258:
the court sends the notice to the registration authority with its ruling). About ``bad_share``
of the rows carry one realistic defect each, counted."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from chaincity.departments import vouchers

TYPE = "COURT_ASSISTANCE"  # issued by courts, received by registration centres (set by the quorum)
CENTRE = "LD-REC"
COLUMNS = vouchers.SPEC.columns + vouchers.SPEC.optional_columns
_DEFECTS = (("holder", str.lower), ("acted_at", lambda v: v.replace("-", "/")), ("type", lambda v: ""))


@dataclass(frozen=True)
class VoucherFiles:
    exports: dict[str, Path]  # court code -> its voucher export
    rows: int
    bad_rows: int


def generate_vouchers(out_dir: Path, court_exports: dict[str, Path], bad_share: float = 0.01,
                      seed: int = 2018) -> VoucherFiles:
    """Write vouchers_<court>.csv beside each court's export: a notice per seizure it ordered."""
    rng = random.Random(seed)
    rows = bad = 0
    exports = {}
    for code, source in court_exports.items():
        with source.open(encoding="utf-8", newline="") as handle:
            seizures = [r for r in csv.DictReader(handle) if r["action"] == "seize"]
        written = []
        for number, seizure in enumerate(seizures, 1):
            row = {"voucher_no": f"{code}-XZ-{number:05d}", "action": "issue", "department": code,
                   "acted_at": seizure["issued_at"], "type": TYPE, "holder": CENTRE, "subject": seizure["unit_code"],
                   "document": f"协助执行通知书 {seizure['order_no']}: 请协助查封不动产单元 {seizure['unit_code']}, "
                               f"期限 {seizure['term_months'] or 36} 个月。"}
            if rng.random() < bad_share:
                column, spoil = rng.choice(_DEFECTS)
                row = {**row, column: spoil(row[column])}
                bad += 1
            written.append(row)
        exports[code] = out_dir / f"vouchers_{code}.csv"
        with exports[code].open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, COLUMNS, restval="")
            writer.writeheader()
            writer.writerows(written)
        rows += len(written)
    return VoucherFiles(exports, rows, bad)

"""Synthetic department exports shaped like Loudi's: households, their properties, co-owners,
mortgages, court seizures and the registration centre's later transfers, replacement
certificates and cancellations, with a controlled share of realistic bad rows.

Everything valid is built by the national algorithms (real county codes, unit codes, identity
numbers with their check characters); every bad row carries one known defect, so a test can
count exactly what must be rejected. The same seed gives the same files.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tqdm import tqdm

from chaincity.departments import bank, court, real_estate
from chaincity.departments.real_estate.rows import WHOLE
from chaincity.formats import LOUDI_COUNTIES, make_id_number, make_unit_code

# Loudi: 350,000 properties of 150,000 households.
PROPERTIES_PER_HOUSEHOLD = 350_000 / 150_000
CO_OWNED_SHARE = 0.4
MORTGAGED_SHARE = 0.3
SEIZED_SHARE = 0.01
# The registration centre's later export: transfers, replacement certificates, revocations
# without replacement (a certificate reported lost), cancellations.
TRANSFERRED_SHARE = 0.03
REISSUED_SHARE = 0.005
REVOKED_SHARE = 0.002
CANCELLED_SHARE = 0.003  # of titles with no mortgage or seizure (others cannot be cancelled)
CHANGE_CERTIFICATES_FROM = 5_000_000  # certificate numbers of the changes, apart from first registrations
BANKS = ("LD-BANK-ICBC", "LD-BANK-CCB", "LD-BANK-ABC", "LD-HPF")
COURTS = ("LD-COURT-INT", "LD-COURT-LX", "LD-COURT-SF")
COUNTIES = tuple(LOUDI_COUNTIES)
# The departments it writes exports for.
DEPARTMENTS = {spec.name: spec for spec in (real_estate.SPEC, bank.SPEC, court.SPEC)}


@dataclass(frozen=True)
class GeneratedFiles:
    """The exports: the registration centre's (first registrations, then its later changes),
    and one per bank and per court (each department exports only its own records). Row counts
    are per department kind."""

    real_estate: Path
    real_estate_changes: Path
    banks: dict[str, Path]
    courts: dict[str, Path]
    rows: dict[str, int]
    bad_rows: dict[str, int]


def _corrupt_id(value: str) -> str:
    """Change the check character: a typo that the check catches."""
    return value[:-1] + ("0" if value[-1] != "0" else "1")


# One realistic defect per bad row: (column, how to spoil the value).
_TITLE_DEFECTS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("owner_id_numbers", lambda v: ";".join([_corrupt_id(v.split(";")[0]), *v.split(";")[1:]])),
    ("unit_code", lambda v: "430102" + v[6:]),  # a county outside the city
    ("unit_code", lambda v: v[:-1]),
    ("shares", lambda v: ";".join([str(int(v.split(";")[0]) - 1), *v.split(";")[1:]])),
    ("registered_at", lambda v: v.replace("-", "/")),
)
_BANK_DEFECTS = (("amount", lambda v: "-" + v), ("term_months", lambda v: "0"), ("unit_code", lambda v: v.lower()))
_COURT_DEFECTS = (("term_months", lambda v: "48"), ("action", lambda v: "freeze"))


def _spoil(rng: random.Random, row: dict, defects) -> dict:
    column, spoil = defects[rng.randrange(len(defects))]
    return {**row, column: spoil(row[column])}


def generate(out_dir: Path, households: int, bad_share: float = 0.01, seed: int = 2018,
             progress: bool = False) -> GeneratedFiles:
    """Write real_estate.csv, real_estate_changes.csv, bank_<code>.csv and court_<code>.csv
    for ``households`` households."""
    rng = random.Random(seed)
    changes_rng = random.Random(seed + 1)  # its own stream: the first registrations stay as they were
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {("real-estate", None): out_dir / "real_estate.csv", ("real-estate", "changes"): out_dir / "real_estate_changes.csv"}
    paths |= {("bank", code): out_dir / f"bank_{code}.csv" for code in BANKS}
    paths |= {("court", code): out_dir / f"court_{code}.csv" for code in COURTS}
    rows = dict.fromkeys(DEPARTMENTS, 0)
    bad = dict.fromkeys(DEPARTMENTS, 0)
    handles = {key: path.open("w", newline="", encoding="utf-8") for key, path in paths.items()}
    writers = {key: csv.DictWriter(handles[key], DEPARTMENTS[key[0]].columns) for key in paths}
    writers[("real-estate", "changes")] = csv.DictWriter(
        handles[("real-estate", "changes")], DEPARTMENTS["real-estate"].columns + DEPARTMENTS["real-estate"].optional_columns)
    for writer in writers.values():
        writer.writeheader()

    def write(name: str, owner: str | None, row: dict, defects) -> None:
        if defects and rng.random() < bad_share:
            row = _spoil(rng, row, defects)
            bad[name] += 1
        writers[(name, owner)].writerow(row)
        rows[name] += 1

    certificate = contract = order = 0
    change_certificate = CHANGE_CERTIFICATES_FROM
    try:
        for household in tqdm(range(households), desc="households", disable=not progress):
            county = COUNTIES[household % len(COUNTIES)]
            members = [
                make_id_number(county, date(1950, 1, 1) + timedelta(days=rng.randrange(18_250)), rng.randrange(1000))
                for _ in range(2)
            ]
            # A whole number of properties per household averaging Loudi's 2.33.
            count = 1 + int(rng.random() < PROPERTIES_PER_HOUSEHOLD - 1) + int(rng.random() < 0.33)
            for index in range(count):
                certificate += 1
                zone, parcel = divmod(household, 90_000)
                unit = make_unit_code(county, 1 + zone, 1 + index, 1 + parcel, 1 + rng.randrange(60), 101 + index)
                owners = members if rng.random() < CO_OWNED_SHARE else members[:1]
                first = WHOLE // 2 if len(owners) == 2 else WHOLE
                shares = [first, WHOLE - first][: len(owners)]
                registered = date(2010, 1, 1) + timedelta(days=rng.randrange(3_200))
                write("real-estate", None, {
                    "unit_code": unit, "owner_id_numbers": ";".join(owners),
                    "shares": ";".join(map(str, shares)), "right_type": "house_ownership",
                    "certificate_no": f"湘({registered.year})娄底市不动产权第{certificate:07d}号",
                    "registered_at": registered.isoformat(),
                }, _TITLE_DEFECTS)
                encumbered = False
                if rng.random() < MORTGAGED_SHARE:
                    encumbered = True
                    contract += 1
                    bank = BANKS[rng.randrange(len(BANKS))]
                    # Mortgages still running: registered since 2019, for 10 to 30 years.
                    mortgaged = max(registered, date(2019, 1, 1)) + timedelta(days=rng.randrange(1, 1_800))
                    write("bank", bank, {
                        "unit_code": unit, "bank": bank, "contract_no": f"JD-{mortgaged.year}-{contract:07d}",
                        "amount": f"{rng.randrange(100, 2000) * 1000}.00", "term_months": str(rng.choice((120, 240, 360))),
                        "registered_at": mortgaged.isoformat(),
                    }, _BANK_DEFECTS)
                if rng.random() < SEIZED_SHARE:
                    encumbered = True
                    order += 1
                    court = COURTS[rng.randrange(len(COURTS))]
                    write("court", court, {
                        "unit_code": unit, "court": court,
                        "order_no": f"(2020)湘13执{order}号", "action": "seize", "term_months": "36",
                        "issued_at": date(2020, 1, 1 + rng.randrange(28)).isoformat(),
                    }, _COURT_DEFECTS)
                draw = changes_rng.random()
                action = ("transfer" if draw < TRANSFERRED_SHARE else
                          "reissue" if draw < TRANSFERRED_SHARE + REISSUED_SHARE else
                          "revoke" if draw < TRANSFERRED_SHARE + REISSUED_SHARE + REVOKED_SHARE else
                          "cancel" if not encumbered and changes_rng.random() < CANCELLED_SHARE else None)
                if action is not None:
                    changed = registered + timedelta(days=changes_rng.randrange(1, 2_000))
                    change_certificate += 1
                    buyer = make_id_number(county, date(1960, 1, 1) + timedelta(days=changes_rng.randrange(14_600)),
                                           changes_rng.randrange(1000))
                    write("real-estate", "changes", {
                        "unit_code": unit, "action": action, "right_type": "",
                        "owner_id_numbers": buyer if action == "transfer" else "",
                        "shares": str(WHOLE) if action == "transfer" else "",
                        # Cancel and revoke name the certificate they end, the others the new one.
                        "certificate_no": (f"湘({registered.year})娄底市不动产权第{certificate:07d}号"
                                           if action in ("cancel", "revoke")
                                           else f"湘({changed.year})娄底市不动产权第{change_certificate:07d}号"),
                        "registered_at": changed.isoformat(),
                        "reason": {"cancel": "destroyed", "revoke": "lost"}.get(action, ""),
                    }, None)
    finally:
        for handle in handles.values():
            handle.close()
    return GeneratedFiles(
        paths[("real-estate", None)], paths[("real-estate", "changes")],
        {code: paths[("bank", code)] for code in BANKS},
        {code: paths[("court", code)] for code in COURTS},
        rows, bad,
    )

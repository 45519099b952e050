"""Synthetic company exports shaped like Loudi's (~30,000 market entities in its five divisions):
market regulation's registrations and later acts, the tax bureau's yearly grades and
corrections, and each listing department's credit listings, with a controlled share of bad rows.

Every code is valid by GB 32100 (both check characters); a few companies moved in from another
province keep their code and register in a Loudi division. Each company's acts follow the
statuses of the 2022 Regulations, so a clean export (``bad_share=0``) loads and syncs without a
reject. Dates stay clear of the three-year abnormal-list boundary, so an answer computed today
does not flip during a test run. The same seed gives the same files (on the same day).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from chaincity.departments import listings, market, tax
from chaincity.formats import LOUDI_COUNTIES, USCC_CHARSET, build_uscc, make_id_number

MARKET, TAX = "LD-AMR", "LD-TAX"
COURTS = ("LD-COURT-INT", "LD-COURT-LX")
FINANCE = "LD-FIN"
DIVISIONS = tuple(LOUDI_COUNTIES)
LAST_DAY = date(2026, 6, 30)  # exports end here: every act lies in the past
ABNORMAL_YEARS_DAYS = 3 * 365
# Shares of companies: acts on their way (each drawn once, in this order of precedence).
SHARES = {"amend": 0.05, "list-abnormal": 0.08, "suspend-business": 0.03, "revoke-license": 0.01,
          "revoke-registration": 0.003, "move-out": 0.005, "deregister": 0.04}
LISTED = {"dishonest-judgment-debtor": 0.02, "major-tax-violation": 0.005, "serious-violation": 0.005,
          "procurement-dishonesty": 0.004}
KEEPERS = {"dishonest-judgment-debtor": COURTS, "major-tax-violation": (TAX,), "serious-violation": (MARKET,),
           "procurement-dishonesty": (FINANCE,)}
# Which department loads each listings export.
LISTINGS_DEPARTMENT = {**dict.fromkeys(COURTS, "court-listings"), TAX: "tax-listings", MARKET: "market-listings",
                       FINANCE: "finance-listings"}
GRADES = (("A", 0.2), ("B", 0.5), ("M", 0.15), ("C", 0.1), ("D", 0.05))


@dataclass(frozen=True)
class CompanyFiles:
    market: Path
    tax: Path
    listings: dict[str, Path]  # department code -> its listings export
    rows: dict[str, int]
    bad_rows: dict[str, int]


def _org_body(index: int) -> str:
    digits = []
    for _ in range(6):
        index, rest = divmod(index, len(USCC_CHARSET))
        digits.append(USCC_CHARSET[rest])
    return "MA" + "".join(reversed(digits))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _clear_of_boundary(listed: date, today: date) -> date:
    """A list-abnormal date at least 20 days from the three-year mark as of today."""
    mark = today - timedelta(days=ABNORMAL_YEARS_DAYS)
    return listed + timedelta(days=40) if abs((listed - mark).days) < 20 else listed


_DEFECTS = {  # (column, spoil) per export: one realistic defect per bad row
    "market": (("uscc", lambda v: v[:-1] + ("0" if v[-1] != "0" else "1")), ("uscc", str.lower),
               ("division", lambda v: "430102" if v else v), ("status", lambda v: "abnormal")),
    "tax": (("grade", lambda v: "E"), ("year", lambda v: str(date.today().year + 1)),
            ("uscc", lambda v: v[:8] + "O" + v[9:])),
    "listings": (("legal_basis", lambda v: ""), ("subject", lambda v: v.lower()), ("case_no", lambda v: "")),
}


def generate_companies(out_dir: Path, companies: int, bad_share: float = 0.01, seed: int = 2018) -> CompanyFiles:
    """Write market.csv, tax.csv and listings_<department>.csv for ``companies`` companies."""
    rng, today = random.Random(seed), date.today()
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = {"market": [MARKET], "tax": [TAX], "listings": [*COURTS, TAX, MARKET, FINANCE]}
    paths = {"market": out_dir / "market.csv", "tax": out_dir / "tax.csv"}
    paths |= {code: out_dir / f"listings_{code}.csv" for code in codes["listings"]}
    columns = {"market": market.SPEC.columns + market.SPEC.optional_columns,
               "tax": tax.SPEC.columns + tax.SPEC.optional_columns}
    rows = dict.fromkeys(("market", "tax", "listings"), 0)
    bad = dict.fromkeys(rows, 0)
    buffered: dict[str, list[dict]] = {key: [] for key in paths}

    def write(export: str, key: str, row: dict) -> None:
        if rng.random() < bad_share:
            column, spoil = rng.choice(_DEFECTS[export])
            spoiled = {**row, column: spoil(row[column])}
            bad[export] += spoiled != row  # (a lift has no legal basis to lose)
            row = spoiled
        buffered[key].append(row)
        rows[export] += 1

    acts: list[tuple[date, dict]] = []
    for index in range(companies):
        division = DIVISIONS[index % len(DIVISIONS)]
        home = "110105" if rng.random() < 0.02 else division  # moved in from Beijing: keeps its code
        code = build_uscc(_org_body(index), division=home)
        founded = _day(rng, date(2000, 1, 1), date(2024, 1, 1))
        rep = make_id_number(division, _day(rng, date(1955, 1, 1), date(1995, 1, 1)), rng.randrange(1000))
        particulars = {"name": f"娄底市第{index}号有限公司", "legal_rep_id_number": rep,
                       "registered_capital": f"{rng.randrange(10, 5000) * 10_000}.00", "division": division}
        write("market", "market", {"uscc": code, **particulars, "registered_at": founded.isoformat(),
                                   "status": "existing", "action": "register", "reason": ""})
        status, moment, ends = "existing", founded, None

        def act(action: str, new_status: str, at: date, **given) -> None:
            acts.append((at, {"uscc": code, "name": "", "legal_rep_id_number": "", "registered_capital": "",
                              "division": "", "registered_at": at.isoformat(), "status": new_status, "action": action,
                              "reason": given.pop("reason", f"{action} 依据第{rng.randrange(1, 50)}条"), **given}))

        if rng.random() < SHARES["amend"]:
            moment = _day(rng, moment, LAST_DAY)
            act("amend", status, moment, reason="", **{**particulars, "registered_capital": f"{rng.randrange(10, 9000) * 10_000}.00"})
        if rng.random() < SHARES["list-abnormal"]:
            moment = _clear_of_boundary(_day(rng, moment, LAST_DAY), today)
            act("list-abnormal", "existing", moment)
            if rng.random() < 0.5:
                moment = _day(rng, moment + timedelta(days=1), LAST_DAY)
                act("remove-abnormal", "existing", moment)
        if rng.random() < SHARES["suspend-business"]:
            moment = _day(rng, moment + timedelta(days=1), LAST_DAY)
            act("suspend-business", "suspended", moment)
            status = "suspended"
            if rng.random() < 0.5:  # within the three years of Art. 30
                moment = _day(rng, moment + timedelta(days=1), min(LAST_DAY, moment + timedelta(days=1_000)))
                act("resume-business", "existing", moment)
                status = "existing"
        draw = rng.random()
        for terminal, new_status in (("revoke-license", "license-revoked"), ("revoke-registration", "registration-revoked"),
                                   ("move-out", "moved-out"), ("deregister", "deregistered")):
            if draw < SHARES[terminal]:
                ends = _day(rng, moment + timedelta(days=1), LAST_DAY)
                break
            draw -= SHARES[terminal]
        court_listing_live = False
        for list_type, share in LISTED.items():
            if rng.random() >= share:
                continue
            keeper = rng.choice(KEEPERS[list_type])
            start = _day(rng, max(founded, date(2019, 1, 1)), LAST_DAY)
            until = None if rng.random() < 0.5 else start + timedelta(days=rng.choice((180, 365, 1095)))
            if until is not None and abs((until - today).days) < 3:  # clear of today: the answer must not flip
                until += timedelta(days=7)
            case = f"({start.year})湘13{'执' if keeper in COURTS else '罚'}{index}号"
            listing = {"list_type": list_type, "subject": code, "subject_kind": "company", "case_no": case,
                       "reason": "依法认定", "legal_basis": f"{list_type} 规定第{rng.randrange(1, 20)}条",
                       "effective_from": start.isoformat(), "effective_until": until.isoformat() if until else "",
                       "action": "list", "department": keeper}
            write("listings", keeper, listing)
            ended = until is not None and until < today
            if not ended and rng.random() < 0.3:
                lifted = _day(rng, start + timedelta(days=1), min(LAST_DAY, until or LAST_DAY))
                write("listings", keeper, {**listing, "action": rng.choice(("lift", "repair")), "reason": "已履行",
                                           "legal_basis": "", "effective_from": "", "effective_until": lifted.isoformat()})
                ended = True
            court_listing_live |= list_type == "dishonest-judgment-debtor" and not ended
        refused = (terminal == "deregister" and court_listing_live) or (terminal == "move-out" and status != "existing")
        if ends is not None and not refused:  # deregistration refused while listed; only an existing company moves
            act(terminal, new_status, ends)
            status = new_status
        if rng.random() < 0.01:  # the legal representative listed as a person: bars no company
            start = _day(rng, date(2020, 1, 1), LAST_DAY)
            write("listings", COURTS[0], {"list_type": "dishonest-judgment-debtor", "subject": rep, "subject_kind": "person",
                                          "case_no": f"({start.year})湘13执P{index}号", "reason": "拒不履行",
                                          "legal_basis": "失信规定第一条", "effective_from": start.isoformat(),
                                          "effective_until": "", "action": "list", "department": COURTS[0]})
        if status in ("existing", "suspended"):  # a closed company's grades stop
            for year in range(max(2021, founded.year + 1), today.year):
                grade = rng.choices([g for g, _ in GRADES], [w for _, w in GRADES])[0]
                row = {"uscc": code, "year": str(year), "grade": grade, "assessed_at": f"{year + 1}-04-20",
                       "action": "assess", "reason": ""}
                write("tax", "tax", row)
                if grade in ("C", "D") and rng.random() < 0.1:  # 纳税信用修复
                    write("tax", "tax", {**row, "grade": "B" if grade == "C" else "C", "action": "correct",
                                         "assessed_at": f"{year + 1}-09-01", "reason": "纳税信用修复"})
    # Acts after the registrations, in the order they happened (a company's build on each other).
    buffered["market"] += [row for _, row in sorted(acts, key=lambda pair: pair[0])]
    rows["market"] += len(acts)
    for key, path in paths.items():
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns.get(key, listings.COLUMNS))
            writer.writeheader()
            writer.writerows(buffered[key])
    return CompanyFiles(paths["market"], paths["tax"], {c: paths[c] for c in codes["listings"]}, rows, bad)

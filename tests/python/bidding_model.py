"""An independent answer to "may this company bid?", computed in plain Python from the exports
alone (csv module and dates, nothing of chaincity), to check the chain's answer against.

The rules (issue 13; Government Procurement Law Art. 22, Implementing Regulations Art. 19):
barred while not registered in the city; while its status is not `existing`; while any live
listing names it as a company (a person's listing bars no company); while it has stood three
years on the abnormal-operations list without removal (serious violation, computed from time);
while its latest graded tax year is D after corrections. The abnormal list alone bars nothing.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path



def _years_later(day: date, years: int) -> date:
    """The same month and day ``years`` later (28 February for a 29 February): a period's last
    day counted from the day after ``day`` (Civil Code Arts. 201-203)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def bars(market: Path, tax: Path, listings: list[Path], today: date | None = None) -> dict[str, set[str]]:
    """Every company of the market export with the set of reasons it is barred (empty: eligible)."""
    today = today or date.today()
    status: dict[str, str] = {}
    abnormal_since: dict[str, date | None] = {}
    for row in _rows(market):
        code, action = row["uscc"], row["action"] or "register"
        if action == "register":
            status.setdefault(code, "existing")
            continue
        if code not in status:
            continue  # an act on a company never registered: refused
        status[code] = row["status"]
        if action == "list-abnormal":
            abnormal_since[code] = date.fromisoformat(row["registered_at"])
        elif action == "remove-abnormal":
            abnormal_since[code] = None
    grades: dict[str, dict[int, str]] = {}
    for row in _rows(tax):
        grades.setdefault(row["uscc"], {})[int(row["year"])] = row["grade"]  # a correction replaces
    listed: dict[tuple, dict] = {}
    for path in listings:
        for row in _rows(path):
            if row["subject_kind"] != "company":
                continue
            key = (row["list_type"], row["subject"], row["case_no"])
            if row["action"] == "list":
                listed[key] = {"from": date.fromisoformat(row["effective_from"]),
                               "until": date.fromisoformat(row["effective_until"]) if row["effective_until"] else None}
            elif key in listed:  # lift or repair: that day is its last
                listed[key]["until"] = date.fromisoformat(row["effective_until"])
    answer = {code: set() for code in status}
    for code, now in status.items():
        if now != "existing":
            answer[code].add("not-existing")
        since = abnormal_since.get(code)
        if since is not None and today > _years_later(since, 3):
            answer[code].add("abnormal-three-years")
        graded = grades.get(code)
        if graded and graded[max(graded)] == "D":
            answer[code].add("tax-grade-d")
    for (list_type, code, _), period in listed.items():
        if period["from"] <= today and (period["until"] is None or today <= period["until"]):
            answer.setdefault(code, {"not-registered"}).add(list_type)
    return answer

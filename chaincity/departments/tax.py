"""The tax bureau (税务局): yearly tax credit grades A, B, M, C, D (纳税信用管理办法, Art. 19)
and their corrections after credit repair (纳税信用修复), both kept in the registry's history."""

from __future__ import annotations

from datetime import date

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.rows import choice, day, day_start, integer, optional_text, text, uscc, uscc_of
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, Batched, DepartmentSpec, Follows, OneByOne, ParsedRow, RowContext, RowError

GRADES = {"A": 1, "B": 2, "M": 3, "C": 4, "D": 5}  # TaxGrade in ICompanyRegistry.sol
ACTIONS = ("assess", "correct")
FIRST_YEAR = 2014  # the grading rules in force since the 2014 tax year


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    """A grade for a tax year (`assess`), or its correction with a `reason` (`correct`)."""
    action = (row.get("action") or "assess").strip()
    if action not in ACTIONS:
        raise RowError("action", f"{action!r} must be one of {', '.join(ACTIONS)}")
    code = uscc(row)
    year = integer(row, "year", FIRST_YEAR, 9999)
    if year > date.today().year:
        raise RowError("year", f"{year} is in the future")
    payload = {"uscc": code, "year": year, "grade": choice(row, "grade", tuple(GRADES)), "action": action,
               "assessed_at": day(row, "assessed_at"), "reason": optional_text(row, "reason", 500)}
    if action == "correct":
        text(row, "reason", 500)  # a correction names its ground
        return ParsedRow(f"{code}:{year}:correct:{payload['grade']}:{payload['assessed_at']}", "tax.correct", payload)
    return ParsedRow(f"{code}:{year}:assess", "tax.assess", payload)


def correction(payload: dict, hasher: Hasher) -> tuple:
    """correctTaxGrade(uscc, year, grade, reason digest, day of the correction)."""
    return (uscc_of(payload), payload["year"], GRADES[payload["grade"]], hasher.document(payload["reason"]),
            day_start(payload["assessed_at"]))


SPEC = DepartmentSpec(
    name="tax",
    kinds=(DepartmentKind.TAX_BUREAU,),
    columns=("uscc", "year", "grade", "assessed_at"),
    optional_columns=("action", "reason"),
    parse=parse,
    record_columns=("uscc", "year"),
    # Assessments in batches, then corrections in the export's order (the last one stands).
    chains=(
        Batched("tax.assess", "CompanyRegistry", "setTaxGradeBatch", lambda p, h: (
            uscc_of(p), p["year"], GRADES[p["grade"]], day_start(p["assessed_at"])), uscc_of),
        OneByOne("tax.correct", "CompanyRegistry", chain_key=uscc_of, multicall=True,
                 actions={"correct": Action("correctTaxGrade", correction)}),
    ),
    follows=Follows("CompanyRegistry", addressed=("TaxGradeAssessed", "TaxGradeCorrected")),
)

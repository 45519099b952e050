"""The company departments' exports read without a chain: market regulation (2022 Regulations on
the Registration of Market Entities), the tax bureau's grades (纳税信用管理办法) and the credit
listings; a corpus of malformed rows, each with the field and reason it is rejected for, and a
load of the whole corpus that writes nothing."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from chaincity.cli import DEPARTMENTS
from chaincity.db import SourceRecord, open_database
from chaincity.formats import build_uscc, make_id_number
from chaincity.load import load_csv
from chaincity.oracle.spec import RowError
from conftest import LOUDI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

USCC = build_uscc("MA4L0001", division="431302")  # 91431302MA4L000117
MOVED_IN = build_uscc("MA4L0002", division="110105")  # a Beijing code, registered in Loudi now
REP = make_id_number("431302", date(1980, 5, 17), 123)
NEXT_YEAR = str(date.today().year + 1)


def company(**changes) -> dict:
    return {"uscc": USCC, "name": "娄底市湘中机械有限公司", "legal_rep_id_number": REP, "registered_capital": "500000.00",
            "division": "431302", "registered_at": "2019-03-04", "status": "existing", "action": "register",
            "reason": "", **changes}


def act(action: str, status: str, **changes) -> dict:
    return company(**{"action": action, "status": status, "name": "", "legal_rep_id_number": "", "registered_capital": "",
                      "registered_at": "2023-06-01", "reason": "未按规定报送年度报告", **changes})


def grade(**changes) -> dict:
    return {"uscc": USCC, "year": "2023", "grade": "A", "assessed_at": "2024-04-20", "action": "assess", "reason": "",
            **changes}


def listing(**changes) -> dict:
    return {"list_type": "dishonest-judgment-debtor", "subject": USCC, "subject_kind": "company",
            "case_no": "(2023)湘13执123号", "reason": "有履行能力而拒不履行", "legal_basis": "最高法失信规定第一条第一项",
            "effective_from": "2023-07-01", "effective_until": "", "action": "list", "department": "LD-COURT-INT",
            **changes}


GOOD = [
    ("market", company()),
    ("market", company(uscc=MOVED_IN, division="431381")),  # moved in: keeps its code, division is Lengshuijiang
    ("market", company(action="amend", registered_capital="800000.5", registered_at="2024-01-02")),
    ("market", act("list-abnormal", "existing")),
    ("market", act("suspend-business", "suspended")),
    ("market", act("deregister", "deregistered")),
    ("tax", grade()),
    ("tax", grade(action="correct", grade="B", reason="纳税信用修复")),
    ("tax", grade(year=str(date.today().year))),
    ("court-listings", listing()),
    ("court-listings", listing(subject=REP, subject_kind="person", effective_until="2099-12-31")),
    ("court-listings", listing(action="lift", effective_from="", effective_until="2024-01-05", reason="已履行")),
    ("tax-listings", listing(list_type="major-tax-violation", department="LD-TAX")),
    ("finance-listings", listing(list_type="procurement-dishonesty", department="LD-FIN", effective_until="2026-07-01")),
]

# (department, row, field, words the reason must contain)
MALFORMED = [
    # USCC by GB 32100: check character, organisation-code check, charset, case, width, length
    ("market", company(uscc=USCC[:-1] + "8"), "uscc", "check character"),
    ("market", company(uscc=USCC[:16] + "9" + USCC[17]), "uscc", "organisation-code"),
    ("market", company(uscc=USCC[:8] + "IA4L0001" + USCC[16:]), "uscc", "'I' is forbidden"),
    ("market", company(uscc=USCC[:8] + "OA4L0001" + USCC[16:]), "uscc", "'O' is forbidden"),
    ("market", company(uscc=USCC[:8] + "ZA4L0001" + USCC[16:]), "uscc", "'Z' is forbidden"),
    ("market", company(uscc=USCC[:8] + "SA4L0001" + USCC[16:]), "uscc", "'S' is forbidden"),
    ("market", company(uscc=USCC[:8] + "VA4L0001" + USCC[16:]), "uscc", "'V' is forbidden"),
    ("market", company(uscc=USCC.lower()), "uscc", "character 9 'm' is lowercase"),
    ("market", company(uscc=USCC[:8] + "ＭA4L0001" + USCC[16:]), "uscc", "character 9 'Ｍ' is full-width"),
    ("market", company(uscc=USCC[:17]), "uscc", "got 17"),
    ("market", company(uscc=USCC + "0"), "uscc", "got 19"),
    ("market", company(uscc=""), "uscc", "is empty"),
    # the legal representative's identity number (GB 11643)
    ("market", company(legal_rep_id_number=REP[:-1] + "0"), "legal_rep_id_number", "check character"),
    ("market", company(legal_rep_id_number=make_id_number("431302", date(1980, 5, 1), 5)[:-1] + "x"),
     "legal_rep_id_number", "'x' is lowercase"),
    ("market", company(legal_rep_id_number="４" + REP[1:]), "legal_rep_id_number", "full-width"),
    ("market", company(legal_rep_id_number=REP[:17]), "legal_rep_id_number", "length 17"),
    # division: the registering authority's, one of the city's; not read from the USCC
    ("market", company(division="110105"), "division", "not one of the city's divisions"),
    ("market", company(division="4313"), "division", "not one of the city's divisions"),
    ("market", company(division=""), "division", "is empty"),
    # capital in yuan, two decimals at most
    ("market", company(registered_capital="100.005"), "registered_capital", "more than two decimals"),
    ("market", company(registered_capital="-5"), "registered_capital", "positive"),
    ("market", company(registered_capital="五十万"), "registered_capital", "not an amount"),
    # status agrees with the action; actions and dates
    ("market", company(status="suspended"), "status", "disagrees with register"),
    ("market", act("list-abnormal", "abnormal"), "status", "must be one of"),
    ("market", act("deregister", "existing"), "status", "disagrees with deregister"),
    ("market", act("revoke-license", "deregistered"), "status", "disagrees with revoke-license"),
    ("market", act("move-out", "existing"), "status", "disagrees with move-out"),
    ("market", act("merge", "existing"), "action", "must be one of"),
    ("market", act("revoke-license", "license-revoked", reason=""), "reason", "needs its ground"),
    ("market", act("deregister", "deregistered", name="某公司"), "name", "leaves name empty"),
    ("market", company(registered_at="2019/03/04"), "registered_at", "not an ISO date"),
    ("market", company(registered_at=f"{NEXT_YEAR}-01-01"), "registered_at", "in the future"),
    # tax grades
    ("tax", grade(grade="E"), "grade", "must be one of"),
    ("tax", grade(grade="a"), "grade", "must be one of"),
    ("tax", grade(year=NEXT_YEAR), "year", "in the future"),
    ("tax", grade(year="2013"), "year", "outside"),
    ("tax", grade(year="二〇二三"), "year", "not a whole number"),
    ("tax", grade(action="correct", reason=""), "reason", "is empty"),
    ("tax", grade(action="downgrade"), "action", "must be one of"),
    ("tax", grade(uscc=USCC[:-1] + "0"), "uscc", "check character"),
    # credit listings
    ("court-listings", listing(list_type="major-tax-violation"), "list_type", "kept by a tax-bureau, not a court"),
    ("tax-listings", listing(), "list_type", "kept by a court, not a tax-bureau"),
    ("court-listings", listing(list_type="blacklist"), "list_type", "must be one of"),
    ("court-listings", listing(legal_basis=""), "legal_basis", "is empty"),
    ("court-listings", listing(reason=""), "reason", "is empty"),
    ("court-listings", listing(case_no=""), "case_no", "is empty"),
    ("court-listings", listing(subject_kind="organisation"), "subject_kind", "must be one of"),
    ("court-listings", listing(subject=REP), "subject", "check character"),
    ("court-listings", listing(subject=USCC, subject_kind="person"), "subject", "digits"),
    ("court-listings", listing(subject=USCC.lower()), "subject", "lowercase"),
    ("court-listings", listing(effective_until="2023-06-30"), "effective_until", "before effective_from"),
    ("court-listings", listing(effective_from=f"{NEXT_YEAR}-01-01"), "effective_from", "in the future"),
    ("court-listings", listing(action="lift", effective_from="", effective_until=""), "effective_until", "is empty"),
    ("court-listings", listing(action="lift", effective_from="", effective_until=f"{NEXT_YEAR}-01-01"),
     "effective_until", "in the future"),
    ("court-listings", listing(action="delist"), "action", "must be one of"),
    ("court-listings", listing(department="ld-court-int"), "department", "not a department code"),
]


@pytest.mark.parametrize(("department", "row"), GOOD, ids=[f"{d}-{r.get('action')}-{i}" for i, (d, r) in enumerate(GOOD)])
def test_valid_rows_are_read(department, row):
    parsed = DEPARTMENTS[department].parse(row, LOUDI)
    assert parsed.source_id and parsed.payload


@pytest.mark.parametrize(("department", "row", "field", "words"), MALFORMED,
                         ids=[f"{i:02d}-{d}-{f}" for i, (d, _, f, _) in enumerate(MALFORMED)])
def test_malformed_row_is_rejected_naming_its_field(department, row, field, words):
    with pytest.raises(RowError) as caught:
        DEPARTMENTS[department].parse(row, LOUDI)
    assert (caught.value.field, words in caught.value.reason) == (field, True), caught.value


def test_the_corpus_has_at_least_forty_rows():
    assert len(MALFORMED) >= 40


def test_a_moved_in_company_keeps_its_code_and_takes_the_city_division():
    """Regulations Art. 27: a company that moves keeps its USCC; the division is the registering authority's."""
    parsed = DEPARTMENTS["market"].parse(company(uscc=MOVED_IN, division="431381"), LOUDI)
    assert (parsed.payload["uscc"][2:8], parsed.payload["division"]) == ("110105", "431381")


@pytest.mark.parametrize("department", ["market", "tax", "court-listings", "tax-listings"])
def test_loading_the_malformed_corpus_writes_nothing(tmp_path, department):
    rows = [row for d, row, _, _ in MALFORMED if d == department]
    spec = DEPARTMENTS[department]
    path = tmp_path / f"{department}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(spec.columns) + list(spec.optional_columns))
        writer.writeheader()
        writer.writerows(rows)
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    summary = load_csv(engine, spec, path, LOUDI)
    assert (summary.rows, summary.loaded, summary.rejected) == (len(rows), 0, len(rows))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 0
    report = list(csv.DictReader((tmp_path / f"{department}.rejects.csv").open(encoding="utf-8")))
    assert [r["field"] for r in report] == [f for d, _, f, _ in MALFORMED if d == department]


def test_generated_company_exports_load_and_exactly_the_spoiled_rows_are_rejected(tmp_path):
    from chaincity.company_data import LISTINGS_DEPARTMENT, generate_companies

    files = generate_companies(tmp_path / "data", companies=400, bad_share=0.05, seed=7)
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    exports = [("market", "market", files.market), ("tax", "tax", files.tax)] + [
        ("listings", LISTINGS_DEPARTMENT[code], path) for code, path in files.listings.items()]
    totals = {name: [0, 0] for name in files.rows}
    for name, department, path in exports:
        summary = load_csv(engine, DEPARTMENTS[department], path, LOUDI)
        totals[name][0] += summary.rows
        totals[name][1] += summary.rejected
        assert summary.loaded + summary.rejected == summary.rows
    assert totals == {name: [files.rows[name], files.bad_rows[name]] for name in files.rows}
    assert all(files.bad_rows.values())

"""The company departments' exports read without a chain: market regulation (2022 Regulations on
the Registration of Market Entities), the tax bureau's grades (纳税信用管理办法) and the credit
listings. Their malformed rows are in the corpus of every department (test_bad_input.py)."""

from __future__ import annotations

from datetime import date

import pytest

from chaincity.cli import DEPARTMENTS
from chaincity.db import open_database
from chaincity.formats import build_uscc, make_id_number
from chaincity.load import load_csv
from conftest import LOUDI

USCC = build_uscc("MA4L0001", division="431302")  # 91431302MA4L000117
MOVED_IN = build_uscc("MA4L0002", division="110105")  # a Beijing code, registered in Loudi now
REP = make_id_number("431302", date(1980, 5, 17), 123)


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

@pytest.mark.parametrize(("department", "row"), GOOD, ids=[f"{d}-{r.get('action')}-{i}" for i, (d, r) in enumerate(GOOD)])
def test_valid_rows_are_read(department, row):
    parsed = DEPARTMENTS[department].parse(row, LOUDI)
    assert parsed.source_id and parsed.payload


def test_a_moved_in_company_keeps_its_code_and_takes_the_city_division():
    """Regulations Art. 27: a company that moves keeps its USCC; the division is the registering authority's."""
    parsed = DEPARTMENTS["market"].parse(company(uscc=MOVED_IN, division="431381"), LOUDI)
    assert (parsed.payload["uscc"][2:8], parsed.payload["division"]) == ("110105", "431381")


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

"""Story 5: companies and credit. Market regulation registers two construction firms (2022
Regulations on the Registration of Market Entities); the tax bureau grades one D for last year
(tax credit rules) and a court puts it on the list of dishonest judgment debtors (SPC rules on
the list). The finance bureau's bidding check (Government Procurement Law Art. 22) refuses that
company with both reasons and admits the other. Credit repair follows: the court repairs its
listing once the judgment is performed (信用修复) and the tax bureau corrects the grade
(纳税信用修复); the company may bid again, and its credit picture, read from the chain alone, keeps
the whole history."""

from __future__ import annotations

from datetime import date, timedelta

from chaincity.demo.city import DemoCity, department
from chaincity.demo.evidence import StoryResult
from chaincity.departments import listings, market, tax
from chaincity.formats import build_uscc, make_id_number

MARKET, TAX, COURT, FINANCE, CREDIT = "LD-AMR", "LD-TAX", "LD-COURT-INT", "LD-FIN", "LD-CREDIT"
# Organisation-code bodies no generated company has (datagen numbers its bodies from 0).
FIRMS = {"娄底市湘中建设工程有限公司": "MA9XT001", "娄底市资江路桥工程有限公司": "MA9XT002"}
CASE = "(2026)湘13执恢88号"


def _sync(city: DemoCity, code: str, oracle: str, name: str, columns: tuple[str, ...], rows: list[dict]) -> list:
    """The department's clerk exports the rows; `db load` and `oracle sync` them; their records."""
    path = city.export(name, columns, [{c: row.get(c, "") for c in columns} for row in rows])
    dept = department(code)
    city.command("db", "load", oracle, path, department=dept)
    city.command("oracle", "sync", oracle, department=dept)
    return [r for r in city.records(dept, status=None) if r.source_file.endswith(name)]


def _tx(result: StoryResult, what: str, records: list) -> None:
    for record in {r.tx_hash: r for r in records if r.tx_hash}.values():
        result.tx(what, {"tx_hash": record.tx_hash, "block_number": record.block_number})


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    today = date.today()
    listed, clean = (build_uscc(body, division="431302") for body in FIRMS.values())
    registered = _sync(city, MARKET, "market", "companies.csv", market.SPEC.columns + market.SPEC.optional_columns, [
        {"uscc": uscc, "name": name, "legal_rep_id_number": make_id_number("431302", date(1975, 4, 2), 610 + n),
         "registered_capital": "50000000.00", "division": "431302", "registered_at": "2012-03-15",
         "status": "existing", "action": "register"} for n, (uscc, name) in enumerate(zip((listed, clean), FIRMS))])
    _tx(result, f"registerBatch ({MARKET})", registered)
    result.fact(f"{MARKET} registers two firms", "; ".join(f"{name} {r.payload['uscc']}: {r.status}"
                                                         for name, r in zip(FIRMS, registered)),
                listed_company=listed, clean_company=clean, registered=[r.status for r in registered])

    year = str(today.year - 1)
    graded = _sync(city, TAX, "tax", "grades.csv", tax.SPEC.columns + tax.SPEC.optional_columns, [
        {"uscc": listed, "year": year, "grade": "D", "assessed_at": today.isoformat(), "action": "assess"},
        {"uscc": clean, "year": year, "grade": "B", "assessed_at": today.isoformat(), "action": "assess"}])
    _tx(result, f"setTaxGradeBatch ({TAX})", graded)
    result.fact(f"{TAX} grades {year}", f"{listed}: D; {clean}: B ({', '.join(r.status for r in graded)})",
                grades=[r.status for r in graded])

    listing = {"list_type": "dishonest-judgment-debtor", "subject": listed, "subject_kind": "company", "case_no": CASE,
               "reason": "有履行能力而拒不履行生效法律文书确定义务", "legal_basis": "最高人民法院关于公布失信被执行人名单信息的若干规定 第一条",
               "effective_from": (today - timedelta(days=60)).isoformat(), "action": "list", "department": COURT}
    court_listed = _sync(city, COURT, "court-listings", "listing.csv", listings.COLUMNS, [listing])
    _tx(result, f"listBatch ({COURT})", court_listed)
    result.fact(f"{COURT} lists {listed}", f"dishonest judgment debtor, case {CASE}: {court_listed[0].status} in block "
                f"{court_listed[0].block_number}", listing_status=court_listed[0].status)

    before = city.command("query", "bidding", listed, clean, department=department(FINANCE))
    bars = {row["uscc"]: row["bars"] for row in before}
    result.fact(f"{FINANCE}'s bidding check", f"{listed}: barred ({', '.join(bars[listed])}); {clean}: "
                + ("eligible" if not bars[clean] else f"barred ({', '.join(bars[clean])})"),
                bars_before=bars)

    ended = (today - timedelta(days=1)).isoformat()  # its last day live: yesterday, so not live today
    repaired = _sync(city, COURT, "court-listings", "repair.csv", listings.COLUMNS, [
        {**listing, "action": "repair", "reason": "已全部履行", "legal_basis": "", "effective_from": "",
         "effective_until": ended}])
    corrected = _sync(city, TAX, "tax", "correction.csv", tax.SPEC.columns + tax.SPEC.optional_columns, [
        {"uscc": listed, "year": year, "grade": "C", "assessed_at": today.isoformat(), "action": "correct",
         "reason": "纳税信用修复: 已补缴税款和滞纳金"}])
    _tx(result, f"repair ({COURT})", repaired)
    _tx(result, f"correctTaxGrade ({TAX})", corrected)
    result.fact("credit repair", f"{COURT} repairs its listing (last day {ended}): {repaired[0].status}; {TAX} corrects "
                f"{year} to C: {corrected[0].status}", repair_status=repaired[0].status,
                correction_status=corrected[0].status)

    after = city.command("query", "bidding", listed, department=department(FINANCE))[0]
    result.fact(f"{FINANCE}'s bidding check again", f"{listed}: " + ("eligible" if after["eligible"]
                else f"barred ({', '.join(after['bars'])})"), bars_after=after["bars"])

    picture = city.command("query", "company", listed, department=department(CREDIT))
    grades = "; ".join(f"{y}: " + " → ".join(f"{g['grade']}{' (corrected)' if g['corrected'] else ''}" for g in h)
                       for y, h in picture["tax_grades"].items())
    held = "; ".join(f"{x['list_type']} by {x['department']} from {x['from']}, {x['ended'] or 'live'}"
                     + (f" on {x['ended_on']}" if x["ended_on"] else "") for x in picture["listings"])
    result.fact(f"{CREDIT}: the credit picture of {listed}",
                f"{picture['status']} since {picture['established']}, division {picture['division']}; tax {grades}; "
                f"listings: {held}; bidding: {', '.join(picture['bidding_bars']) or 'eligible'}", picture=picture)
    return result

"""The company departments end to end through the CLI: market regulation (2022 Regulations on
the Registration of Market Entities), the tax bureau (grades and 纳税信用修复), the listing
departments, and finance's bidding check (Government Procurement Law Art. 22) compared, for
every generated company, with an independent plain-Python answer over the same exports."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from bidding_model import bars as model_bars
from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.cli import EXIT_OK, EXIT_REJECTED, main
from chaincity.company_data import COURTS, FINANCE, LISTINGS_DEPARTMENT, MARKET, TAX, generate_companies
from conftest import PEPPER, make_city, onboard

# The company departments' signers (accounts 3-6 are the property departments of make_city).
COMPANY_DEPARTMENTS = {MARKET: (DepartmentKind.MARKET_REGULATION, 7), TAX: (DepartmentKind.TAX_BUREAU, 8),
                       FINANCE: (DepartmentKind.FINANCE, 9), COURTS[1]: (DepartmentKind.COURT, 10)}
ACCOUNTS = {**{code: account for code, (_, account) in COMPANY_DEPARTMENTS.items()}, COURTS[0]: 6}


def company_city(w3, tmp_path) -> dict:
    city = make_city(w3, tmp_path)
    for code, (kind, account) in COMPANY_DEPARTMENTS.items():
        onboard(w3, city["config"].deployments_dir, code, kind, [devnet_account(account).address])
    return city


def china_today():
    return datetime.now(timezone(timedelta(hours=8))).date()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    def bind(net, city):
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("CITY_COUNTIES", raising=False)
        monkeypatch.setenv("CHAINCITY_RPC_URL", net.rpc_url)
        monkeypatch.setenv("CHAINCITY_DEPLOYMENTS_DIR", str(city["config"].deployments_dir))
        monkeypatch.setenv("CHAINCITY_PEPPER", PEPPER.hex())
        runner = CliRunner()

        def run(*args, code=None):
            env = {} if code is None else {"CHAINCITY_DEPARTMENT": code, "CHAINCITY_DEVNET_ACCOUNT": str(ACCOUNTS[code]),
                                           "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / (code + '.db')}"}
            result = runner.invoke(main, [str(a) for a in args], env=env)
            return result.exit_code, result.output
        return run
    return bind


def load_and_sync(run, department: str, code: str, path) -> list[dict]:
    loaded = run("db", "load", department, path, "--json", code=code)
    assert loaded[0] == EXIT_OK, loaded[1]
    exit_code, output = run("oracle", "sync", department, "--json", code=code)
    summaries = json.loads(output)
    assert exit_code == EXIT_OK and all(s["rejected"] == s["pending"] == 0 for s in summaries), output
    assert sum(s["confirmed"] for s in summaries) == json.loads(loaded[1])["loaded"]
    return summaries


def sync_every_export(run, files) -> None:
    load_and_sync(run, "market", MARKET, files.market)
    load_and_sync(run, "tax", TAX, files.tax)
    for code, path in files.listings.items():
        load_and_sync(run, LISTINGS_DEPARTMENT[code], code, path)


def test_every_company_department_syncs_and_bidding_agrees_with_the_exports(anvil, anvil_net, cli, tmp_path):
    """Each export through `chaincity db load` and `oracle sync`; then `query bidding --file`
    answers every company exactly as the independent computation over the exports does."""
    city = company_city(anvil, tmp_path)
    run = cli(anvil_net, city)
    files = generate_companies(tmp_path / "data", companies=250, bad_share=0, seed=13)
    sync_every_export(run, files)
    expected = model_bars(files.market, files.tax, list(files.listings.values()), today=china_today())
    (tmp_path / "bidders.txt").write_text("uscc\n" + "\n".join(expected) + "\n", encoding="utf-8")
    exit_code, output = run("query", "bidding", "--file", tmp_path / "bidders.txt", "--json")
    answers = {a["uscc"]: set(a["bars"]) for a in json.loads(output)}
    assert answers == expected
    assert exit_code == EXIT_REJECTED  # some are barred
    reasons = set().union(*expected.values())
    assert reasons >= {"not-existing", "dishonest-judgment-debtor", "tax-grade-d", "abnormal-three-years"}, reasons
    assert any(not bars for bars in expected.values())

    # The credit picture of a barred company, from the chain alone.
    barred = next(code for code, bars in expected.items() if "dishonest-judgment-debtor" in bars)
    picture = json.loads(run("query", "company", barred, "--json")[1])
    assert picture["history"][0]["act"] == "registered" and picture["history"][0]["department"] == MARKET
    assert any(l["live"] and l["list_type"] == "dishonest-judgment-debtor" and l["department"] in COURTS
               for l in picture["listings"])
    assert set(picture["bidding_bars"]) == expected[barred]
    words = run("query", "company", barred)[1]
    assert "LIVE dishonest-judgment-debtor" in words and "bidding: barred" in words


def test_a_company_flow_on_ganache(ganache, ganache_net, cli, tmp_path, monkeypatch):
    """Ganache runs each transaction at send time: registrations, acts, grades, a listing and a
    lift, the credit picture and the bidding answer as on Anvil."""
    city = company_city(ganache, tmp_path)
    run = cli(ganache_net, city)
    monkeypatch.setenv("CHAINCITY_BATCH_SIZE", "20")  # Ganache estimates a batch slowly: smaller ones stay under its timeouts
    files = generate_companies(tmp_path / "data", companies=25, bad_share=0, seed=32)  # a seed with listings and a lift
    assert any("lift" in path.read_text(encoding="utf-8") for path in files.listings.values())
    sync_every_export(run, files)
    expected = model_bars(files.market, files.tax, list(files.listings.values()), today=china_today())
    exit_code, output = run("query", "bidding", *expected, "--json")
    assert {a["uscc"]: set(a["bars"]) for a in json.loads(output)} == expected
    assert run("query", "bidding", "91431302MA4L000118")[0] == 2  # not a valid code: usage


def write_rows(path, department: str, rows: list[dict]):
    import csv

    from chaincity.cli import DEPARTMENTS

    spec = DEPARTMENTS[department]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(spec.columns) + list(spec.optional_columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_registries_refusals_are_rejects_naming_the_record_and_nothing_else_moves(anvil, anvil_net, cli, tmp_path):
    """Deregistration refused under a live dishonest-judgment-debtor listing (SPC provisions;
    Regulations Art. 31); another court's case lifted by no one but its maker; a lift of an
    unknown case; a second grade for a graded year (correct it instead); rows of another
    department refused by the oracle; a resync writes nothing."""
    from chaincity.cli import DEPARTMENTS
    from chaincity.db import ChainEvent, open_database
    from chaincity.oracle.run import follow_department
    from conftest import Oracles
    from test_company_rows import company, grade, listing

    city = company_city(anvil, tmp_path)
    run = cli(anvil_net, city)
    first, second = (company()["uscc"], "91431321MA0000015P")
    market = write_rows(tmp_path / "market.csv", "market", [
        company(), company(uscc=second, division="431321"),
        {**company(), "action": "deregister", "status": "deregistered", "name": "", "legal_rep_id_number": "",
         "registered_capital": "", "division": "", "registered_at": "2024-06-01", "reason": "申请注销"}])
    court = write_rows(tmp_path / "court.csv", "court-listings", [
        listing(), listing(subject=second, case_no="(2023)湘13执7号"),
        listing(department=COURTS[1], case_no="(2023)湘13执8号"),  # another court's row: not this oracle's
        listing(action="lift", case_no="(2022)湘13执1号", effective_from="", effective_until="2024-01-05",
                reason="已履行")])  # a case never listed
    other_court = write_rows(tmp_path / "lx.csv", "court-listings", [
        listing(department=COURTS[1], action="lift", effective_from="", effective_until="2024-01-05", reason="已履行")])
    taxes = write_rows(tmp_path / "tax.csv", "tax", [grade(), grade(uscc=second, grade="D")])
    later = write_rows(tmp_path / "tax2.csv", "tax", [
        grade(grade="C"), grade(uscc=second, grade="B", action="correct", reason="纳税信用修复", assessed_at="2024-09-01")])

    assert run("db", "load", "court-listings", court, code=COURTS[0])[0] == EXIT_OK
    exit_code, output = run("oracle", "sync", "court-listings", code=COURTS[0])
    assert exit_code == EXIT_REJECTED
    assert "department: LD-COURT-LX is not this oracle's department LD-COURT-INT" in output
    assert "CreditListsNotListed(" in output
    run("db", "load", "market", market, code=MARKET)
    exit_code, output = run("oracle", "sync", "market", code=MARKET)
    assert exit_code == EXIT_REJECTED and "CompanyRegistryCourtListingLive(" in output, output
    run("db", "load", "court-listings", other_court, code=COURTS[1])
    exit_code, output = run("oracle", "sync", "court-listings", code=COURTS[1])
    assert exit_code == EXIT_REJECTED and "CreditListsNotListingMaker(" in output, output
    run("db", "load", "tax", taxes, code=TAX)
    exit_code, output = run("db", "load", "tax", later, code=TAX)  # another grade for 2023: caught on load
    assert exit_code == EXIT_REJECTED and "conflicts with the record" in output, output
    assert run("oracle", "sync", "tax", code=TAX)[0] == EXIT_OK
    # The same row in a rebuilt database (say, another office's) meets the registry's refusal.
    rebuilt = {"CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'tax-rebuilt.db'}"}
    runner = CliRunner()
    env = {"CHAINCITY_DEPARTMENT": TAX, "CHAINCITY_DEVNET_ACCOUNT": str(ACCOUNTS[TAX]), **rebuilt}
    assert runner.invoke(main, ["db", "load", "tax", str(write_rows(tmp_path / "t3.csv", "tax", [grade(grade="C")]))],
                         env=env).exit_code == EXIT_OK
    refused = runner.invoke(main, ["oracle", "sync", "tax"], env=env)
    assert refused.exit_code == EXIT_REJECTED and "CompanyRegistryTaxGradeConflict(" in refused.output, refused.output

    # Nothing moved but what was accepted; the picture and the answers say so.
    one = json.loads(run("query", "company", first, "--json")[1])
    assert (one["status"], one["tax_grades"]["2023"][-1]["grade"]) == ("existing", "A")
    assert [(l["department"], l["live"]) for l in one["listings"]] == [(COURTS[0], True)]
    two = json.loads(run("query", "company", second, "--json")[1])
    assert [(h["grade"], h["corrected"]) for h in two["tax_grades"]["2023"]] == [("D", False), ("B", True)]
    answers = {a["uscc"]: a["bars"] for a in json.loads(run("query", "bidding", first, second, "--json")[1])}
    assert answers == {first: ["dishonest-judgment-debtor"], second: ["dishonest-judgment-debtor"]}
    # A resync sends nothing and changes no count.
    exit_code, output = run("oracle", "sync", "market", "--json", code=MARKET)
    assert [(s["confirmed"], s["rejected"], s["written_now"]) for s in json.loads(output)] == [(2, 0, 0), (0, 1, 0)]
    # `--follow` keeps the events addressed to each department (its id indexed second).
    for department, code, expected in (("market", MARKET, ["CompanyRegistered"] * 2),
                                       ("tax", TAX, ["TaxGradeAssessed"] * 2 + ["TaxGradeCorrected"])):
        config = Oracles(anvil, city, tmp_path).config(code)
        engine = open_database(f"sqlite:///{tmp_path / (code + '.db')}")
        follow_department(anvil, engine, DEPARTMENTS[department], config, devnet_account(ACCOUNTS[code]), rounds=1)
        with Session(engine) as session:
            assert list(session.scalars(select(ChainEvent.event).order_by(ChainEvent.id))) == expected


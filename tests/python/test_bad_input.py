"""Bad input across every department (issue 17): each malformed row of the corpus
(tests/python/bad_rows.py) loaded through `chaincity db load` is rejected naming its row, its
record and its field with the reason, and nothing of it is written — not to the department's
database, not to the chain after `chaincity oracle sync`; garbage files are refused whole with
exit code 2 and one line, and the encodings and line ends real exports come in are read as the
same records; a certificate number printed with full-width parentheses is the same certificate
wherever a certificate number is given."""

from __future__ import annotations

import codecs
import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bad_rows import CORPUS, corpus_rows, write_export
from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.cli import DEPARTMENTS, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from chaincity.db import Reject, SourceRecord, open_database
from chaincity.departments import vouchers
from chaincity.departments.real_estate.serves import title_owners
from chaincity.formats import certificate_number
from chaincity.hashing import Hasher
from chaincity.load import load_csv
from conftest import LOUDI, PEPPER, make_city, onboard

# Who writes each department's export in the shared city (accounts 3-6 are make_city's).
WRITERS = {"real-estate": ("LD-REC", 3), "bank": ("LD-BANK-ICBC", 4), "court": ("LD-COURT-INT", 6),
           "court-listings": ("LD-COURT-INT", 6), "voucher": ("LD-COURT-INT", 6), "market": ("LD-AMR", 7),
           "market-listings": ("LD-AMR", 7), "tax": ("LD-TAX", 8), "tax-listings": ("LD-TAX", 8),
           "finance-listings": ("LD-FIN", 9)}
MORE_DEPARTMENTS = {"LD-AMR": (DepartmentKind.MARKET_REGULATION, 7), "LD-TAX": (DepartmentKind.TAX_BUREAU, 8),
                    "LD-FIN": (DepartmentKind.FINANCE, 9)}


def load(tmp_path, department: str, export, db_url: str):
    result = CliRunner().invoke(main, ["db", "load", department, str(export), "--db", db_url, "--json"],
                                env={"CITY_COUNTIES": ""})
    return result.exit_code, result.output


def test_every_department_has_a_corpus_and_there_are_at_least_a_hundred_bad_rows():
    assert sorted(p.stem for p in CORPUS.glob("*.csv")) == sorted(DEPARTMENTS)
    bad = {d: sum(1 for r in corpus_rows(d) if r.field) for d in DEPARTMENTS}
    assert all(bad.values()) and sum(bad.values()) >= 100, bad


@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_each_bad_row_is_rejected_naming_its_record_and_field_and_nothing_is_written(tmp_path, department):
    rows = corpus_rows(department)
    export = write_export(department, tmp_path / f"{department}.csv")
    db_url = f"sqlite:///{tmp_path / 'department.db'}"
    exit_code, output = load(tmp_path, department, export, db_url)
    summary = json.loads(output)
    valid = [r for r in rows if not r.field]
    assert (exit_code, summary["rows"], summary["loaded"], summary["rejected"]) == (
        EXIT_REJECTED, len(rows), len(valid), len(rows) - len(valid)), output
    report = list(csv.DictReader(open(summary["rejects_report"], encoding="utf-8")))
    expected = [r for r in rows if r.field]
    for row, reject in zip(expected, report, strict=True):
        assert (int(reject["row_number"]), reject["field"]) == (row.row_number, row.field), (row, reject)
        assert row.reason in reject["reason"], (row, reject)
        # The record is named as printed (its number) or by its key; a row with neither readable
        # (its number empty, cut, in a wrong encoding) is named by its row alone.
        named = [row.values.get(c, "").strip() for c in DEPARTMENTS[department].record_columns]
        if reject["field"] == "(record)" or (all(named) and all(len(n) < 60 and "{" not in n for n in named)):
            assert reject["source_id"], reject
    # The report is safe to open in a spreadsheet: no cell runs as a formula (=cmd|…).
    assert not [cell for r in report for cell in r.values() if cell.startswith(("=", "+", "-", "@"))]
    engine = open_database(db_url)
    with Session(engine) as session:
        loaded = session.scalars(select(SourceRecord.row_number).order_by(SourceRecord.row_number)).all()
        assert loaded == [r.row_number for r in valid]  # only the valid originals of the duplicates
        assert session.scalar(select(func.count()).select_from(Reject)) == len(expected)


@pytest.fixture(scope="module")
def shared_city(anvil, anvil_net, tmp_path_factory):
    """One city on the private Anvil for every department's "nothing on chain" check."""
    tmp_path = tmp_path_factory.mktemp("bad-input-city")
    city = make_city(anvil, tmp_path)
    for code, (kind, account) in MORE_DEPARTMENTS.items():
        onboard(anvil, city["config"].deployments_dir, code, kind, [devnet_account(account).address])
    return anvil, anvil_net, city, tmp_path


def test_no_bad_row_reaches_the_chain_after_a_sync(shared_city):
    """Every department loads its bad rows (not the duplicates, whose originals are valid) and
    syncs: no transaction is sent, no block is mined, no record is pending."""
    w3, net, city, tmp_path = shared_city
    block = w3.eth.block_number
    runner = CliRunner()
    for department in sorted(DEPARTMENTS):
        code, account = WRITERS[department]
        bad = [r for r in corpus_rows(department) if r.field and r.field != "(record)"]
        export = write_export(department, tmp_path / f"{department}.csv", bad)
        env = {"CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
               "CHAINCITY_PEPPER": PEPPER.hex(), "CHAINCITY_DEPARTMENT": code, "CHAINCITY_DEVNET_ACCOUNT": str(account),
               "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / (department + '.db')}", "CITY_COUNTIES": ""}
        nonce = w3.eth.get_transaction_count(devnet_account(account).address)
        loaded = runner.invoke(main, ["db", "load", department, str(export), "--json"], env=env)
        assert loaded.exit_code == EXIT_REJECTED, (department, loaded.output, loaded.exception)
        assert json.loads(loaded.output)["loaded"] == 0, loaded.output
        synced = runner.invoke(main, ["oracle", "sync", department, "--json"], env=env)
        assert synced.exit_code == EXIT_OK, synced.output
        summaries = json.loads(synced.output)
        assert summaries and all(s["total"] == s["confirmed"] == s["pending"] == s["transactions"] == 0 for s in summaries), summaries
        assert w3.eth.get_transaction_count(devnet_account(account).address) == nonce, department
    assert w3.eth.block_number == block


# --- Garbage files: refused as a whole (exit 2, one line), or read as the export they are ---

ID_A, ID_B = "431302198005171236", "431381197501020884"
USCC = "91431302MA4L000117"


def listing(list_type: str, department: str) -> list[dict]:
    return [{"list_type": list_type, "subject": USCC, "subject_kind": "company", "case_no": "（2023）湘13执123号",
             "reason": "有履行能力而拒不履行", "legal_basis": "最高法失信规定第一条第一项", "effective_from": "2023-07-01",
             "effective_until": "", "action": "list", "department": department},
            {"list_type": list_type, "subject": ID_A, "subject_kind": "person", "case_no": "(2023)湘13执124号",
             "reason": "违反限制消费令", "legal_basis": "第一条第二项", "effective_from": "2023-08-01",
             "effective_until": "2099-12-31", "action": "list", "department": department}]


# Two valid rows of each department's export, with Chinese text (certificates and case numbers
# as printed, with full-width parentheses), as a real export carries it.
VALID = {
    "real-estate": [
        {"unit_code": "431302001002GB00017F00030102", "owner_id_numbers": f"{ID_A};{ID_B}", "shares": "5000;5000",
         "right_type": "house_ownership", "certificate_no": "湘（2019）娄底市不动产权第0001234号", "registered_at": "2019-03-01"},
        {"unit_code": "431321004005GB00006F00070008", "owner_id_numbers": ID_B, "shares": "10000",
         "right_type": "homestead_use", "certificate_no": "湘(2020)双峰县不动产权第0000007号", "registered_at": "2020-05-11"}],
    "bank": [
        {"unit_code": "431302001002GB00017F00030102", "bank": "LD-BANK-ICBC", "contract_no": "娄工银抵字（2019）第001号",
         "amount": "500000.00", "term_months": "240", "registered_at": "2019-05-01"},
        {"unit_code": "431302001002GB00017F00030102", "bank": "LD-BANK-ICBC", "contract_no": "娄工银抵字（2019）第001号",
         "amount": "", "term_months": "", "registered_at": "2021-05-01", "action": "release"}],
    "court": [
        {"unit_code": "431321004005GB00006F00070008", "court": "LD-COURT-INT", "order_no": "（2019）湘13执12号",
         "action": "seize", "term_months": "36", "issued_at": "2019-06-01"},
        {"unit_code": "431321004005GB00006F00070008", "court": "LD-COURT-INT", "order_no": "（2019）湘13执12号",
         "action": "lift", "term_months": "", "issued_at": "2020-06-01"}],
    "market": [
        {"uscc": USCC, "name": "娄底市湘中机械有限公司", "legal_rep_id_number": ID_A, "registered_capital": "500000.00",
         "division": "431302", "registered_at": "2019-03-04", "status": "existing", "action": "register"},
        {"uscc": USCC, "name": "", "legal_rep_id_number": "", "registered_capital": "", "division": "",
         "registered_at": "2023-06-01", "status": "existing", "action": "list-abnormal", "reason": "未按规定报送年度报告"}],
    "tax": [
        {"uscc": USCC, "year": "2022", "grade": "D", "assessed_at": "2023-04-20"},
        {"uscc": USCC, "year": "2022", "grade": "B", "assessed_at": "2023-09-20", "action": "correct", "reason": "纳税信用修复"}],
    "court-listings": listing("dishonest-judgment-debtor", "LD-COURT-INT"),
    "tax-listings": listing("major-tax-violation", "LD-TAX"),
    "market-listings": listing("serious-violation", "LD-AMR"),
    "finance-listings": listing("procurement-dishonesty", "LD-FIN"),
    "voucher": [
        {"voucher_no": "LD-COURT-INT-XZ-00001", "action": "issue", "department": "LD-COURT-INT", "acted_at": "2020-01-21",
         "holder": "LD-REC", "type": "COURT_ASSISTANCE", "subject": "431321004005GB00006F00070008",
         "document": "协助执行通知书 （2019）湘13执12号：请协助查封不动产单元，期限 36 个月。"},
        {"voucher_no": "LD-COURT-INT-XZ-00001", "action": "accept", "department": "LD-REC", "acted_at": "2020-01-22",
         "voucher_id": "0x" + "ab" * 32, "remarks": "已签收"}],
}


def export_text(department: str, newline: str = "\n") -> str:
    spec = DEPARTMENTS[department]
    columns = list(spec.columns) + list(spec.optional_columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator=newline)
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in columns} for row in VALID[department])
    return out.getvalue()


def records(engine) -> list[tuple]:
    with Session(engine) as session:
        return [tuple(r) for r in session.execute(select(SourceRecord.source_id, SourceRecord.kind, SourceRecord.payload)
                                                  .order_by(SourceRecord.row_number))]


# (name, the file's bytes from the department's valid UTF-8 export, words of the one-line error)
REFUSED = [
    ("empty", lambda text: b"", "the file is empty"),
    ("binary", lambda text: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data (a NUL byte"),
    ("random bytes", lambda text: bytes((i * 7919 + 13) % 255 + 1 for i in range(4096)), "missing column(s)"),
    ("xlsx workbook", lambda text: b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml", "Excel .xlsx workbook?"),
    ("UTF-16", lambda text: text.encode("utf-16"), "UTF-16 text"),
    ("wrong header", lambda text: b"id,name,value\n1,2,3\n", "missing column(s)"),
    ("misspelt column", lambda text: text.replace("department", "departmnet", 1).replace("registered_at", "registerd_at", 1)
        .replace("acted_at", "acted_on", 1).replace("assessed_at", "assesed_at", 1).replace("issued_at", "issued_on", 1)
        .encode(), "column(s)"),
    ("extra column", lambda text: text.replace("\n", ",note\n", 1).encode(), "unknown column(s) 'note'"),
    ("quote never closed", lambda text: (text + '"unclosed,field\n').encode(), "a quoted field not closed"),
]


@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_garbage_files_are_refused_whole_with_one_line(tmp_path, department):
    text = export_text(department)
    for name, make, words in REFUSED:
        path = tmp_path / f"{name}.csv"
        path.write_bytes(make(text))
        db_url = f"sqlite:///{tmp_path / (name + '.db')}"
        exit_code, output = load(tmp_path, department, path, db_url)
        assert exit_code == EXIT_USAGE and words in output and output.count("\n") == 1, (name, output)
        # Refused before any database is made; a quote never closed is met reading the rows, and
        # nothing read before it is kept (one transaction).
        assert not (tmp_path / (name + ".db")).exists() or records(open_database(db_url)) == [], name


@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_gbk_bom_and_crlf_exports_read_as_the_same_records(tmp_path, department):
    """Excel saves "CSV" in GBK (GB18030) and "CSV UTF-8" with a BOM, both with CRLF line ends."""
    text = export_text(department)
    (tmp_path / "utf8.csv").write_text(text, encoding="utf-8")
    expected = records(loaded(department, tmp_path / "utf8.csv"))
    assert len(expected) == len(VALID[department])
    variants = {"gbk": text.encode("gbk"), "gb18030": text.encode("gb18030"),
                "bom": codecs.BOM_UTF8 + text.encode("utf-8"), "crlf": export_text(department, "\r\n").encode("utf-8"),
                "gbk-crlf": export_text(department, "\r\n").encode("gbk"), "header only": text.split("\n")[0].encode() + b"\n"}
    for name, content in variants.items():
        (tmp_path / f"{name}.csv").write_bytes(content)
        assert records(loaded(department, tmp_path / f"{name}.csv")) == ([] if name == "header only" else expected), name
    exit_code, output = load(tmp_path, department, tmp_path / "gbk-crlf.csv", f"sqlite:///{tmp_path / 'cli.db'}")
    assert (exit_code, json.loads(output)["loaded"], json.loads(output)["encoding"]) == (
        EXIT_OK, len(expected), "gb18030"), output


def loaded(department: str, path):
    """The department database (in memory) after loading ``path`` without a reject."""
    engine = open_database("sqlite://")
    summary = load_csv(engine, DEPARTMENTS[department], path, LOUDI)
    assert summary.rejected == 0, summary.rejects
    return engine


@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_a_last_line_cut_short_is_rejected_and_the_rest_loaded(tmp_path, department):
    """An export cut off in its last line (a copy interrupted): the line may still read (an
    amount of 5000 for 500000), so it is rejected, naming it; the rows before it load."""
    path = tmp_path / "cut.csv"
    path.write_text(export_text(department)[:-4], encoding="utf-8")
    summary = load_csv(open_database("sqlite://"), DEPARTMENTS[department], path, LOUDI)
    assert (summary.loaded, summary.rejected) == (len(VALID[department]) - 1, 1)
    report = list(csv.DictReader(open(summary.rejects_report, encoding="utf-8")))
    assert [(r["row_number"], r["field"]) for r in report] == [(str(len(VALID[department]) + 1), "(row)")]
    assert "ends in this line without a newline" in report[0]["reason"]


# --- Certificate numbers as printed: （2019） is the same certificate as (2019) ---

PRINTED = "湘（2019）娄底市不动产权第0001234号"  # as on the certificate (Regulations on Real Estate Registration)
ASCII = "湘(2019)娄底市不动产权第0001234号"


def test_a_certificate_number_has_one_form_however_printed():
    assert {certificate_number(n) for n in (PRINTED, ASCII, "湘（２０１９）娄底市不动产权第０００１２３４号", f" {ASCII} ")} == {ASCII}
    hasher = Hasher(PEPPER)
    rows = [{**VALID["voucher"][0], "subject": subject} for subject in (PRINTED, ASCII)]
    issues = [vouchers.issue_input(DEPARTMENTS["voucher"].parse(row, LOUDI).payload, hasher) for row in rows]
    assert issues[0] == issues[1]  # a voucher about a certificate: one subject digest


def test_a_certificate_printed_full_width_is_the_same_certificate_in_exports_verify_query_and_gateway(shared_city):
    """The registration centre exports the certificate as printed; a bank verifies it from the
    ASCII number, a court's gateway answer names it in its one form."""
    w3, net, city, tmp_path = shared_city
    env = {"CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
           "CHAINCITY_PEPPER": PEPPER.hex(), "CHAINCITY_DEPARTMENT": "LD-REC", "CHAINCITY_DEVNET_ACCOUNT": "3",
           "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'certificates.db'}", "CITY_COUNTIES": ""}
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, list(args), env=env)
        return result.exit_code, result.output

    printed = tmp_path / "printed.csv"
    printed.write_text(export_text("real-estate"), encoding="utf-8")
    assert run("db", "load", "real-estate", str(printed))[0] == EXIT_OK
    assert run("oracle", "sync", "real-estate")[0] == EXIT_OK
    ascii_export = tmp_path / "ascii.csv"
    ascii_export.write_text(export_text("real-estate").replace(PRINTED, ASCII), encoding="utf-8")
    exit_code, output = run("db", "load", "real-estate", str(ascii_export), "--json")
    assert (exit_code, json.loads(output)["unchanged"], json.loads(output)["loaded"]) == (EXIT_OK, 2, 0)

    unit = VALID["real-estate"][0]["unit_code"]
    answers = [run("verify", "certificate", number, "--unit", unit, "--json")
               for number in (PRINTED, ASCII, "湘（２０１９）娄底市不动产权第０００１２３４号")]
    assert [code for code, _ in answers] == [EXIT_OK] * 3, answers
    digests = {json.loads(output)["certificate"] for _, output in answers}
    assert len(digests) == 1 and {json.loads(output)["state"] for _, output in answers} == {"valid"}
    title = json.loads(run("query", "title", unit, "--json")[1])
    assert digests == {title["certificate"]}
    assert run("verify", "certificate", digests.pop())[0] == EXIT_OK
    other = run("verify", "certificate", "湘（2019）娄底市不动产权第0001235号", "--unit", unit, "--json")
    assert (other[0], json.loads(other[1])["state"]) == (EXIT_REJECTED, "unknown")
    assert run("verify", "certificate", "湘（2019）娄底市第1235号", "--unit", unit)[0] == EXIT_USAGE

    with Session(open_database(env["CHAINCITY_DATABASE_URL"])) as session:  # what the gateway answers a court
        assert title_owners(session, unit)["certificate_no"] == ASCII


@pytest.mark.parametrize("db_url, reason", [
    ("sqlite:///{tmp}/no/such/folder/x.db", "unable to open database file"),
    ("sqlite:///{tmp}/not-a.db", "file is not a database"),
    ("postgresql://clerk:s3cret-pw@127.0.0.1:1/city", "psycopg 3"),
    ("nonsense://x", "nonsense"),
])
def test_a_database_that_cannot_be_opened_is_one_line_and_exit_2(tmp_path, db_url, reason):
    """A wrong path, a file that is not a database, the wrong driver or dialect: one line naming
    the database (without its password) and why, exit 2, no traceback."""
    (tmp_path / "not-a.db").write_text("a spreadsheet saved under the wrong name\n")
    export = write_export("real-estate", tmp_path / "t.csv", corpus_rows("real-estate")[:1])
    exit_code, output = load(tmp_path, "real-estate", export, db_url.format(tmp=tmp_path))
    assert exit_code == EXIT_USAGE, output
    assert output.startswith("error: cannot open the department database") and reason in output, output
    assert "Traceback" not in output and "s3cret-pw" not in output and output.count("\n") == 1

"""The city demo (issue 15) end to end at a small scale on Ganache, the users' devnet: each
story's outcome asserted from the chain and the department databases (not from printed text),
the HTML report holding every story, and Ctrl-C in the middle of the import leaving no devnet
and no oracle running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from chaincity import voucher_data
from chaincity.audit.personal_data import scan_chain
from chaincity.audit.values import Needles, secrets_in
from chaincity.chain.contracts import call_named
from chaincity.chain.enums import CertificateState, TitleStatus, department_id
from chaincity.chain.signer import devnet_account
from chaincity.credit import Credit
from chaincity.db import SourceRecord
from chaincity.demo import report
from chaincity.demo.city import DEPARTMENTS, DemoError, department
from chaincity.demo.runner import running_demo
from chaincity.demo.stories import STORIES
from chaincity.departments.vouchers import voucher_id
from chaincity.devnet import chain_id_at
from conftest import ROOT, free_port

HOUSEHOLDS = 120


def _state(city, digest: str) -> CertificateState:
    return CertificateState(city.registry_call("verifyCertificate", bytes.fromhex(digest[2:]))["state"])


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """One demo folder and port for the module: the full run comes after an interrupted one
    in the same place, as a user who pressed Ctrl-C and runs `make demo` again."""
    return tmp_path_factory.mktemp("demo") / ".demo", free_port()


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches the demo as it does from a terminal, even when the tests run where SIGINT
    is ignored: a background job of a non-interactive shell passes SIG_IGN on to every child,
    and Python then never raises KeyboardInterrupt (seen when `.ci/run` was started with `&`)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_the_middle_of_the_import_leaves_no_devnet_and_no_oracle_running(tmp_path, place):
    root, port = place
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "chaincity.demo", "--households", "400", "--port", str(port),
                                "--dir", str(root), "--report", str(tmp_path / "demo.html")],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_as_from_a_terminal)
    database = root / "db" / "LD-REC.db"
    deadline = time.monotonic() + 240
    try:
        while not _importing(database) and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.3)
        assert _importing(database), "the import never started"
        assert chain_id_at(f"http://127.0.0.1:{port}") == 1337
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "interrupted" in err, err
    assert chain_id_at(f"http://127.0.0.1:{port}") is None
    assert _processes_mentioning(str(root)) == []  # neither the devnet (its state is there) nor a follower
    assert not (tmp_path / "demo.html").exists()


def test_ctrl_c_while_the_gateway_serves_stops_it_with_the_devnet(tmp_path):
    """Story 7's `gateway serve` is the demo's own process: Ctrl-C while it serves stops it too
    (on Anvil, to reach story 7 quickly; the cleanup is the chain's business only in its port)."""
    root, port = tmp_path / ".demo", free_port()
    process = subprocess.Popen([sys.executable, "-m", "chaincity.demo", "--chain", "anvil", "--households", "60",
                                "--port", str(port), "--dir", str(root), "--report", str(tmp_path / "demo.html")],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=_as_from_a_terminal)
    deadline, gateways = time.monotonic() + 180, []
    try:
        while not gateways and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            gateways = [pid for pid in _processes_mentioning("gateway serve real-estate") if _parent(pid) == process.pid]
            time.sleep(0.1)
        assert gateways, "the gateway never started"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "interrupted" in err, err
    assert not Path(f"/proc/{gateways[0]}").exists()  # stopped, not left to run orphaned
    assert chain_id_at(f"http://127.0.0.1:{port}") is None and _processes_mentioning(str(root)) == []
    assert not (tmp_path / "demo.html").exists()


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _importing(database: Path) -> bool:
    """Whether the registration centre's oracle has started writing its titles."""
    if not database.exists():
        return False
    try:
        with Session(create_engine(f"sqlite:///{database}")) as session:
            return bool(session.scalar(select(func.count()).select_from(SourceRecord).where(SourceRecord.status != "pending")))
    except Exception:  # noqa: BLE001 - the table may not exist yet
        return False


def test_run_again_the_demo_plays_every_built_story_and_its_report_shows_them(tmp_path, monkeypatch, place):
    """After the interrupted run (when run with it): a fresh city in the same place."""
    root, port = place
    monkeypatch.chdir(ROOT)  # the build and the devnets' executables, as `make demo` runs it
    printed: list[str] = []
    with running_demo(HOUSEHOLDS, "ganache", port, root, say=printed.append) as run:
        city, results = run.city, {r.number: r for r in run.results}
        assert [r.number for r in run.results] == [s.number for s in STORIES]
        assert [r.number for r in run.results if r.status != "played"] == []

        # Every department registered and active in the directory, by the quorum's proposals.
        directory = city.city["CityDirectory"]
        for dept in DEPARTMENTS:
            assert directory.functions.activeDepartmentOf(
                devnet_account(dept.account).address).call()[0] == department_id(dept.code)

        # 1. Every valid title of the export on chain; each sampled certificate valid and current.
        one = results[1].data
        with Session(city.engine(department("LD-REC"))) as session:
            titles = session.scalars(select(SourceRecord).where(SourceRecord.kind == "title")).all()
        assert one["titles_on_chain"] == one["title_events"] == len(titles) > 200
        assert {t.status for t in titles} == {"confirmed"}
        assert len(one["verified"]) == 5
        for sample in one["verified"]:
            assert _state(city, sample["digest"]) == CertificateState.VALID and sample["current"]

        # 2. The buyer owns the title; the seller's certificate superseded, the buyer's valid.
        two = results[2].data
        assert two["transfer_status"] == "confirmed" and two["buyer_is_owner"]
        assert _state(city, two["old_certificate"]) == CertificateState.SUPERSEDED
        assert _state(city, two["new_certificate"]) == CertificateState.VALID
        assert city.title(two["unit"])["certificate"] == two["new_certificate"]

        # 3. The mortgage on chain with its valid registration certificate, in seconds.
        three = results[3].data
        mortgages = city.title(three["unit"])["mortgages"]
        assert three["citizen_is_owner"] and three["mortgage_status"] == "confirmed"
        assert [m["certificate"] for m in mortgages] == [three["certificate"]] and three["proof_is_contract"]
        assert _state(city, three["certificate"]) == CertificateState.VALID
        assert three["wall_seconds"] < 120

        # 4. The bank's follower saw the seizure; the transfer refused as frozen; the second
        # court's seizure queued, then effective; the sale left the buyer and nothing else.
        four = results[4].data
        assert four["bank_notice"] is not None and four["bank_notice"]["event"] == "TitleSeized"
        assert four["transfer_status"] == "rejected" and "PropertyRegistryTitleFrozen" in four["transfer_reason"]
        assert four["queued_count"] == 1
        assert four["effective_before"] == "0x" + department_id("LD-COURT-INT").hex()
        assert four["effective_after"] == "0x" + department_id("LD-COURT-LX").hex()
        title = city.title(four["unit"])
        assert (four["sale_status"], title["mortgages"], title["seizures"], title["queuedSeizureCount"]) == \
            ("confirmed", [], [], 0)
        assert TitleStatus(title["status"]) == TitleStatus.REGISTERED and four["buyer_is_owner"]

        # 5. The listed firm barred for both reasons, the other eligible; after the repair and
        # the correction the chain bars it for nothing, and keeps the history.
        five = results[5].data
        listed, clean = five["listed_company"], five["clean_company"]
        assert five["bars_before"] == {listed: ["dishonest-judgment-debtor", "tax-grade-d"], clean: []}
        credit = Credit(city.city)
        assert credit.bidding([listed, clean]) == {listed: [], clean: []}
        picture = credit.picture(listed)
        assert picture["status"] == "existing"
        assert [[(g["grade"], g["corrected"]) for g in h] for h in picture["tax_grades"].values()] == [[("D", False), ("C", True)]]
        assert [(x["list_type"], x["department"], x["ended"], x["live"]) for x in picture["listings"]] == [
            ("dishonest-judgment-debtor", "LD-COURT-INT", "repaired", False)]
        with Session(city.engine(department("LD-AMR"))) as session:
            assert {r.status for r in session.scalars(select(SourceRecord).where(
                SourceRecord.source_file.like("%companies.csv")))} == {"confirmed"}

        # 6. The mortgage released; the voucher redeemed by the registration centre; the
        # document file's digest is the voucher, a forged copy's is unknown to the chain.
        six = results[6].data
        assert six["release_status"] == "confirmed" and city.title(six["unit"])["mortgages"] == []
        vouchers = city.city["VoucherRegistry"]
        stored = call_named(vouchers, "verifyVoucher", bytes.fromhex(six["voucher"][2:]))
        assert (stored["state"], stored["holder"], stored["issuer"]) == (
            2, "0x" + department_id("LD-REC").hex(), "0x" + department_id("LD-BANK-CCB").hex())  # Redeemed
        assert six["genuine_digest"] == six["voucher"] and six["centre_saw_incoming"]
        assert call_named(vouchers, "verifyVoucher", bytes.fromhex(six["forged_digest"][2:]))["state"] == 0  # None
        assert [e["action"] for e in six["custody"]] == [0, 1, 2, 5]  # issued, nominated, accepted, redeemed

        # 7. Refused without a grant; with it one read, its receipt on chain and in the centre's
        # database; the owners answered are the title's owners on chain.
        seven = results[7].data
        assert seven["refused_code"] == "no-grant" and not seven["refused_answer"]
        grants = city.city["DataAccessGrants"]
        grant = call_named(grants, "getGrant", bytes.fromhex(seven["grant"][2:]))
        assert (grant["state"], grant["receiptCount"]) == (2, 1)  # Granted
        receipt = call_named(grants, "getReceipt", bytes.fromhex(seven["read_id"][2:]))
        assert receipt["recordedAt"] and receipt["answerDigest"] == seven["receipt"]["answerDigest"]
        assert seven["receipt_status"] == "confirmed" and seven["owners_match_chain"]
        assert seven["owner_count"] == len(city.title(seven["unit"])["owners"]) > 0
        gateway_port = seven["gateway_url"].rsplit(":", 1)[1]
        assert _processes_mentioning(f"gateway serve real-estate --port {gateway_port}")  # the demo's own, till the end
        owners = next(r.payload["owner_id_numbers"] for r in city.records(department("LD-REC"), kind="title")
                      if r.payload["unit_code"] == seven["unit"])

        # The import: each court's assistance notices on chain as vouchers held by the centre.
        notices = [r for d in DEPARTMENTS if d.kind == "court" for r in city.records(d, kind="voucher.issue")]
        assert notices and {r.payload["type"] for r in notices} == {voucher_data.TYPE}
        for record in notices[:3]:
            stored = call_named(vouchers, "verifyVoucher", voucher_id(record.payload, city.hasher))
            assert (stored["state"], stored["holder"]) == (1, "0x" + department_id("LD-REC").hex())  # Active

        # 8. Every department's books balance; the generated bad rows were rejected at load.
        counts = results[8].data["counts"]
        assert set(counts) == {d.code for d in DEPARTMENTS if d.oracle}
        for code, count in counts.items():
            assert count["loaded"] == count["on_chain"] + count["rejected"] + count["pending"], code
            assert count["pending"] == 0, code
        assert sum(c["bad_rows"] for c in counts.values()) > 0

        # No personal data on chain (issue 17): every identity number, name, certificate,
        # contract, order, case and voucher number of every department's records, in any
        # unsalted form, in no transaction input, event or storage slot of the whole run.
        needles = Needles(s for d in DEPARTMENTS if d.oracle for s in secrets_in(city.engine(d)))
        scan = scan_chain(city.w3, needles)
        assert [h.as_dict() for h in scan.hits] == []
        assert scan.values > 500 and scan.transactions > 50 and scan.logs > 300 and scan.slots > 1_000
        assert {"owner_id_numbers", "certificate_no", "contract_no", "order_no", "case_no", "voucher_no",
                "legal_rep_id_number", "name"} <= {s.field for d in DEPARTMENTS if d.oracle for s in secrets_in(city.engine(d))}

        page = tmp_path / "demo.html"
        report.write_html(run, page)
        summary = report.summary_text(run)
    html = page.read_text(encoding="utf-8")
    for story in STORIES:
        assert f'id="story-{story.number}"' in html and escape(story.title) in html
    for result in run.results:
        for tx in result.transactions:
            assert tx.tx_hash in html
    assert html.count("<svg") == 2 and "import: every department loads and syncs its export" in summary
    for number in (5, 6, 7):
        assert all(escape(value) in html for _, value in results[number].facts)
    for id_number in owners:  # the court read them; the demo shows only their count
        assert id_number not in html and id_number not in "\n".join(printed) + summary
    assert chain_id_at(city.devnet.rpc_url) is None  # stopped on leaving
    assert _processes_mentioning(f"gateway serve real-estate --port {gateway_port}") == []


def test_the_demo_never_empties_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    with pytest.raises(DemoError, match="not made by the demo"), \
            running_demo(10, "ganache", free_port(), tmp_path, say=lambda _: None):
        pass
    assert (tmp_path / "thesis.tex").read_text() == "years of work"


def test_the_demo_never_plays_on_nor_stops_a_chain_it_did_not_start(ganache, ganache_net, tmp_path):
    with pytest.raises(DemoError, match="already answers"), \
            running_demo(10, "ganache", ganache_net.port, tmp_path / "demo", say=lambda _: None):
        pass
    assert chain_id_at(ganache_net.rpc_url) == ganache_net.chain_id

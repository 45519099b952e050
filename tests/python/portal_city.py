"""A small city for the portal's tests: three titles (one sold since, so its first certificate
is superseded), two companies (one listed by a court as a dishonest judgment debtor), the
registration centre's certificate files written by `chaincity certificate export`, a
mortgage-release voucher the bank issued and nominated to the centre (`chaincity voucher`), and the
portal started by a bank from the CLI (`chaincity portal --department LD-BANK-ICBC`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

from click.testing import CliRunner

from chaincity.chain.enums import DepartmentKind
from chaincity.chain.signer import devnet_account
from chaincity.formats.uscc import build_uscc
from chaincity.departments.vouchers import type_id
from chaincity.directory import run_proposal
from chaincity.portal.counter import hash_password
from conftest import PEPPER, ROOT, Oracles, administrators, free_port, make_city, onboard
from gateway_city import BANK, COURT, OWNER_1, OWNER_2, REC, titles_csv, unit

MARKET = "LD-AMR"
OWNER_3 = "431302199003070022"  # the buyer of unit(0)
LEGAL_REPS = ("431302197204150011", "431302198111230025")
IDENTITY_NUMBERS = (OWNER_1, OWNER_2, OWNER_3, *LEGAL_REPS)  # no page may show any of them
GOOD, DISHONEST, UNREGISTERED = (build_uscc(f"PT00000{n}") for n in (1, 2, 3))
CERTIFICATE = "湘(2019)娄底市不动产权第{:07d}号"
SOLD = CERTIFICATE.format(1)  # unit(0)'s first certificate, superseded by the sale
SALE = "湘(2024)娄底市不动产权第0000901号"
PASSWORD = "counter-password-2026"


class Ran(NamedTuple):
    returncode: int
    stdout: str
    stderr: str
VOUCHER = "MR-2026-0001"


def run_chaincity(cwd: Path, rpc_url: str, deployments: Path, *args: str, env: dict | None = None) -> Ran:
    """`chaincity ARGS` as a user runs it (click's runner, in this process: a new Python per
    command costs seconds on a loaded machine), on that chain and deployment, with the city pepper."""
    from chaincity.cli import main

    base = {"CHAINCITY_RPC_URL": rpc_url, "CHAINCITY_DEPLOYMENTS_DIR": str(deployments), "CHAINCITY_PEPPER": PEPPER.hex()}
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), env={**base, **(env or {})})
    finally:
        os.chdir(here)
    return Ran(result.exit_code, result.stdout, result.stderr)


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


class PortalCity:
    def __init__(self, w3, net, tmp_path: Path):
        self.w3, self.tmp_path = w3, tmp_path
        self.city = make_city(w3, tmp_path)
        self.deployments = self.city["config"].deployments_dir
        onboard(w3, self.deployments, MARKET, DepartmentKind.MARKET_REGULATION, [devnet_account(7).address])
        self.oracles = Oracles(w3, self.city, tmp_path)
        self.oracles.load("real-estate", titles_csv(tmp_path / "titles.csv", 3), REC)
        self.oracles.load("real-estate", _write(tmp_path / "sale.csv", "unit_code,owner_id_numbers,shares,right_type,"
                                                "certificate_no,registered_at,action",
                                                [f"{unit(0)},{OWNER_3},10000,,{SALE},2024-06-01,transfer"]), REC)
        self.oracles.sync("real-estate", REC)
        self.oracles.load("market", _write(tmp_path / "market.csv", "uscc,name,legal_rep_id_number,registered_capital,"
                                           "division,registered_at,status",
                                           [f"{GOOD},娄底星辰建材有限公司,{LEGAL_REPS[0]},1000000.00,431302,2020-05-01,existing",
                                            f"{DISHONEST},娄底远山贸易有限公司,{LEGAL_REPS[1]},500000.00,431302,2021-03-15,existing"]),
                          MARKET)
        self.oracles.sync("market", MARKET, signer=devnet_account(7))
        self.oracles.load("court-listings", _write(
            tmp_path / "listings.csv", "list_type,subject,subject_kind,case_no,reason,legal_basis,effective_from,"
            "effective_until,action,department",
            [f"dishonest-judgment-debtor,{DISHONEST},company,(2025)湘13执123号,failed to perform a judgment,"
             f"SPC Provisions on the List of Dishonest Judgment Debtors Art. 1,2025-01-06,,list,{COURT}"]), COURT)
        self.oracles.sync("court-listings", COURT)
        self.rpc_url = net.rpc_url
        self.certificates = {number: self.export(number) for number in (SOLD, CERTIFICATE.format(2), SALE)}
        self.voucher = self.issue_voucher()

    def chaincity(self, *args: str, env: dict | None = None) -> Ran:
        return run_chaincity(self.tmp_path, self.rpc_url, self.deployments, *args, env=env)

    def export(self, number: str) -> Path:
        """The registration centre's certificate file, from the CLI."""
        out = self.tmp_path / f"certificate-{number[-9:-1]}.json"
        done = self.chaincity("certificate", "export", number, "--out", str(out),
                              "--db", f"sqlite:///{self.tmp_path / (REC + '.db')}")
        assert done.returncode == 0, done.stderr
        return out

    def issue_voucher(self) -> Path:
        """A mortgage-release voucher the bank issued and nominated to the registration centre,
        from the CLI (the quorum opened the type to banks first): its document file."""
        admins = administrators(self.w3, self.deployments)
        banks, centres = 1 << DepartmentKind.BANK, 1 << DepartmentKind.REAL_ESTATE_REGISTRATION
        run_proposal(admins, *admins[0].call("VoucherRegistry", "setVoucherType", type_id("MORTGAGE_RELEASE"), banks,
                                             banks | centres))
        notice = self.tmp_path / "release-notice.txt"
        notice.write_text(f"Mortgage JD-2019-0000042 on {unit(1)} released in full.", encoding="utf-8")
        as_bank = {"CHAINCITY_DEPARTMENT": BANK, "CHAINCITY_DEVNET_ACCOUNT": "4",
                   "CHAINCITY_DATABASE_URL": f"sqlite:///{self.tmp_path / (BANK + '.db')}"}
        document = self.tmp_path / "voucher.json"
        for args in (("issue", VOUCHER, "--type", "MORTGAGE_RELEASE", "--to", BANK, "--subject", unit(1),
                      "--document", str(notice)), ("nominate", VOUCHER, "--to", REC),
                     ("show", VOUCHER, "--document-out", str(document))):
            done = self.chaincity("voucher", *args, env=as_bank)
            assert done.returncode == 0, done.stderr
        return document

    def certificate(self, number: str) -> dict:
        return json.loads(self.certificates[number].read_text(encoding="utf-8"))

    def start_portal(self) -> str:
        """`chaincity portal --department LD-BANK-ICBC` in its own process, once it answers: its URL."""
        port = free_port()
        env = {"CHAINCITY_DEVNET_ACCOUNT": "4", "CHAINCITY_PORTAL_PASSWORD_HASH": hash_password(PASSWORD),
               "CHAINCITY_DATABASE_URL": f"sqlite:///{self.tmp_path / (BANK + '.db')}", "CHAINCITY_CONFIRMATIONS": "1"}
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CHAINCITY_RPC_URL": self.rpc_url,
               "CHAINCITY_DEPLOYMENTS_DIR": str(self.deployments), "CHAINCITY_PEPPER": PEPPER.hex(), **env}
        self.portal = subprocess.Popen([sys.executable, "-m", "chaincity", "portal", "--department", BANK, "--port", str(port)],
                                       cwd=self.tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.portal.poll() is None, self.portal.stderr.read()
            try:
                urllib.request.urlopen(url + "/verify", timeout=2).close()
                return url
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the portal did not answer within 60 s")

    def stop(self) -> None:
        if getattr(self, "portal", None) is not None:
            self.portal.terminate()
            try:
                self.portal.wait(15)
            except subprocess.TimeoutExpired:
                self.portal.kill()

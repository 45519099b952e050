"""No personal data on chain (issue 17): the auditor's scan (`chaincity audit personal-data`)
finds nothing after a department's real sync, and finds an identity number the moment a
careless write puts it on chain unsalted — in a transaction's input, an event and a storage
slot — so its zero hits after the demo (test_demo.py) mean something. On Anvil, on an Anvil that
keeps no past states (``--prune-history``, the demo's: it traces nothing, the scan reads the
storage at the head) and on Ganache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import hashlib

import pytest
from eth_utils import keccak

from chaincity.audit.values import Needles, Secret, forms, secrets_in
from chaincity.chain.deployment import City
from chaincity.chain.enums import DepartmentKind, reason_code
from chaincity.chain.signer import devnet_account
from chaincity.datagen import generate
from chaincity.directory import run_proposal
from conftest import ROOT, Oracles, administrators, private_devnet

pruned_anvil_net, pruned_anvil = private_devnet("anvil", "pruned_anvil", ("--prune-history",))
# How each devnet shows the scan its storage (Scan.storage names it).
STORAGE_READ = {"anvil": "prestateTracer", "pruned_anvil": "anvil_dumpState", "ganache": "debug_storageRangeAt"}


def audit(w3, *databases, from_block: int = 0) -> tuple[int, dict]:
    """`chaincity audit personal-data` as a city's auditor runs it: exit code and answer."""
    done = subprocess.run([sys.executable, "-m", "chaincity", "audit", "personal-data", "--rpc-url",
                           w3.provider.endpoint_uri, "--from-block", str(from_block), "--json",
                           *(option for db in databases for option in ("--db", db))],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_forms_of_a_certificate_number_cover_its_printed_and_normalised_bytes_and_unsalted_digests():
    printed = "湘（2019）娄底市不动产权第0001234号"
    found = dict((needle, form) for form, needle in forms(printed))
    assert found["湘(2019)娄底市不动产权第0001234号".encode("gb18030")] == "raw gb18030"
    assert found[printed.encode()] == "raw utf-8"
    assert found[printed.encode().hex().encode()] == "hex text utf-8"
    assert found[keccak("湘(2019)娄底市不动产权第0001234号".encode())] == "keccak256 utf-8"
    assert found[hashlib.sha256(printed.encode("gb18030")).digest()] == "sha256 gb18030"


def test_needles_find_an_identity_number_padded_either_side_of_a_word_and_nothing_in_salted_data():
    needles = Needles([Secret("43130219900307241X", "identity number", "owner_id_numbers", "real-estate", "c1")])
    left, right = b"43130219900307241X".rjust(32, b"\0"), b"43130219900307241X".ljust(32, b"\0")
    assert [h.form for h in needles.find(b"\x01" * 7 + left + right, "blob")] == ["raw utf-8", "raw utf-8"]
    assert needles.find(os.urandom(4096), "random") == []


@pytest.mark.parametrize("devnet_city", list(STORAGE_READ), indirect=True)
def test_the_scan_finds_no_identity_number_after_a_sync_and_finds_one_written_unsalted(devnet_city, tmp_path, request):
    """Art. 1034 Civil Code / the house rule: people only as salted hashes. The registration
    centre's titles go on chain and the scan is clean; then an administrator suspends with an
    owner's identity number as the reason (keccak256 of it, unsalted, in the input and the
    event, and the suspension's reason in storage) and registers a department named by it (its
    bytes in the input and the event): the scan names the record, the field and each place —
    the storage slot too on an Anvil that cannot trace past transactions (read at the head)."""
    w3, _, city = devnet_city
    storage_read = STORAGE_READ[request.node.callspec.params["devnet_city"]]
    oracles = Oracles(w3, city, tmp_path)
    files = generate(tmp_path / "data", 6, bad_share=0, seed=7)
    oracles.load("real-estate", files.real_estate, "LD-REC")
    assert {s.confirmed for s in oracles.sync("real-estate", "LD-REC")} != {0}
    database = f"sqlite:///{tmp_path / 'LD-REC.db'}"

    missing = subprocess.run([sys.executable, "-m", "chaincity", "audit", "personal-data", "--rpc-url",
                              w3.provider.endpoint_uri, "--db", f"sqlite:///{tmp_path / 'LD-RC.db'}"],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert missing.returncode == 2 and "no department database at" in missing.stderr  # a typo never passes the audit
    assert not (tmp_path / "LD-RC.db").exists()
    # From the city's deployment, as its auditor scans (a session's devnet holds other tests'
    # blocks before it: Anvil keeps states to trace in memory for its last blocks only).
    deployed = min(entry["block"] for entry in City(w3, city["config"].deployments_dir).record["contracts"].values())
    code, clean = audit(w3, database, from_block=deployed)
    assert (code, clean["hits"]) == (0, [])
    assert clean["values"] >= 12 and clean["transactions"] > 10 and clean["logs"] > 6 and clean["slots"] > 10
    assert storage_read in clean["storage"]

    owner = next(s.value for s in secrets_in(oracles.database("LD-REC")) if s.field == "owner_id_numbers")
    first = w3.eth.block_number + 1
    admins = administrators(w3, city["config"].deployments_dir)
    admins[0].suspend("LD-BANK-CCB", owner)
    assert reason_code(owner) == keccak(text=owner.upper())
    run_proposal(admins, *admins[0].register_call("LD-LEAK", DepartmentKind.BANK, owner, [devnet_account(9).address]))

    code, leaked = audit(w3, database, from_block=first)
    places = {(h["form"], h["where"].split(" ")[0]) for h in leaked["hits"]}
    assert code == 1 and {h["record"] for h in leaked["hits"]} <= {r.source_id for r in _titles_of(oracles, owner)}
    assert storage_read in leaked["storage"]
    assert {("keccak256 utf-8", "input"), ("keccak256 utf-8", "event"), ("keccak256 utf-8", "storage"),
            ("raw utf-8", "input"), ("raw utf-8", "event")} <= places, places
    assert {h["field"] for h in leaked["hits"]} == {"owner_id_numbers"}


def _titles_of(oracles, owner):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from chaincity.db import SourceRecord

    with Session(oracles.database("LD-REC")) as session:
        return [r for r in session.scalars(select(SourceRecord)) if owner in r.payload.get("owner_id_numbers", [])]


def test_a_node_that_refuses_the_scans_debug_calls_is_exit_2_in_one_line_not_a_finding(anvil, tmp_path):
    """A node without the debug methods (Besu without DEBUG in --rpc-http-api): neither tracing
    nor the state dump answers. Exit 1 would read as personal data found: it is exit 2, one line
    naming the call and what the audit needs."""
    from chaincity.load import load_csv
    from chaincity.cli import DEPARTMENTS
    from chaincity.db import open_database
    from conftest import LOUDI, free_port
    from fault_proxy import FaultProxy, Faults

    database = tmp_path / "LD-REC.db"
    load_csv(open_database(f"sqlite:///{database}"), DEPARTMENTS["real-estate"],
             generate(tmp_path / "data", 2, bad_share=0, seed=7).real_estate, LOUDI)
    account = devnet_account(9)
    first = anvil.eth.block_number + 1
    anvil.eth.wait_for_transaction_receipt(anvil.eth.send_transaction(
        {"from": anvil.eth.accounts[0], "to": account.address, "value": 1}))
    refused = Faults({"method_not_found": 1.0}, methods=frozenset({"debug_traceTransaction", "anvil_dumpState"}))
    with FaultProxy(anvil.provider.endpoint_uri, refused, free_port()) as proxy:
        done = subprocess.run([sys.executable, "-m", "chaincity", "audit", "personal-data", "--rpc-url", proxy.url,
                               "--from-block", str(first), "--db", f"sqlite:///{database}"],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                              timeout=120)
    assert done.returncode == 2, done.stderr
    assert "the node refused the scan's call anvil_dumpState: Method not found" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1

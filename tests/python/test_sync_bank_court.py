"""Department oracles on a devnet: the registration centre's title changes, banks' mortgages in
order and releases, courts' seizures, queue and lifts."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

from chaincity.cli import DEPARTMENTS
from chaincity.formats import make_id_number, make_unit_code, unit_key
from chaincity.hashing import Hasher
from conftest import PEPPER, Oracles

OWNER = make_id_number("431302", __import__("datetime").date(1980, 5, 17), 123)
UNITS = [make_unit_code("431302", 9, 9, i, 1, 101) for i in range(1, 4)]


def write(path: Path, department: str, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        spec = DEPARTMENTS[department]
        writer = csv.DictWriter(handle, list(spec.columns) + [c for c in spec.optional_columns if c not in spec.columns])
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(anvil, city, tmp_path, department: str, code: str, path: Path):
    """Load ``path`` into the department's database and sync it; (load summary, sync summaries)."""
    oracles = Oracles(anvil, city, tmp_path)
    return oracles.load(department, path, code), oracles.sync(department, code)


def replay_into_a_rebuilt_database(anvil, city, tmp_path, changes: Path):
    """The registration centre loses its database (the one `run` made) and loads its first
    registrations (`register_titles`) and `changes` again; returns the sync summaries."""
    (tmp_path / "LD-REC.db").unlink()
    oracles = Oracles(anvil, city, tmp_path)
    for path in (tmp_path / "t.csv", changes):
        oracles.load("real-estate", path, "LD-REC")
    return oracles.sync("real-estate", "LD-REC")


def register_titles(anvil, city, tmp_path):
    rows = [{"unit_code": u, "owner_id_numbers": OWNER, "shares": "10000", "right_type": "house_ownership",
             "certificate_no": f"湘(2020)娄底市不动产权第{i:07d}号", "registered_at": "2020-01-01"} for i, u in enumerate(UNITS, 1)]
    _, (summary, _) = run(anvil, city, tmp_path, "real-estate", "LD-REC", write(tmp_path / "t.csv", "real-estate", rows))
    assert summary.confirmed == len(UNITS)


def certificate(number: int) -> str:
    return f"湘(2020)娄底市不动产权第{number:07d}号"


def change(unit, action, number, owners="", shares="", reason=""):
    """A row of the registration centre's later export."""
    return {"unit_code": unit, "owner_id_numbers": owners, "shares": shares, "right_type": "",
            "certificate_no": certificate(number), "registered_at": "2024-05-01", "action": action, "reason": reason}


def test_registration_centre_transfers_reissues_cancels_and_revokes_in_export_order(anvil, city, tmp_path):
    register_titles(anvil, city, tmp_path)  # certificates 1, 2, 3 for UNITS[0..2]
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    buyer = make_id_number("431321", __import__("datetime").date(1990, 2, 3), 7)
    seize = {"unit_code": UNITS[2], "court": "LD-COURT-INT", "order_no": "(2024)湘13执9号", "action": "seize",
             "term_months": "12", "issued_at": "2024-03-01"}
    run(anvil, city, tmp_path, "court", "LD-COURT-INT", write(tmp_path / "c.csv", "court", [seize]))
    old_certificate = registry.functions.titleOf(unit_key(UNITS[0])).call()[6]
    rows = [
        change(UNITS[0], "transfer", 11, f"{OWNER};{buyer}", "5000;5000"),
        change(UNITS[0], "transfer", 12, buyer, "10000"),  # a second transfer: must land after the first
        change(UNITS[0], "reissue", 13),
        change(UNITS[1], "cancel", 2, reason="destroyed"),
        change(UNITS[1], "reissue", 14),  # a cancelled title: refused by the registry
        change(UNITS[2], "transfer", 15, buyer, "10000"),  # under seizure: refused by the registry
        change(UNITS[0], "revoke", 13, reason="fraud"),  # the replacement was obtained by fraud
        change(UNITS[2], "revoke", 99, reason="lost"),  # a certificate the registry never issued
    ]
    path = write(tmp_path / "changes.csv", "real-estate", rows)
    load, (titles, changes) = run(anvil, city, tmp_path, "real-estate", "LD-REC", path)
    assert (load.loaded, titles.total, changes.total, changes.confirmed, changes.rejected) == (8, 3, 8, 5, 3)
    reasons = {r["row_number"]: r["reason"] for r in changes.rejects}
    assert set(reasons) == {6, 7, 9}
    assert [r["field"] for r in changes.rejects if r["row_number"] == 9] == ["certificate_no"]
    assert "issued no certificate 湘(2020)娄底市不动产权第0000099号" in reasons[9]
    assert reasons[6].startswith("PropertyRegistryTitleNotRegistered(unit=")
    assert reasons[7].startswith("PropertyRegistryTitleFrozen(unit=")

    title = registry.functions.titleOf(unit_key(UNITS[0])).call()
    assert [(bytes(h), s) for h, s in title[7]] == [(hasher.person(buyer), 10000)]
    assert bytes(title[5]) == hasher.document(certificate(13))
    revoked = registry.functions.verifyCertificate(title[6]).call()
    assert (revoked[0], bytes(revoked[3])) == (3, bytes(__import__("web3").Web3.keccak(text="FRAUD")))  # Revoked
    assert registry.functions.verifyCertificate(old_certificate).call()[0] == 2  # Superseded by the transfer
    transfers = registry.events.TitleTransferred().get_logs(from_block=0, argument_filters={"unit": unit_key(UNITS[0])})
    assert len(transfers) == 2
    cancelled = registry.events.TitleCancelled().get_logs(from_block=0, argument_filters={"unit": unit_key(UNITS[1])})
    assert [bytes(e["args"]["reasonCode"]) for e in cancelled] == [bytes(__import__("web3").Web3.keccak(text="DESTROYED"))]
    assert registry.functions.titleOf(unit_key(UNITS[1])).call()[1] == 2  # Cancelled
    assert [(bytes(h), s) for h, s in registry.functions.titleOf(unit_key(UNITS[2])).call()[7]] == [(hasher.person(OWNER), 10000)]

    # Loading and syncing the same export again sends nothing and changes nothing.
    signer = city["signers"]["LD-REC"].address
    nonce = anvil.eth.get_transaction_count(signer)
    again, (_, changes_again) = run(anvil, city, tmp_path, "real-estate", "LD-REC", path)
    assert (again.unchanged, changes_again.written_now, changes_again.confirmed) == (8, 0, 5)
    assert anvil.eth.get_transaction_count(signer) == nonce


def test_a_rebuilt_database_replays_its_exports_without_rewriting_history(anvil, city, tmp_path):
    """The registration centre loses its database and loads every export again: the first
    registrations conflict with today's owners and the earlier transfer would undo the later
    one, but the chain's history holds them all, so they are confirmed and nothing changes."""
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    buyer = make_id_number("431321", __import__("datetime").date(1990, 2, 3), 7)
    changes = write(tmp_path / "changes.csv", "real-estate", [
        change(UNITS[0], "transfer", 11, buyer, "10000"), change(UNITS[0], "transfer", 12, OWNER, "10000"),
        change(UNITS[0], "reissue", 13), change(UNITS[1], "cancel", 2, reason="destroyed"),
    ])
    run(anvil, city, tmp_path, "real-estate", "LD-REC", changes)
    before = registry.functions.titleOf(unit_key(UNITS[0])).call()
    block = anvil.eth.block_number

    nonce = anvil.eth.get_transaction_count(city["signers"]["LD-REC"].address)
    titles, replayed = replay_into_a_rebuilt_database(anvil, city, tmp_path, changes)
    assert (titles.confirmed, titles.rejected, replayed.confirmed, replayed.rejected) == (3, 0, 4, 0)
    # Nothing sent, nothing reported as written now: the unchanged title is found on chain.
    assert (titles.transactions, titles.written_now, titles.already_on_chain) == (0, 0, 1)
    assert (replayed.transactions, replayed.written_now) == (0, 0)
    assert anvil.eth.get_transaction_count(city["signers"]["LD-REC"].address) == nonce
    assert anvil.eth.block_number == block  # no transaction at all, so no event and the same state
    assert registry.functions.titleOf(unit_key(UNITS[0])).call() == before


PARTS = [make_unit_code("431302", 9, 9, i, 1, 101) for i in (50, 51)]
MERGED = make_unit_code("431302", 9, 9, 60, 1, 101)


@contextlib.contextmanager
def blocks_every_second(w3):
    """Mine a block a second, as a consortium chain does, instead of one per transaction: a
    change then goes out while the one before it is still unmined."""
    w3.provider.make_request("evm_setAutomine", [False])
    w3.provider.make_request("evm_setIntervalMining", [1])
    try:
        yield
    finally:
        w3.provider.make_request("evm_setIntervalMining", [0])
        w3.provider.make_request("evm_setAutomine", [True])


def test_registration_centre_splits_and_merges_titles_and_replays_them_as_no_ops(anvil, city, tmp_path):
    """A split registers its parts with the parent's owners of the day and right type, each
    under its own certificate; a merge registers the new unit like a first registration. The
    chain mines a block a second, so each change must wait for the unmined one it builds on."""
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    buyer = make_id_number("431321", __import__("datetime").date(1990, 2, 3), 7)
    never_registered = make_unit_code("431302", 9, 9, 70, 1, 101)
    changes = write(tmp_path / "changes.csv", "real-estate", [
        change(UNITS[0], "transfer", 30, buyer, "10000"),  # the parts keep these owners
        {**change(UNITS[0], "split", 0), "certificate_no": f"{certificate(31)};{certificate(32)}",
         "part_unit_codes": ";".join(PARTS)},
        {**change(MERGED, "merge", 33, OWNER, "10000"), "right_type": "house_ownership",
         "source_unit_codes": f"{PARTS[1]};{UNITS[1]}"},
        {**change(never_registered, "split", 0), "certificate_no": f"{certificate(34)};{certificate(35)}",
         "part_unit_codes": f"{make_unit_code('431302', 9, 9, 71, 1, 101)};{make_unit_code('431302', 9, 9, 72, 1, 101)}"},
    ])
    with blocks_every_second(anvil):
        load, (_, synced) = run(anvil, city, tmp_path, "real-estate", "LD-REC", changes)
    assert (load.loaded, synced.confirmed, synced.rejected) == (4, 3, 1)
    assert [(r["row_number"], r["field"]) for r in synced.rejects] == [(5, "unit_code")]
    assert f"{never_registered} is not a registered title" in synced.rejects[0]["reason"]

    def title(unit):
        view = registry.functions.titleOf(unit_key(unit)).call()
        return view[1], view[2], bytes(view[5]), [(bytes(h), share) for h, share in view[7]]

    assert title(UNITS[0])[0] == title(UNITS[1])[0] == title(PARTS[1])[0] == 2  # Cancelled
    assert title(PARTS[0]) == (1, 1, hasher.document(certificate(31)), [(hasher.person(buyer), 10000)])
    assert title(MERGED) == (1, 1, hasher.document(certificate(33)), [(hasher.person(OWNER), 10000)])
    (split,) = registry.events.TitleSplit().get_logs(from_block=0, argument_filters={"unit": unit_key(UNITS[0])})
    assert [bytes(u) for u in split["args"]["parts"]] == [unit_key(u) for u in PARTS]
    (merge,) = registry.events.TitleMerged().get_logs(from_block=0, argument_filters={"unit": unit_key(MERGED)})
    assert [bytes(u) for u in merge["args"]["sources"]] == [unit_key(PARTS[1]), unit_key(UNITS[1])]

    # The database is lost and every export loaded again: the history holds these acts.
    block = anvil.eth.block_number
    _, replayed = replay_into_a_rebuilt_database(anvil, city, tmp_path, changes)
    assert (replayed.confirmed, replayed.rejected, replayed.transactions) == (3, 1, 0)
    assert anvil.eth.block_number == block


def mortgage(unit, bank, contract, action="register"):
    return {"unit_code": unit, "bank": bank, "contract_no": contract, "amount": "500000.00", "term_months": "240",
            "registered_at": "2024-06-01", "action": action}


def test_bank_registers_its_mortgages_in_order_releases_one_and_rejects_another_banks_row(anvil, city, tmp_path):
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    icbc = write(tmp_path / "icbc.csv", "bank", [
        mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1"), mortgage(UNITS[0], "LD-BANK-ICBC", "JD-2"),
        mortgage(UNITS[0], "LD-BANK-ICBC", "JD-3"), mortgage(UNITS[1], "LD-BANK-CCB", "JD-9"),
        mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1", action="release"),
    ])
    load, (registered, _, released) = run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", icbc)
    assert (registered.total, registered.confirmed, registered.rejected) == (4, 3, 1)
    assert registered.rejects[0]["field"] == "bank"
    assert "LD-BANK-CCB is not this oracle's department LD-BANK-ICBC" in registered.rejects[0]["reason"]
    assert (released.total, released.confirmed) == (1, 1)
    mortgages = registry.functions.titleOf(unit_key(UNITS[0])).call()[8]
    assert [bytes(m[1]) for m in mortgages] == [hasher.document("JD-2"), hasher.document("JD-3")]  # JD-1 released, the rest moved up
    assert [m[5] for m in mortgages] == sorted(m[5] for m in mortgages)


def test_refused_mortgages_are_found_chunk_by_chunk_not_by_estimating_the_whole_batch_again(
        anvil, city, tmp_path, monkeypatch):
    """Forty mortgages, every fifth on a unit with no title: each refused one is rejected,
    named, and the rest go in one transaction. Once the batch has one refusal the rest is
    estimated a chunk at a time (REFUSAL_CHUNK, 5 here), so the records estimated stay a few
    times the batch, not once more per refusal (8 refusals: about 8x the batch)."""
    import chaincity.oracle.sync as sync
    from chaincity.chain.sender import TransactionSender

    register_titles(anvil, city, tmp_path)
    monkeypatch.setattr(sync, "REFUSAL_CHUNK", 5)
    estimated = []
    estimate = TransactionSender.estimate_gas
    monkeypatch.setattr(TransactionSender, "estimate_gas",
                        lambda self, to, data: estimated.append(len(data)) or estimate(self, to, data))
    units = [make_unit_code("431302", 9, 9, 20 + n, 1, 101) if n % 5 == 2 else UNITS[n % 3] for n in range(40)]
    rows = [mortgage(unit, "LD-BANK-ICBC", f"JD-{n}") for n, unit in enumerate(units, 1)]
    _, (registered, *_) = run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", write(tmp_path / "m.csv", "bank", rows))
    assert (registered.confirmed, registered.rejected, registered.transactions) == (32, 8, 1)
    assert [r["row_number"] for r in registered.rejects] == [n + 2 for n in range(40) if n % 5 == 2]
    assert sum(estimated) <= 4 * estimated[0], (estimated[0], sum(estimated))


def test_court_seizes_queues_and_lifts(anvil, city, tmp_path):
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    hasher = Hasher(PEPPER)
    rows = [
        {"unit_code": UNITS[2], "court": "LD-COURT-INT", "order_no": "(2024)湘13执1号", "action": "seize", "term_months": "36", "issued_at": "2024-03-01"},
        {"unit_code": UNITS[2], "court": "LD-COURT-INT", "order_no": "(2024)湘13执2号", "action": "seize", "term_months": "12", "issued_at": "2024-03-02"},
        {"unit_code": UNITS[2], "court": "LD-COURT-INT", "order_no": "(2024)湘13执1号", "action": "lift", "term_months": "", "issued_at": "2024-04-01"},
    ]
    _, (seized, renewed, lifted, _, _) = run(anvil, city, tmp_path, "court", "LD-COURT-INT", write(tmp_path / "c.csv", "court", rows))
    assert (seized.confirmed, renewed.total, lifted.confirmed) == (2, 0, 1)
    seizures = registry.functions.titleOf(unit_key(UNITS[2])).call()[9]
    assert [(bytes(s[1]), s[4]) for s in seizures] == [(hasher.document("(2024)湘13执2号"), True)]  # the queued one took effect
    assert not registry.functions.isTransferable(unit_key(UNITS[2])).call()


def test_court_seizes_many_titles_in_one_transaction_and_a_refused_one_is_named(anvil, city, tmp_path):
    """A court's export goes many seizures to a transaction (PropertyRegistry's multicall), each
    its own seizure and event; one refused by the registry (a unit with no title) is rejected,
    naming its row, and the others still go together."""
    register_titles(anvil, city, tmp_path)
    registry = city["contracts"]["PropertyRegistry"]
    no_title = make_unit_code("431302", 9, 9, 8, 1, 101)
    rows = [{"unit_code": unit, "court": "LD-COURT-INT", "order_no": f"(2024)湘13执{n}号", "action": "seize",
             "term_months": "12", "issued_at": "2024-03-01"} for n, unit in enumerate([UNITS[0], no_title, *UNITS[1:]], 1)]
    _, (seized, *_) = run(anvil, city, tmp_path, "court", "LD-COURT-INT", write(tmp_path / "c.csv", "court", rows))
    assert (seized.confirmed, seized.rejected, seized.transactions) == (3, 1, 1)
    assert [r["row_number"] for r in seized.rejects] == [3]  # the file's line 3: the header, then the first seizure
    assert seized.rejects[0]["reason"].startswith("PropertyRegistry")
    events = registry.events.TitleSeized().get_logs(from_block=0)
    assert sorted(bytes(e["args"]["unit"]) for e in events) == sorted(unit_key(u) for u in UNITS)
    assert len({e["transactionHash"] for e in events}) == 1
    assert not any(registry.functions.isTransferable(unit_key(u)).call() for u in UNITS)


def test_query_title_and_verify_certificate_from_the_cli(anvil, anvil_net, city, tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main

    register_titles(anvil, city, tmp_path)
    monkeypatch.setenv("CHAINCITY_DEPLOYMENTS_DIR", str(city["config"].deployments_dir))
    runner = CliRunner()
    result = runner.invoke(main, ["query", "title", UNITS[0], "--rpc-url", anvil_net.rpc_url, "--json"])
    assert result.exit_code == EXIT_OK, result.output
    title = json.loads(result.output)
    assert title["unit"] == UNITS[0] and title["status"] == 1
    assert title["owners"] == [{"holder": "0x" + Hasher(PEPPER).person(OWNER).hex(), "share": 10000}]
    valid = runner.invoke(main, ["verify", "certificate", title["certificate"], "--rpc-url", anvil_net.rpc_url, "--json"])
    assert valid.exit_code == EXIT_OK and json.loads(valid.output)["state"] == "valid"
    assert json.loads(valid.output)["unit"] == UNITS[0]
    unknown = runner.invoke(main, ["verify", "certificate", "0x" + "11" * 32, "--rpc-url", anvil_net.rpc_url, "--json"])
    assert unknown.exit_code == EXIT_REJECTED and json.loads(unknown.output)["state"] == "unknown"
    bad = runner.invoke(main, ["query", "title", "4313", "--rpc-url", anvil_net.rpc_url])
    assert bad.exit_code == EXIT_USAGE and "length 4, expected 28" in bad.output


def test_bank_follows_its_mortgages_transfer_notices_and_seizures_into_its_read_model(anvil, city, tmp_path):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from chaincity.departments.bank import HeldMortgage
    from chaincity.oracle.run import follow_department

    register_titles(anvil, city, tmp_path)
    hasher = Hasher(PEPPER)
    icbc = write(tmp_path / "icbc.csv", "bank", [
        mortgage(UNITS[0], "LD-BANK-ICBC", "JD-1"), mortgage(UNITS[0], "LD-BANK-ICBC", "JD-2"),
        mortgage(UNITS[1], "LD-BANK-ICBC", "JD-3"), mortgage(UNITS[1], "LD-BANK-ICBC", "JD-3", action="release"),
    ])
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("bank", icbc, "LD-BANK-ICBC")
    engine, config = oracles.database("LD-BANK-ICBC"), oracles.config("LD-BANK-ICBC")
    follow_department(anvil, engine, DEPARTMENTS["bank"], config, city["signers"]["LD-BANK-ICBC"], rounds=1)
    # The registration centre transfers the mortgaged unit; a court seizes it.
    registry = city["contracts"]["PropertyRegistry"]

    def send(account, call):
        tx = call.build_transaction({"from": account.address, "nonce": anvil.eth.get_transaction_count(account.address)})
        assert anvil.eth.wait_for_transaction_receipt(anvil.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction))["status"] == 1

    buyer = hasher.person(make_id_number("431321", __import__("datetime").date(1990, 2, 3), 7))
    send(city["signers"]["LD-REC"], registry.functions.transferTitle(unit_key(UNITS[0]), [(buyer, 10000)], b"\x05" * 32))
    send(city["signers"]["LD-COURT-INT"], registry.functions.seize(unit_key(UNITS[0]), b"\x06" * 32, 86_400 * 30))
    follow_department(anvil, engine, DEPARTMENTS["bank"], config, city["signers"]["LD-BANK-ICBC"], rounds=1)
    with Session(engine) as session:
        held = {h.proof: h for h in session.scalars(select(HeldMortgage))}
    doc = {name: "0x" + hasher.document(name).hex() for name in ("JD-1", "JD-2", "JD-3")}
    assert {p: h.status for p, h in held.items()} == {doc["JD-1"]: "registered", doc["JD-2"]: "registered", doc["JD-3"]: "released"}
    assert [n["event"] for n in held[doc["JD-1"]].notices] == ["MortgageeNotified", "TitleSeized"]
    assert held[doc["JD-3"]].notices == []


def test_a_transfer_refused_under_seizure_is_requeued_once_the_seizure_is_lifted(anvil, city, tmp_path):
    from click.testing import CliRunner

    from chaincity.cli import EXIT_OK, EXIT_USAGE, main

    register_titles(anvil, city, tmp_path)
    buyer = make_id_number("431321", __import__("datetime").date(1990, 2, 3), 7)
    order = {"unit_code": UNITS[2], "court": "LD-COURT-INT", "order_no": "(2024)湘13执5号", "term_months": "12"}
    run(anvil, city, tmp_path, "court", "LD-COURT-INT",
        write(tmp_path / "seize.csv", "court", [{**order, "action": "seize", "issued_at": "2024-03-01"}]))
    _, (_, refused) = run(anvil, city, tmp_path, "real-estate", "LD-REC", write(
        tmp_path / "changes.csv", "real-estate", [change(UNITS[2], "transfer", 40, buyer, "10000"),
                                                   change(UNITS[1], "reissue", 41)]))
    assert (refused.confirmed, refused.rejected) == (1, 1)
    assert refused.rejects[0]["reason"].startswith("PropertyRegistryTitleFrozen(")
    run(anvil, city, tmp_path, "court", "LD-COURT-INT", write(
        tmp_path / "lift.csv", "court", [{**order, "action": "lift", "term_months": "", "issued_at": "2024-04-01"}]))

    database = ["--db", f"sqlite:///{tmp_path / 'LD-REC.db'}", "--json"]
    runner = CliRunner()
    assert runner.invoke(main, ["oracle", "requeue", "real-estate", *database]).exit_code == EXIT_USAGE  # which?
    other = runner.invoke(main, ["oracle", "requeue", "real-estate", "--error", "PropertyRegistryTitleNotRegistered", *database])
    assert __import__("json").loads(other.output)["requeued"] == 0
    requeued = runner.invoke(main, ["oracle", "requeue", "real-estate", "--error", "PropertyRegistryTitleFrozen", *database])
    assert requeued.exit_code == EXIT_OK and __import__("json").loads(requeued.output)["requeued"] == 1
    _, again = Oracles(anvil, city, tmp_path).sync("real-estate", "LD-REC")
    assert (again.confirmed, again.rejected, again.written_now) == (2, 0, 1)
    title = city["contracts"]["PropertyRegistry"].functions.titleOf(unit_key(UNITS[2])).call()
    assert [bytes(h) for h, _ in title[7]] == [Hasher(PEPPER).person(buyer)]


def test_a_release_row_needs_no_amount_or_term(anvil, city, tmp_path):
    register_titles(anvil, city, tmp_path)
    rows = [mortgage(UNITS[0], "LD-BANK-ICBC", "JD-7"),
            {**mortgage(UNITS[0], "LD-BANK-ICBC", "JD-7", action="release"), "amount": "", "term_months": ""}]
    load, (registered, _, released) = run(anvil, city, tmp_path, "bank", "LD-BANK-ICBC", write(tmp_path / "b.csv", "bank", rows))
    assert (load.loaded, load.rejected, registered.confirmed, released.confirmed) == (2, 0, 1, 1)

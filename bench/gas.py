"""Figure 1: gas per record of every registry's write, single and batched, against the storage
floor of its layout and against OpenZeppelin's ERC721 ``_safeMint`` of one token (issue 16).

    python -m bench.gas            # batches of 1, 100 and 500 (about a minute on a quiet machine)

A private Anvil (1G-gas blocks, so a batch of 500 titles fits in one transaction), the city
deployed as the Python tests deploy it. Each record is built from an export row by the
department's own parser and turned into its contract element by the department's own chain
mapping (``Batched.element``), and sent by the one sender (``chaincity.chain.sender``): the bytes
on chain are the oracles' bytes. Seizures are sent by the court's oracle itself (its sync engine,
``OneByOne(multicall=True)``: each seizure a ``seize`` call, many in one ``multicall``), so their
calldata is the engine's own.

The floor of a transaction is 21,000 + 22,100 per fresh storage slot it writes + its calldata
(16 gas per non-zero byte, 4 per zero byte) + its logs (375 + 375 per topic + 8 per data byte),
divided over its records. Fresh slots are counted from the transaction's own trace (Anvil's
``prestateTracer`` in diff mode: a slot zero before and non-zero after), so the floor follows the
code. The layouts' slot counts, read from the structs (the trace must agree; the note says when
it does not), are in ``LAYOUTS``.

Batched paths: titles (`registerTitles`), mortgages (`registerMortgages`), companies
(`registerBatch`), listings (`listBatch`), vouchers (`issueVouchers`), read receipts
(`recordReceipts`), and seizures through `PropertyRegistry.multicall` (OpenZeppelin's
`Multicall`: the court's oracle sends a batch of titles' seizures as one transaction, as it does
every later act on distinct titles; a batch of 1 is a multicall of one, what the oracle sends
for a single seizure). Each seizure is a unit's first (a fresh queue).
The peer mints each token to a new holder (as a register of titles would), with `mintBatch`
looping `_safeMint` for the batched sizes.

A third layout answers what meeting the peer would take: ``contracts/bench/CommitmentTitles.sol``
keeps one commitment a title (keccak256 of the registration centre's very `registerTitles`
element, ABI-encoded) and the record in its event, and nothing else: no read, no certificate,
no rule enforced on chain (its NatSpec lists what it gives up).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from eth_utils import keccak

from eth_abi import encode

from bench.devnet import private_devnet
from bench.figure import Figure
from chaincity.chain.sender import TransactionSender
from chaincity.hashing import Hasher

SLOT_GAS = 22_100
TX_GAS = 21_000
GAS_LIMIT = 1_000_000_000
GOAL_OF_FLOOR = 1.15

# Fresh slots one record writes, read from the layouts (the trace's count is the one the floor
# uses; a figure's note says when the two disagree). Zero fields are no fresh slot.
LAYOUTS = {
    # PropertyTitles: the header (status, right type, owner count, version, times, shares: one
    # slot), the documents digest, one holder hash per owner; PropertyCertificates: the current
    # certificate record. 3 + owners: the export's titles have one or two owners.
    "titles": (None, "3 + 1 per owner: header, documents digest, holders, certificate record"),
    # PropertyMortgages: the unit's Mortgages (sequence; the ranked array's length: 2 slots, a
    # dynamic array never packs), the ranked Mortgage (lender, proof, amount|term end|registered
    # at|sequence|no-transfer; the determination date and its next slot zero), its certificate,
    # and two indexes: _mortgageCertificates[certificate] and _spentProofs[unit][proof].
    "mortgages": (8, "2 list + 3 mortgage + certificate + 2 indexes (certificate -> proof, spent proof)"),
    # PropertySeizures: the unit's Queue (head, tail, since|length) + the Seizure (court,
    # registeredAt|term|extension; previous and next zero for a unit's first seizure).
    "seizures": (5, "3 queue + 2 seizure"),
    # ICompanyRegistry.Company: name digest, legal representative hash, capital|division, and
    # status|established|since|updated; the market export leaves the address and business-scope
    # digests zero (6 slots with them), and a new company's zero digests are not written.
    "companies": (4, "name, legal representative, capital|division, status|dates (+2 when address and scope are set)"),
    # CreditLists.Listing (department, reason, legal basis, start|end|endedOn|kind|ending; the
    # ending reason zero) + the subject's _keys array (length + a ListingKey of 2 slots).
    "listings": (7, "4 listing + 3 subject index (array length + list type, case digest)"),
    # VoucherRegistry.Voucher (type, subject, issuer, holder, issued|expires|state; nominee zero)
    # + the custody chain (array length + the issue entry: action|at, from, to; remarks zero).
    "vouchers": (9, "5 voucher + 4 custody chain"),
    # DataAccessGrants.StoredReceipt: grant id, query digest, answer digest, recorded at.
    "read receipts": (4, "StoredReceipt: grant id, query digest, answer digest, recorded at"),
    # CommitmentTitles: commitmentOf[unit], the record itself in the event only.
    "titles as one commitment": (1, "commitmentOf[unit]: keccak256 of the title's record, the record in its event"),
    # OpenZeppelin ERC721: _owners[id] and, for a new holder, _balances[to].
    "ERC721 _safeMint (peer)": (2, "_owners[id] + _balances[to] (a new holder per token)"),
}


def calldata_gas(data: bytes) -> int:
    return sum(4 if byte == 0 else 16 for byte in data)


def log_gas(receipt: dict) -> int:
    return sum(375 + 375 * len(log["topics"]) + 8 * len(bytes(log["data"])) for log in receipt["logs"])


def fresh_slots(w3, tx_hash) -> int:
    """Storage slots the transaction wrote that were zero before it (every contract)."""
    trace = w3.provider.make_request("debug_traceTransaction", [
        tx_hash if isinstance(tx_hash, str) else "0x" + bytes(tx_hash).hex(),
        {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}])["result"]
    pre, post = trace["pre"], trace["post"]
    count = 0
    for address, state in post.items():
        before = pre.get(address, {}).get("storage", {})
        for slot, value in state.get("storage", {}).items():
            if int(value, 16) and not int(before.get(slot, "0x0"), 16):
                count += 1
    return count


@dataclass(frozen=True)
class Measured:
    records: int
    gas: int
    floor: int
    slots: int

    @property
    def per_record(self) -> float:
        return self.gas / self.records

    @property
    def floor_per_record(self) -> float:
        return self.floor / self.records


def send(w3, sender: TransactionSender, contract, function: str, args: list, records: int) -> Measured:
    """One transaction of ``records`` records; its gas and its floor."""
    data = bytes.fromhex(contract.encode_abi(function, args)[2:])
    return measured(w3, sender.transact(contract.address, data), data, records)


def measured(w3, receipt: dict, data: bytes, records: int) -> Measured:
    """The gas and the floor of a mined transaction of ``records`` records with calldata ``data``."""
    slots = fresh_slots(w3, receipt["transactionHash"])
    floor = TX_GAS + SLOT_GAS * slots + calldata_gas(data) + log_gas(receipt)
    return Measured(records, receipt["gasUsed"], floor, slots)


def seizures_by_the_oracle(w3, oracles, court: str, rows: list[dict], work) -> Measured:
    """``rows`` (seizures of distinct titles) loaded into the court's database and synced by its
    oracle's engine in one batch (one ``multicall``): the transaction's gas and floor."""
    from sqlalchemy import select

    from chaincity.db import SourceRecord
    from chaincity.departments.court import SPEC

    path = work / f"seizures-{len(rows)}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, SPEC.columns)
        writer.writeheader()
        writer.writerows(rows)
    load = oracles.load("court", path, court)
    engine = oracles.engine("court", "seizure.seize", court, batch_size=len(rows), pipeline=1)
    summary = engine.run()
    if load.loaded != len(rows) or summary.rejected or summary.pending:
        raise RuntimeError(f"seizures: {len(rows)} rows, {load.loaded} loaded, {summary.as_dict()}")
    with engine.engine.connect() as connection:
        hashes = set(connection.scalars(select(SourceRecord.tx_hash).where(SourceRecord.source_file == str(path))))
    if len(hashes) != 1:  # the engine cut the batch (a block's share, a request's size): not a batch of n
        raise RuntimeError(f"the court's oracle sent {len(rows)} seizures in {len(hashes)} transactions, not one")
    (tx_hash,) = hashes
    return measured(w3, w3.eth.get_transaction_receipt(tx_hash), bytes(w3.eth.get_transaction(tx_hash)["input"]),
                    len(rows))


class Rows:
    """Export rows of every registry, built with the city's generators and formats and read by
    the departments' own parsers: (payload list) per registry."""

    def __init__(self, work, titles: int, hasher: Hasher):
        from chaincity.company_data import generate_companies
        from chaincity.datagen import generate
        from chaincity.formats import make_id_number
        from gateway_city import unit

        self.hasher = hasher
        households = titles // 2 + 20  # about 2.4 titles a household
        files = generate(work / "estate", households, bad_share=0.0, seed=2018)
        taken = unit(0)  # the gateway city's own title
        self.titles = [r for r in _csv_rows(files.real_estate) if r["unit_code"] != taken][:titles]
        if len(self.titles) < titles:
            raise RuntimeError(f"{len(self.titles)} titles generated, {titles} needed")
        companies = generate_companies(work / "companies", titles + 20, bad_share=0.0, seed=2018)
        self.companies = [r for r in _csv_rows(companies.market) if r["action"] == "register"][:titles]
        self.mortgages = [{"unit_code": t["unit_code"], "bank": "LD-BANK-ICBC", "contract_no": f"JD-2024-{n:07d}",
                           "amount": "500000.00", "term_months": "240", "registered_at": "2024-05-06"}
                          for n, t in enumerate(self.titles)]
        self.seizures = [{"unit_code": t["unit_code"], "court": "LD-COURT-INT", "order_no": f"(2025)湘13执{n + 1}号",
                          "action": "seize", "term_months": "36", "issued_at": "2025-03-03"}
                         for n, t in enumerate(self.titles)]
        self.listings = [{"list_type": "dishonest-judgment-debtor", "subject": make_id_number("431302", date(1980, 1, 1), n),
                          "subject_kind": "person", "case_no": f"(2025)湘13执{n + 1}号", "reason": "拒不履行",
                          "legal_basis": "失信规定第一条", "effective_from": "2025-02-11", "effective_until": "",
                          "action": "list", "department": "LD-COURT-INT"} for n in range(titles)]
        self.vouchers = [{"voucher_no": f"MR-{n:07d}", "action": "issue", "department": "LD-BANK-ICBC",
                          "acted_at": "2026-11-01T09:00:00+08:00", "type": "MORTGAGE_RELEASE", "holder": "LD-BANK-ICBC",
                          "subject": t["unit_code"], "document": f"Mortgage contract {n} released in full."}
                         for n, t in enumerate(self.titles)]


def _csv_rows(path) -> list[dict]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def payloads(spec, rows: list[dict]) -> list[dict]:
    from conftest import LOUDI

    return [spec.parse({k: v for k, v in row.items() if k in (*spec.columns, *spec.optional_columns)}, LOUDI).payload
            for row in rows]


def measure(quick: bool = False) -> list[Figure]:
    """Figure 1 for every registry and the ERC721 peer, single and batched."""
    from conftest import PEPPER, administrators, onboard
    from gateway_city import COURT, REC, GatewayCity

    from chaincity.chain.calldata import CallEncoder
    from chaincity.chain.enums import DepartmentKind
    from chaincity.chain.signer import devnet_account
    from chaincity.cli import DEPARTMENTS
    from chaincity.departments.vouchers import type_id
    from chaincity.deploy import load_artifact
    from chaincity.directory import run_proposal

    sizes = (1, 20) if quick else (1, 100, 500)
    per_registry = sum(sizes)
    hasher = Hasher(PEPPER)
    load = os.getloadavg()[0]
    with private_devnet("gas", block_gas_limit=GAS_LIMIT) as (w3, _net, work):
        town = GatewayCity(w3, work, titles=1, serve=False)
        deployments, contracts, signers = town.deployments, town.contracts, town.city["signers"]
        onboard(w3, deployments, "LD-AMR", DepartmentKind.MARKET_REGULATION, [devnet_account(7).address])
        signers["LD-AMR"] = devnet_account(7)
        admins = administrators(w3, deployments)
        run_proposal(admins, *admins[0].call("VoucherRegistry", "setVoucherType", type_id("MORTGAGE_RELEASE"),
                                             1 << DepartmentKind.BANK, 1 << DepartmentKind.BANK))
        grant_id = town.grant(COURT, "bench-gas")
        rows = Rows(work, per_registry + 5, hasher)
        senders = {code: TransactionSender(w3, account) for code, account in signers.items()}

        def elements_of(department: str, kind: str, records: list[dict]) -> list:
            mapping = DEPARTMENTS[department].chain_of(kind)
            return [mapping.element(p, hasher) for p in payloads(DEPARTMENTS[department], records)]

        def batched(department: str, kind: str, code: str, records: list[dict]) -> Callable[[int, int], Measured]:
            mapping, elements = DEPARTMENTS[department].chain_of(kind), elements_of(department, kind, records)
            contract = contracts[mapping.contract]
            return lambda start, n: send(w3, senders[code], contract, mapping.function, [elements[start:start + n]], n)

        receipts = [(keccak(text=f"read {n}"), grant_id, keccak(text=f"query {n}"), keccak(text=f"answer {n}"))
                    for n in range(per_registry)]
        grants = contracts["DataAccessGrants"]
        registries: dict[str, Callable[[int, int], Measured]] = {
            "titles": batched("real-estate", "title", REC, rows.titles),
            "mortgages": batched("bank", "mortgage.register", "LD-BANK-ICBC", rows.mortgages),
            "companies": batched("market", "company.register", "LD-AMR", rows.companies),
            "listings": batched("court-listings", "listing.list", COURT, rows.listings),
            "vouchers": batched("voucher", "voucher.issue", "LD-BANK-ICBC", rows.vouchers),
            "read receipts": lambda start, n: send(w3, senders[REC], grants, "recordReceipts",
                                                   [receipts[start:start + n]], n),
        }
        results: dict[str, dict[int, Measured]] = {}
        # Batches first, the single record last: one-time slots of a registry (a department's
        # first counter) then fall on a batch, and the single record's trace shows one record's.
        order = (*sizes[1:], sizes[0])
        for name, run in registries.items():
            start, results[name] = 0, {}
            for n in order:
                results[name][n] = run(start, n)
                start += n

        # Seizures by the court's oracle, a batch a multicall, on titles written above.
        results["seizures"], start = {}, 0
        for n in order:
            results["seizures"][n] = seizures_by_the_oracle(w3, town.oracles, COURT, rows.seizures[start:start + n], work)
            start += n

        # The peer and the one-commitment layout, deployed and sent by their owner.
        owner = TransactionSender(w3, devnet_account(19))

        def deployed(name: str):
            artifact = load_artifact(town.city["config"].build_dir, name)
            factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
            created = owner.transact(None, bytes.fromhex(factory.constructor().data_in_transaction[2:]))
            return w3.eth.contract(address=created["contractAddress"], abi=artifact["abi"])

        # The same title records as the registry's, each ABI-encoded as its registerTitles element.
        element_type = CallEncoder(contracts["PropertyRegistry"], "registerTitles").types[0].removesuffix("[]")
        titles = elements_of("real-estate", "title", rows.titles)
        units, records = [t[0] for t in titles], [encode([element_type], [t]) for t in titles]
        commitments = deployed("CommitmentTitles")
        results["titles as one commitment"], start = {}, 0
        for n in order:
            results["titles as one commitment"][n] = send(w3, owner, commitments, "commitTitles",
                                                          [units[start:start + n], records[start:start + n]], n)
            start += n

        # The peer: OpenZeppelin's ERC721, each token to a new holder, minted by its owner.
        peer = deployed("PeerERC721")
        holders = [w3.to_checksum_address(keccak(text=f"holder {n}")[:20]) for n in range(per_registry)]
        results["ERC721 _safeMint (peer)"], start = {}, 0
        for n in order:
            if n == 1:
                results["ERC721 _safeMint (peer)"][1] = send(w3, owner, peer, "mint", [holders[start], start + 1], 1)
            else:
                results["ERC721 _safeMint (peer)"][n] = send(w3, owner, peer, "mintBatch",
                                                             [holders[start:start + n], list(range(start + 1, start + n + 1))], n)
            start += n
    return figures(results, load)


def figures(results: dict[str, dict[int, Measured]], load: float) -> list[Figure]:
    peer = results["ERC721 _safeMint (peer)"]
    out = []
    for name, by_size in results.items():
        expected = LAYOUTS[name][0]
        for n, m in sorted(by_size.items()):
            per_slot = m.slots / m.records
            is_peer, batch = name.startswith("ERC721"), n > 1
            note = (f"floor {m.floor_per_record:,.0f}/record ({per_slot:g} fresh slots/record, trace: "
                    f"{LAYOUTS[name][1]}), {m.per_record / m.floor_per_record:.3f}x floor, "
                    f"{m.gas / max(m.slots, 1):,.0f} gas per fresh slot")
            if expected is not None and abs(per_slot - expected) >= 0.05:  # a batch may share a slot or two
                note += f"; the layout says {expected}: CHECK LAYOUTS"
            if not is_peer:
                peer_gas = peer.get(n, peer[1]).per_record
                peer_slot = peer.get(n, peer[1]).gas / peer.get(n, peer[1]).slots
                note += (f"; ERC721 peer {peer_gas:,.0f}/record ({m.per_record / peer_gas:.2f}x), "
                         f"{peer_slot:,.0f} per fresh slot")
                if batch and m.per_record >= peer_gas:
                    note += ": MISSES the peer goal"
            if name == "seizures":
                note += f"; the court's oracle: {n} seize call{'s' if n > 1 else ''} in one multicall"
            label = f"{name}, batch of {n}"
            out.append(Figure(1, f"gas: {label}", "anvil", m.records, round(m.per_record), "gas/record",
                              goal=round(GOAL_OF_FLOOR * m.floor_per_record) if batch and not is_peer else None,
                              goal_is_max=True, success_rate=1.0, note=note + f"; load {load:.1f}"))
            if not is_peer and n == max(by_size):  # the peer goal on a line of its own, so a miss says MISSES
                out.append(Figure(1, f"gas: {label}, per record against the ERC721 peer's", "anvil", m.records,
                                  round(m.per_record / peer[n].per_record, 2), "x", goal=1.0, goal_is_max=True,
                                  note=f"{m.per_record:,.0f} against {peer[n].per_record:,.0f} gas a record "
                                       f"({per_slot:g} fresh slots against the token's 2)"))
    return out


if __name__ == "__main__":
    for figure in measure():
        print(figure.as_dict())

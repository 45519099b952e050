"""Scan a chain for the personal data of the department databases: every transaction's input,
every event's topics and data, and every storage slot written, searched for every secret-ish
value of the source records in every unsalted form (:mod:`chaincity.audit.values`).

Storage, as each node can show it, three ways:

- Anvil traces each transaction (``prestateTracer`` in ``diffMode``: every slot it wrote, with
  the value written).
- Ganache has no such tracer, and its ``structLogs`` cost seconds a batch, so there the scan reads
  every slot of every contract the transactions touched as it stands before the last block
  (``debug_storageRangeAt``, which answers with the state before a block's transaction), and the
  last block's own SSTOREs from its ``structLogs``.
- An Anvil that keeps no past states (``--prune-history``, as the city demo runs it) answers the
  first trace with an error ("Resource not found"): the scan then reads every slot of every
  contract the transactions touched as it stands at the head (even when the scan stops before
  it), from the node's whole state (``anvil_dumpState``).

Only the traces see every value ever written: a value written then overwritten (or cleared)
within the range is missed by the other two, which see the state at one block — the head, or
on Ganache the block before the last (and the last block's own writes). A contract that the
transactions touched only through another contract's internal call, and that logged nothing,
is read by the traces only.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from web3 import Web3

from chaincity.audit.values import Hit, Needles

LOG_WINDOW = 2_000  # blocks per eth_getLogs
# Slots per debug_storageRangeAt: Ganache replays the block for every call (5 s at the
# default-scale demo's head, under load) whatever the page holds, so one page per contract.
STORAGE_PAGE = 200_000

TRACED = "every slot written, per transaction (prestateTracer diffMode)"
BEFORE_LAST_BLOCK = ("every slot of the contracts touched before the last block (debug_storageRangeAt) "
                     "and the last block's SSTOREs")
AT_HEAD = ("every slot of the contracts touched, at the head (anvil_dumpState), "
           "the node tracing no past transaction ({})")


@dataclass
class Scan:
    """What the scan read and what it found."""

    from_block: int
    to_block: int
    values: int = 0
    needles: int = 0
    transactions: int = 0
    logs: int = 0
    slots: int = 0
    storage: str = ""
    seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)  # seconds: transactions (+ traces), events, storage
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "hits"} | {"hits": [h.as_dict() for h in self.hits]}


class NodeRefused(RuntimeError):
    """The node answered a call of the scan with an error (a method it does not offer, a
    state it no longer keeps): the scan cannot read what it must."""


def _raw(w3: Web3, method: str, params: list):
    response = w3.provider.make_request(method, params)
    if "error" in response:
        raise NodeRefused(f"{method}: {response['error'].get('message', response['error'])}")
    return response["result"]


def _bytes(hex_text: str | None) -> bytes:
    return bytes.fromhex(hex_text[2:]) if hex_text else b""


def _word(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text[2:].rjust(64, "0"))


def _traced_slots(w3: Web3, tx_hash: str) -> Iterator[tuple[str, bytes, bytes]]:
    """(contract, slot, value) of every slot the transaction wrote (Anvil, geth)."""
    trace = _raw(w3, "debug_traceTransaction", [tx_hash, {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}])
    for address, account in trace.get("post", {}).items():
        for slot, value in (account.get("storage") or {}).items():
            yield address, _word(slot), _word(value)


def _sstores(w3: Web3, tx_hash: str) -> Iterator[tuple[str, bytes, bytes]]:
    """(contract, slot, value) of every SSTORE of a transaction, from its structLogs (Ganache)."""
    trace = _raw(w3, "debug_traceTransaction", [tx_hash, {"disableMemory": True, "disableStorage": True}])
    for step in trace["structLogs"]:
        if step["op"] == "SSTORE":
            yield f"depth {step['depth']}", _word("0x" + step["stack"][-1]), _word("0x" + step["stack"][-2])


def _stored_slots(w3: Web3, block_hash: str, address: str) -> Iterator[tuple[str, bytes, bytes]]:
    """(contract, slot, value) of every slot of a contract before the first transaction of a block."""
    start = "0x" + "00" * 32
    while start is not None:
        page = _raw(w3, "debug_storageRangeAt", [block_hash, 0, address, start, STORAGE_PAGE])
        for hashed, entry in page["storage"].items():
            yield address, _word(entry.get("key") or hashed), _word(entry["value"])
        start = page.get("nextKey")


def _head_slots(w3: Web3, touched: set[str]) -> Iterator[tuple[str, bytes, bytes]]:
    """(contract, slot, value) of every slot of the touched contracts at the head (Anvil): its
    whole state, the hex of a gzipped JSON whose ``accounts`` map each address to its
    ``storage``, slot to value (Anvil 1.7's ``SerializableState``). It holds every block too: 7 MB
    of hex after the default-scale demo, read and decoded in under half a second."""
    state = json.loads(gzip.decompress(_bytes(_raw(w3, "anvil_dumpState", []))))
    accounts = {Web3.to_checksum_address(address): account for address, account in state["accounts"].items()}
    for address in sorted(touched):
        for slot, value in (accounts.get(address, {}).get("storage") or {}).items():
            if int(value, 16):  # Anvil also lists slots read empty or cleared: nothing on chain
                yield address, _word(slot), _word(value)


def _find_slot(needles: Needles, scan: Scan, slot: bytes, value: bytes, where: str) -> None:
    scan.slots += 1
    scan.hits += needles.find(slot, where + " key") + needles.find(value, where + " value")


def _transactions(w3: Web3, needles: Needles, scan: Scan, tracing: bool, touched: set[str]) -> str | None:
    """Every transaction's input, and on a tracing node the slots it wrote. Returns the error the
    node answered the first trace with, if it cannot trace (then no transaction is traced): a
    later trace's error is the scan's."""
    refused = None
    for number in range(scan.from_block, scan.to_block + 1):
        for tx in _raw(w3, "eth_getBlockByNumber", [hex(number), True])["transactions"]:
            scan.transactions += 1
            scan.hits += needles.find(_bytes(tx["input"]), f"input of tx {tx['hash']} (block {number})")
            if tx.get("to"):
                touched.add(Web3.to_checksum_address(tx["to"]))
            if not tracing or refused:
                continue
            try:
                written = list(_traced_slots(w3, tx["hash"]))
            except NodeRefused as error:  # the node's answer (a dead node raises a connection error)
                if scan.transactions > 1:  # it traced the first: this one's error is the scan's
                    raise
                refused = str(error)
                continue
            for address, slot, value in written:
                _find_slot(needles, scan, slot, value, f"storage slot 0x{slot.hex()} of {address} (tx {tx['hash']})")
    return refused


def _logs(w3: Web3, needles: Needles, scan: Scan, touched: set[str]) -> None:
    """Every event's topics and data."""
    for start in range(scan.from_block, scan.to_block + 1, LOG_WINDOW):
        window = {"fromBlock": hex(start), "toBlock": hex(min(start + LOG_WINDOW - 1, scan.to_block))}
        for log in _raw(w3, "eth_getLogs", [window]):
            scan.logs += 1
            touched.add(Web3.to_checksum_address(log["address"]))
            where = f"event of tx {log['transactionHash']} log {int(log['logIndex'], 16)} ({log['address']})"
            for topic in log["topics"]:
                scan.hits += needles.find(_word(topic), where + " topic")
            scan.hits += needles.find(_bytes(log["data"]), where + " data")


def _final_storage(w3: Web3, needles: Needles, scan: Scan, touched: set[str]) -> None:
    """Every slot of the contracts touched before the last block, then the last block's SSTOREs."""
    last = _raw(w3, "eth_getBlockByNumber", [hex(scan.to_block), False])
    for address in sorted(touched):
        for _, slot, value in _stored_slots(w3, last["hash"], address):
            _find_slot(needles, scan, slot, value, f"storage slot 0x{slot.hex()} of {address}")
    for tx_hash in last["transactions"]:
        for depth, slot, value in _sstores(w3, tx_hash):
            _find_slot(needles, scan, slot, value, f"storage slot 0x{slot.hex()} (tx {tx_hash}, {depth})")


def _head_storage(w3: Web3, needles: Needles, scan: Scan, touched: set[str]) -> None:
    """Every slot of the contracts touched, at the head."""
    for address, slot, value in _head_slots(w3, touched):
        _find_slot(needles, scan, slot, value, f"storage slot 0x{slot.hex()} of {address}")


def scan_chain(w3: Web3, needles: Needles, from_block: int = 0, to_block: int | None = None) -> Scan:
    """Search blocks ``from_block``..``to_block`` (default the head) for every needle."""
    to_block = w3.eth.block_number if to_block is None else to_block
    scan = Scan(from_block, to_block, values=needles.values, needles=needles.needles)
    tracing = w3.client_version.lower().startswith("anvil")
    touched: set[str] = set()
    began = time.monotonic()
    refused = _transactions(w3, needles, scan, tracing, touched)
    scan.storage = AT_HEAD.format(refused) if refused else TRACED if tracing else BEFORE_LAST_BLOCK
    scan.parts["transactions"] = time.monotonic() - began
    _logs(w3, needles, scan, touched)
    scan.parts["events"] = time.monotonic() - began - sum(scan.parts.values())
    storage = _head_storage if refused else None if tracing else _final_storage  # the traces read it already
    if touched and storage is not None:
        storage(w3, needles, scan, touched)
        scan.parts["storage"] = time.monotonic() - began - sum(scan.parts.values())
    scan.seconds = time.monotonic() - began
    return scan

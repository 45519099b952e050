"""Following contract events into the department database, safe against reorganisations.

After the pattern of web3.py's event scanner and its hardened successors: `get_logs` over a
block window that halves on error, a checkpoint saved with every chunk in the same database
transaction as the events, the hash of every block read kept for a while, and on a mismatch
the stored events above the fork point dropped and read again. It stays ``confirmations``
blocks behind the head. Events are keyed by (transaction, log index): reading twice stores once.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

import eth_abi
from eth_abi.grammar import parse as parse_abi_type
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import MismatchedABI
from web3.exceptions import Web3RPCError

from chaincity.chain.calldata import abi_type
from chaincity.chain.contracts import jsonable
from chaincity.chain.sender import RetryPolicy
from chaincity.db import ChainEvent, Checkpoint, FollowedBlock

logger = logging.getLogger(__name__)
KEPT_BLOCK_HASHES = 128  # the deepest reorganisation a follower can repair


class ReorgTooDeep(RuntimeError):
    """The chain forked below every block hash the follower kept."""


@dataclass(frozen=True)
class FollowResult:
    events: int
    from_block: int
    to_block: int
    reorgs: int


@functools.lru_cache(maxsize=4096)
def _checksummed(address: str) -> str:
    """An address as web3 spells it (a keccak each: the few departments' signers recur)."""
    return Web3.to_checksum_address(address)


def _plain(entry: dict, value):
    """A decoded value as web3's process_log gives it, then as JSON carries it (jsonable):
    addresses checksummed, structs as dicts by name, bytes as 0x-hex."""
    kind = entry["type"]
    if kind.endswith("]"):
        item = {**entry, "type": kind[:kind.rindex("[")]}
        return [_plain(item, v) for v in value]
    if kind == "tuple":
        return {c["name"]: _plain(c, v) for c, v in zip(entry["components"], value)}
    if kind == "address":
        return _checksummed(value)
    return jsonable(value)


class _FastDecoder:
    """One event's logs decoded straight with eth-abi: web3's process_log normalises every value
    recursively (5 ms for a registration with its owners, most of a catch-up). Its first log is
    decoded both ways and compared; on any difference the follower keeps web3's decoding."""

    def __init__(self, event):
        self.event, self.name = event, event.abi["name"]
        self.inputs = event.abi["inputs"]
        self.data_types = [abi_type(i) for i in self.inputs if not i.get("indexed")]
        self.trusted: bool | None = None  # None until compared on a first log

    def args(self, log) -> dict:
        data = iter(eth_abi.decode(self.data_types, bytes(log["data"])))
        topics = iter(log["topics"][1:])
        args = {}
        for entry in self.inputs:
            if entry.get("indexed"):  # a dynamic value is indexed by its hash: the topic itself
                topic, kind = bytes(next(topics)), abi_type(entry)
                value = topic if parse_abi_type(kind).is_dynamic else eth_abi.decode([kind], topic)[0]
            else:
                value = next(data)
            args[entry["name"]] = _plain(entry, value)
        return args


class EventFollower:
    """Reads the events of ``contracts`` from ``start_block`` into the ``chain_events`` table."""

    def __init__(self, w3: Web3, engine: Engine, name: str, contracts: dict[str, Contract], *,
                 start_block: int = 0, confirmations: int = 1, chunk: int = 2_000,
                 on_event: Callable[[Session, ChainEvent], None] | None = None,
                 topics: list[list] | None = None, on_rewind: Callable[[Session], None] | None = None,
                 retry: RetryPolicy = RetryPolicy()):
        self.w3, self.engine, self.name = w3, engine, name
        self.contracts = contracts
        self.start_block = start_block
        self.confirmations = max(confirmations, 1)
        self.chunk = chunk
        self.on_event = on_event
        self.retry = retry
        # get_logs topic filters, one query each (e.g. only this bank's mortgage events); None: all events.
        self.topics = topics
        # Rebuilds a read model derived from the events after a reorganisation dropped some.
        self.on_rewind = on_rewind
        self._by_address = {Web3.to_checksum_address(c.address): (n, c) for n, c in contracts.items()}
        # Each log's event by its first topic, found once: trying every event of the ABI on
        # every log cost two thirds of a catch-up (a registry has some twenty events).
        self._by_topic = {(address, event.topic.lower()): _FastDecoder(event)
                          for address, (_, c) in self._by_address.items()
                          for event in c.events if not event.abi.get("anonymous")}

    def _block_hash(self, number: int) -> str:
        return "0x" + bytes(self.retry.run("block", lambda: self.w3.eth.get_block(number))["hash"]).hex()

    def _fork_point(self, session: Session) -> int | None:
        """The last kept block that is still on the chain, or None when nothing changed."""
        kept = session.execute(
            select(FollowedBlock.block_number, FollowedBlock.block_hash)
            .where(FollowedBlock.follower == self.name).order_by(FollowedBlock.block_number.desc())
        ).all()
        if not kept or self._block_hash(kept[0][0]) == kept[0][1]:
            return None
        for number, block_hash in kept[1:]:
            if self._block_hash(number) == block_hash:
                return number
        raise ReorgTooDeep(f"{self.name}: the chain forked below block {kept[-1][0]}; rebuild the read model")

    def _rewind(self, session: Session, fork: int) -> None:
        logger.warning("%s: reorganisation, dropping what was read above block %s", self.name, fork)
        session.execute(delete(ChainEvent).where(ChainEvent.follower == self.name, ChainEvent.block_number > fork))
        session.execute(delete(FollowedBlock).where(FollowedBlock.follower == self.name, FollowedBlock.block_number > fork))
        checkpoint = session.get(Checkpoint, self.name)
        checkpoint.block_number, checkpoint.block_hash = fork, self._block_hash(fork)
        if self.on_rewind is not None:
            session.flush()
            self.on_rewind(session)

    def _logs(self, start: int, end: int) -> list:
        logs = []
        for topics in self.topics or [None]:
            query = {"fromBlock": start, "toBlock": end, "address": list(self._by_address)}
            if topics is not None:
                query["topics"] = topics
            logs += self.retry.run(f"logs {start}-{end}", lambda q=query: self.w3.eth.get_logs(q))
        return sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"]))

    def _decode(self, log) -> tuple[str, str, dict] | None:
        address = _checksummed(log["address"])
        name, contract = self._by_address[address]
        topic = "0x" + bytes(log["topics"][0]).hex() if log["topics"] else None
        fast = self._by_topic.get((address, topic))
        if fast is not None and fast.trusted is not False:
            try:
                args = fast.args(log)
            except Exception:  # noqa: BLE001 - web3's decoding below says what is wrong
                fast.trusted = False
            else:
                if fast.trusted is None:
                    fast.trusted = args == jsonable(dict(fast.event.process_log(log)["args"]))
                    if not fast.trusted:
                        logger.warning("%s: %s decoded differently by eth-abi; using web3's", self.name, fast.name)
                if fast.trusted:
                    return name, fast.name, args
        for event in [fast.event] if fast is not None else contract.events:
            try:
                decoded = event.process_log(log)
            except (MismatchedABI, ValueError):
                continue
            return name, decoded["event"], dict(decoded["args"])
        return None

    def poll(self) -> FollowResult:
        """Read everything new up to ``confirmations`` blocks behind the head."""
        reorgs = 0
        with Session(self.engine) as session:
            fork = self._fork_point(session)
            if fork is not None:
                self._rewind(session, fork)
                reorgs += 1
                session.commit()
            checkpoint = session.get(Checkpoint, self.name)
            start = checkpoint.block_number + 1 if checkpoint else self.start_block
        head = self.retry.run("block number", lambda: self.w3.eth.block_number) - (self.confirmations - 1)
        first, stored, window = start, 0, self.chunk
        while start <= head:
            end = min(start + window - 1, head)
            try:
                logs = self._logs(start, end)
            except (Web3RPCError, ValueError) as exc:  # too many results or range too large: halve
                if window == 1:
                    raise
                window = max(window // 2, 1)
                logger.info("%s: get_logs %s-%s failed (%s); window now %s", self.name, start, end, exc, window)
                continue
            stored += self._store(logs, end)
            start = end + 1
        return FollowResult(stored, first, head, reorgs)

    def _store(self, logs: list, end: int) -> int:
        stored = 0
        with Session(self.engine) as session:
            # What this window holds already (read twice after a restart), in one query rather
            # than one per event.
            seen = set(session.execute(select(ChainEvent.tx_hash, ChainEvent.log_index).where(
                ChainEvent.follower == self.name, ChainEvent.block_number >= logs[0]["blockNumber"],
                ChainEvent.block_number <= logs[-1]["blockNumber"])).all()) if logs else set()
            for log in logs:
                decoded = self._decode(log)
                if decoded is None:
                    continue
                contract, event, args = decoded
                row = {
                    "follower": self.name, "contract": contract, "event": event,
                    "key": jsonable(next(iter(args.values()))) if args else None,
                    "args": json.loads(json.dumps(jsonable(args))),
                    "block_number": log["blockNumber"], "block_hash": "0x" + bytes(log["blockHash"]).hex(),
                    "tx_hash": "0x" + bytes(log["transactionHash"]).hex(), "log_index": log["logIndex"],
                }
                if (row["tx_hash"], row["log_index"]) in seen:
                    continue
                seen.add((row["tx_hash"], row["log_index"]))
                event_row = ChainEvent(**row)
                session.add(event_row)
                if self.on_event is not None:
                    self.on_event(session, event_row)
                stored += 1
            end_hash = self._block_hash(end)
            session.merge(FollowedBlock(follower=self.name, block_number=end, block_hash=end_hash))
            session.execute(delete(FollowedBlock).where(
                FollowedBlock.follower == self.name, FollowedBlock.block_number <= end - KEPT_BLOCK_HASHES,
            ))
            checkpoint = session.get(Checkpoint, self.name)
            if checkpoint is None:
                session.add(Checkpoint(name=self.name, block_number=end, block_hash=end_hash))
            else:
                checkpoint.block_number, checkpoint.block_hash = end, end_hash
            session.commit()
        return stored

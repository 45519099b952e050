"""Writing a department's loaded records to the chain, exactly once, resumable at any point.

Each record moves pending → sent (with the hash of the signed transaction, committed before the
transaction leaves) → confirmed, or → rejected with the contract's decoded error. On start the
engine reconciles: a sent record whose transaction is on chain is confirmed, one whose
transaction never arrived or reverted is pending again. Resending is safe because every
registry write is idempotent (the same record again is a no-op), so a crash between sending
and recording can cost gas but never a duplicate or a loss.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError, Web3RPCError

from chaincity.chain.calldata import CallEncoder
from chaincity.chain.errors import DecodedError, ErrorDecoder
from chaincity.chain.sender import SignedTransaction, TransactionSender
from chaincity.db import Reject, SourceRecord
from chaincity.hashing import Hasher

logger = logging.getLogger(__name__)
# Over the largest gas per record estimated so far (records differ: one owner or several).
OPTIMISTIC_GAS_MARGIN = 1.1


class NotOnChain(LookupError):
    """A chain fact a record needs is not there (e.g. the certificate a revocation names)."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class BatchTooLarge(Exception):
    """The node cannot even estimate the batch: it needs more gas than a block holds."""


@dataclass(frozen=True)
class ChainMapping:
    """What a department module tells the framework: which records, which function, and how
    one record becomes its arguments (batched: one element of the function's list argument)."""

    contract: str  # name in the deployment record
    function: str | tuple[str, ...]  # several when `function_of` picks one per record
    kind: str  # SourceRecord.kind it writes
    to_input: Callable[[dict, Hasher], tuple]
    chain_key: Callable[[dict], bytes]  # the record's key on chain, as typed errors name it
    batched: bool = True
    # The payload field naming the department a record belongs to (a bank's own contracts):
    # an oracle writes only its own department's records and rejects the others.
    owner_field: str | None = None
    # For unbatched mappings whose records call different functions (a title's changes).
    function_of: Callable[[dict], str] | None = None
    # Whether the chain's history already holds this record (its event is logged), though the
    # current state has moved on: a registration resent after a transfer conflicts with the
    # present owners, and an earlier transfer resent would undo a later one. Asked before
    # sending each unbatched record, and for a batched one the contract refuses.
    written_before: Callable[[Contract, dict, Hasher], bool] | None = None
    # Chain facts an unbatched record's arguments need, merged into its payload before it is
    # encoded (e.g. the digest of the certificate a revocation names); raises NotOnChain.
    resolve: Callable[[Contract, dict, Hasher], dict] | None = None
    # Every chain key a record's call reads or writes, when more than its chain_key (a
    # split's parts, a merge's sources).
    related_keys: Callable[[dict], Iterable[bytes]] | None = None

    @property
    def functions(self) -> tuple[str, ...]:
        return self.function if isinstance(self.function, tuple) else (self.function,)

    def keys_of(self, payload: dict) -> frozenset[bytes]:
        return frozenset(self.related_keys(payload) if self.related_keys else (self.chain_key(payload),))


@dataclass
class SyncSummary:
    department: str
    total: int = 0
    confirmed: int = 0
    rejected: int = 0
    pending: int = 0
    written_now: int = 0
    transactions: int = 0
    seconds: float = 0.0
    rejects: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "rejects"}


@dataclass
class _InFlight:
    signed: SignedTransaction
    record_ids: list[int]
    gas: int
    keys: frozenset[bytes] = frozenset()  # what an unbatched record's call touches


class SyncEngine:
    def __init__(self, engine: Engine, department: str, mapping: ChainMapping, contract: Contract,
                 sender: TransactionSender, decoder: ErrorDecoder, hasher: Hasher, *,
                 department_code: str | None = None, batch_size: int = 200, pipeline: int = 8,
                 block_gas_share: float = 0.5):
        self.engine = engine
        self.department = department
        self.department_code = department_code
        self.mapping = mapping
        self.contract = contract
        self.sender = sender
        self.decoder = decoder
        self.hasher = hasher
        self.batch_size = batch_size if mapping.batched else 1
        self.pipeline = pipeline
        self.block_gas_share = block_gas_share
        self._in_flight: deque[_InFlight] = deque()
        self.encoders = {function: CallEncoder(contract, function) for function in mapping.functions}
        self.to = contract.address
        # Gas per record seen in the last estimate. Once known, batches are sent without
        # their own estimate (running each batch twice would halve the throughput); a batch
        # that reverts sends its records back, and the next pass estimates every batch.
        self._gas_per_record: float | None = None
        self._estimate_every_batch = False

    # ---- bookkeeping ----------------------------------------------------------------------

    def _records(self, status: str):
        """The query of this mapping's records in ``status``."""
        return select(SourceRecord).where(
            SourceRecord.department == self.department, SourceRecord.kind == self.mapping.kind,
            SourceRecord.status == status,
        )

    def _set(self, record_ids: list[int], **values) -> None:
        with Session(self.engine) as session:
            session.execute(update(SourceRecord).where(SourceRecord.id.in_(record_ids)).values(**values))
            session.commit()

    def _reject(self, record: SourceRecord, error: DecodedError | str, field_name: str = "(record)") -> dict:
        reject = {
            "department": self.department, "stage": "chain", "source_file": record.source_file,
            "row_number": record.row_number, "source_id": record.source_id,
            "field": field_name, "reason": str(error),
        }
        with Session(self.engine) as session:
            session.add(Reject(**reject))
            session.execute(update(SourceRecord).where(SourceRecord.id == record.id).values(status="rejected"))
            session.commit()
        logger.info("rejected %s row %s: %s", record.source_id, record.row_number, error)
        return reject

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(SourceRecord.status, func.count()).where(
                    SourceRecord.department == self.department, SourceRecord.kind == self.mapping.kind,
                ).group_by(SourceRecord.status)
            ).all()
        return {status: count for status, count in rows}

    # ---- reconciliation -------------------------------------------------------------------

    def reconcile(self) -> int:
        """Settle records left `sent` by an earlier run; returns how many were confirmed."""
        with Session(self.engine) as session:
            sent = session.execute(
                select(SourceRecord.tx_hash, SourceRecord.id).where(
                    SourceRecord.department == self.department, SourceRecord.kind == self.mapping.kind,
                    SourceRecord.status == "sent",
                )
            ).all()
        by_tx: dict[str, list[int]] = {}
        for tx_hash, record_id in sent:
            by_tx.setdefault(tx_hash, []).append(record_id)
        confirmed = 0
        for tx_hash, record_ids in by_tx.items():
            receipt = self.sender.receipt(tx_hash)
            if receipt is None and self.sender.known(tx_hash):
                receipt = self.sender.wait(tx_hash)  # still in the node's pool: let it land
            if receipt is not None and receipt["status"] == 1:
                self._set(record_ids, status="confirmed", block_number=receipt["blockNumber"], synced_at=datetime.now(UTC))
                confirmed += len(record_ids)
            else:  # never arrived, or reverted: send again (idempotent)
                self._set(record_ids, status="pending", tx_hash=None)
        self.sender.resync_nonce()
        return confirmed

    # ---- sending --------------------------------------------------------------------------

    def _calldata(self, records: list[SourceRecord]) -> bytes:
        if not self.mapping.batched:
            (record,) = records
            function = self.mapping.function_of(record.payload) if self.mapping.function_of else self.mapping.function
            return self.encoders[function].encode(*self.mapping.to_input(record.payload, self.hasher))
        (encoder,) = self.encoders.values()
        return encoder.encode([self.mapping.to_input(r.payload, self.hasher) for r in records])

    def _estimate(self, records: list[SourceRecord], summary: SyncSummary) -> tuple[list[SourceRecord], int, bytes]:
        """The batch's calldata and gas; records the contract refuses are rejected and left out."""
        while records:
            data = self._calldata(records)
            try:
                return records, self.sender.estimate_gas(self.to, data), data
            except Web3RPCError as exc:
                if len(records) > 1 and "gas" in str(exc).lower() and "exceed" in str(exc).lower():
                    raise BatchTooLarge(len(records)) from None
                raise
            except (ContractCustomError, ContractLogicError) as exc:
                decoded = self.decoder.decode(exc)
                culprit = self._culprit(records, decoded)
                if culprit is None:
                    if len(records) == 1:
                        culprit = records[0]
                    else:  # not attributable from the error: find it by halves
                        half = len(records) // 2
                        kept = self._estimate(records[:half], summary)[0]
                        rest = self._estimate(records[half:], summary)[0]
                        records = kept + rest
                        continue
                if not self._in_history(culprit):
                    summary.rejects.append(self._reject(culprit, decoded or str(exc)))
                records = [r for r in records if r is not culprit]
        return [], 0, b""

    def _own(self, records: list[SourceRecord], summary: SyncSummary) -> list[SourceRecord]:
        """The records of this oracle's department; the others are rejected, named."""
        field_name = self.mapping.owner_field
        if field_name is None:
            return records
        own = []
        for record in records:
            owner = record.payload[field_name]
            if owner == self.department_code:
                own.append(record)
            else:
                summary.rejects.append(self._reject(
                    record, f"{field_name}: {owner} is not this oracle's department {self.department_code}",
                    field_name=field_name))
        return own

    def _in_history(self, record: SourceRecord) -> bool:
        """Confirm a record the chain's history already holds; True if it did."""
        if self.mapping.written_before is None or not self.mapping.written_before(self.contract, record.payload, self.hasher):
            return False
        logger.info("%s is in the chain's history already", record.source_id)
        self._set([record.id], status="confirmed", synced_at=datetime.now(UTC))
        return True

    def _resolved(self, record: SourceRecord, summary: SyncSummary) -> bool:
        """Add the chain facts the record needs to its payload; reject it, named, if missing."""
        if self.mapping.resolve is None:
            return True
        try:
            record.payload = {**record.payload, **self.mapping.resolve(self.contract, record.payload, self.hasher)}
        except NotOnChain as exc:
            summary.rejects.append(self._reject(record, exc.reason, field_name=exc.field))
            return False
        return True

    def _culprit(self, records: list[SourceRecord], decoded: DecodedError | None) -> SourceRecord | None:
        if decoded is None:
            return None
        named = {v for v in decoded.args.values() if isinstance(v, bytes)}
        for record in records:
            if self.mapping.chain_key(record.payload) in named:
                return record
        return None

    def _wait_oldest(self, summary: SyncSummary) -> None:
        flight = self._in_flight.popleft()
        receipt = self.sender.wait(flight.signed.hash)
        if receipt["status"] == 1:
            self._set(flight.record_ids, status="confirmed", block_number=receipt["blockNumber"], synced_at=datetime.now(UTC))
            summary.written_now += len(flight.record_ids)
        else:
            logger.warning("transaction %s reverted; its %s records go again", flight.signed.hash, len(flight.record_ids))
            self._set(flight.record_ids, status="pending", tx_hash=None)
            if receipt["gasUsed"] >= flight.gas:
                # Out of gas: the records cost more than those the figure was learnt from
                # (e.g. a first batch partly on chain already). Learn it again.
                self._gas_per_record = None
            else:  # state changed between estimate and mining: estimate every batch from now on
                self._estimate_every_batch = True

    def run(self, progress: bool = False, max_passes: int = 3) -> SyncSummary:
        """Write every pending record; returns the summary (loaded = confirmed + rejected + pending).

        A transaction that reverts when mined (the chain changed after its estimate) puts its
        records back to pending; a further pass estimates them again, so their error is found.
        """
        started = time.monotonic()
        summary = SyncSummary(self.department)
        self.reconcile()
        for _ in range(max_passes):
            if not self.counts().get("pending"):
                break
            self._pass(summary, progress)
        counts = self.counts()
        summary.confirmed = counts.get("confirmed", 0)
        summary.rejected = counts.get("rejected", 0)
        summary.pending = counts.get("pending", 0) + counts.get("sent", 0)
        summary.total = sum(counts.values())
        summary.seconds = time.monotonic() - started
        return summary

    def _pass(self, summary: SyncSummary, progress: bool) -> None:
        block_gas = self.sender.w3.eth.get_block("latest")["gasLimit"]
        batch_size = self.batch_size
        bar = tqdm(total=self.counts().get("pending", 0), desc=f"sync {self.department}", unit=" records",
                   disable=not progress)
        last_id = 0
        while True:
            with Session(self.engine) as session:
                batch = list(session.scalars(
                    self._records("pending").where(SourceRecord.id > last_id)
                    .order_by(SourceRecord.id).limit(batch_size)
                ))
                session.expunge_all()
            if not batch:
                break
            last_id = batch[-1].id
            batch = self._own(batch, summary)
            keys = frozenset()
            if not self.mapping.batched:
                # A change may build on one still in flight (a split on the transfer before it,
                # a revocation of the certificate reissued just before): wait for those, so it is
                # checked, resolved and estimated against their outcome, not the state before them.
                keys = frozenset().union(*(self.mapping.keys_of(r.payload) for r in batch))
                while any(flight.keys & keys for flight in self._in_flight):
                    self._wait_oldest(summary)
                batch = [r for r in batch if not self._in_history(r) and self._resolved(r, summary)]
            if not batch:
                continue
            if self.mapping.batched and self._gas_per_record is not None and not self._estimate_every_batch:
                records, data = batch, self._calldata(batch)
                gas = int(self._gas_per_record * len(records) * OPTIMISTIC_GAS_MARGIN)
            else:
                try:
                    records, gas, data = self._estimate(batch, summary)
                except BatchTooLarge:  # more than a block holds: halve and read the batch again
                    batch_size = max(1, len(batch) // 2)
                    last_id = batch[0].id - 1
                    continue
                if records:
                    self._gas_per_record = max(self._gas_per_record or 0, gas / len(records))
            bar.update(len(batch) - len(records))
            if not records:
                continue
            if gas > block_gas * self.block_gas_share and len(records) > 1:
                # Keep each transaction within half a block: EIP-1559 raises the base fee after
                # every block fuller than that, and a bulk import of full blocks drives it up
                # exponentially (measured: a 350k import ran out of 10,000 ETH of gas money).
                # From now on, as many records as fit in that share.
                batch_size = max(1, min(len(records) - 1, int(block_gas * self.block_gas_share * len(records) / gas)))
                last_id = records[0].id - 1
                continue
            signed = self.sender.sign(self.to, data, gas)
            ids = [r.id for r in records]
            self._set(ids, status="sent", tx_hash=signed.hash)  # recorded before it leaves
            self.sender.broadcast(signed)
            summary.transactions += 1
            self._in_flight.append(_InFlight(signed, ids, gas, keys))
            bar.update(len(records))
            if len(self._in_flight) >= self.pipeline:
                self._wait_oldest(summary)
        while self._in_flight:
            self._wait_oldest(summary)
        bar.close()

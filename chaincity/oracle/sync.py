"""Writing a department's loaded records to the chain, exactly once, resumable at any point.

Each record moves pending → sent (with the hash of the signed transaction, committed before the
transaction leaves) → confirmed, or → rejected with the contract's decoded error. On start the
engine reconciles: a sent record whose transaction is on chain is confirmed, one whose
transaction never arrived or reverted is pending again. Resending is safe because every
registry write is idempotent (the same record again is a no-op), so a crash between sending
and recording can cost gas but never a duplicate or a loss.

One pass is a loop of small steps: the next batch of pending records, made ready (the
department's own, not in the chain's history, chain facts resolved), priced (estimated, or sized
from the gas learnt so far, and shrunk to fit the block), signed, sent (on the broadcaster's
thread, in nonce order: :mod:`chaincity.chain.broadcaster`), and confirmed as the pipeline fills.
An error that belongs to the oracle (see :mod:`chaincity.oracle.stops`) ends the run with
:class:`OracleStopped`; it never rejects a record.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime

from eth_abi import decode
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm
from web3.exceptions import ContractCustomError, ContractLogicError, Web3RPCError

from chaincity.chain import node_failure
from chaincity.chain.broadcaster import Broadcaster
from chaincity.chain.calldata import CallEncoder
from chaincity.chain.errors import DecodedError, ErrorDecoder
from chaincity.chain.sender import GasTooLow, SenderError, SendLost, SignedTransaction, TransactionSender
from chaincity.db import Reject, SourceRecord, Summary, reject_row
from chaincity.hashing import Hasher
from chaincity.oracle.history import ChainReader
from chaincity.oracle.pending import PendingRecord, read_pending
from chaincity.oracle.spec import ChainMapping, NotOnChain
from chaincity.oracle.stops import Authority, OracleStopped, stopped_by_sender

logger = logging.getLogger(__name__)
# Over the largest gas per record estimated so far (records differ: one owner or several).
OPTIMISTIC_GAS_MARGIN = 1.1
# A call's cost besides its records (21,000 intrinsic, the caller's department check, the
# call itself), kept apart so that a batch smaller than the one the figure was learnt from
# (a gateway's flush of 2 receipts after one of 50) is not sent short of gas.
CALL_OVERHEAD_GAS = 60_000
# A change sent one by one is simulated once (an eth_call) instead of estimated: its gas is
# the largest estimate of the same function so far, times this. Changes of one function
# differ by a storage slot or two (a first listing writes a new slot, a second one does not);
# unused gas is never paid, and a change that still runs out goes back to pending and the
# function is estimated again.
CHANGE_GAS_MARGIN = 2.0


# A transaction's calldata at most: its request must pass the node's limit on a request's size
# (Anvil refuses a body over 2 MiB, and hex doubles the bytes; Besu takes 5 MB by default).
MAX_CALLDATA_BYTES = 768 * 1024


# The records estimated at a time to find a batch's refused records once it has one (see
# SyncEngine._estimate).
REFUSAL_CHUNK = 200


class BatchTooLarge(Exception):
    """The batch cannot even be estimated: it needs more gas than a block holds, or its request
    is larger than the node takes. ``fit``: how many of its records to try instead."""

    def __init__(self, fit: int):
        super().__init__(fit)
        self.fit = max(1, fit)


def _calldata_fit(records: list, data: bytes) -> int | None:
    """How many of the records one request takes, when it takes fewer than all (MAX_CALLDATA_BYTES)."""
    if len(records) > 1 and len(data) > MAX_CALLDATA_BYTES:
        return max(1, len(records) * MAX_CALLDATA_BYTES // len(data))
    return None


def _too_large(exc: Web3RPCError) -> bool:
    """Whether the node refused a batch for its size: more gas than a block holds, or a request
    body over the node's limit (Anvil answers "Invalid request" above 2 MiB, measured; Besu's
    --rpc-http-max-request-content-length is 5 MB by default)."""
    message = str(exc).lower()
    return ("gas" in message and "exceed" in message) or "invalid request" in message or "too large" in message


@dataclass
class SyncSummary(Summary):
    kind: str = ""
    total: int = 0
    confirmed: int = 0
    rejected: int = 0
    pending: int = 0
    written_now: int = 0
    already_on_chain: int = 0  # found written by an earlier run or database: nothing sent
    transactions: int = 0
    seconds: float = 0.0


@dataclass
class _InFlight:
    signed: SignedTransaction
    record_ids: list[int]
    gas: int
    keys: frozenset[bytes] = frozenset()  # what a one-by-one record's call touches
    sent: Future | None = None  # its send, on the broadcaster's thread


@dataclass
class _Window:
    """Where the pass is in the pending records, and how many it takes at a time."""

    size: int
    last_id: int = 0

    def rewind_to(self, first_id: int, size: int | None = None) -> None:
        self.last_id = first_id - 1
        if size is not None:
            self.size = size


class SyncEngine:
    """Writes one mapping's pending records (see the module docstring)."""

    def __init__(self, engine: Engine, department: str, mapping: ChainMapping, chain: ChainReader,
                 sender: TransactionSender, decoder: ErrorDecoder, hasher: Hasher, authority: Authority, *,
                 batch_size: int = 200, pipeline: int = 8, block_gas_share: float = 0.5):
        self.engine, self.department, self.mapping, self.chain = engine, department, mapping, chain
        self.sender, self.decoder, self.hasher, self.authority = sender, decoder, hasher, authority
        many = mapping.batched or mapping.multicall
        self.batch_size, self.pipeline, self.block_gas_share = (batch_size if many else 1), pipeline, block_gas_share
        self._in_flight: deque[_InFlight] = deque()
        self.broadcaster: Broadcaster | None = None  # one per run
        self._window: _Window | None = None  # the pass's
        functions = mapping.functions + (("multicall",) if mapping.multicall else ())
        self.encoders = {function: CallEncoder(chain.contract, function) for function in functions}
        self.to = chain.contract.address
        # Gas per record seen in the last estimate. Once known, batches are sent without
        # their own estimate (running each batch twice would halve the throughput); a batch
        # that reverts sends its records back, and the next pass estimates every batch.
        self._gas_per_record: float | None = None
        self._estimate_every_batch = False
        self._gas_of_function: dict[str, int] = {}  # a one-by-one change's largest estimate, per function
        # A function that returns how many records it wrote (or whether) is asked before
        # sending: a zero means the chain holds the records already (a database rebuilt and its
        # exports replayed) and nothing is sent. Batches are asked until one is all new.
        self._ask_batches = True

    # ---- bookkeeping ----------------------------------------------------------------------

    def _set(self, record_ids: list[int], **values) -> None:
        """One Core update of the records by id, committed (no ORM session: this runs twice a batch)."""
        with self.engine.begin() as connection:
            connection.execute(update(SourceRecord).where(SourceRecord.id.in_(record_ids)).values(**values))

    def _confirm(self, record_ids: list[int], block: int | None) -> None:
        self._set(record_ids, status="confirmed", block_number=block, synced_at=datetime.now(UTC))

    def _reject(self, record: PendingRecord, error: DecodedError | str, summary: SyncSummary,
                field_name: str = "(record)") -> None:
        reject = reject_row(self.department, "chain", record.source_file, record.row_number, record.source_id,
                            field_name, str(error))
        with Session(self.engine) as session:
            session.add(Reject(**reject))
            session.execute(update(SourceRecord).where(SourceRecord.id == record.id).values(status="rejected"))
            session.commit()
        logger.info("rejected %s row %s: %s", record.source_id, record.row_number, error)
        summary.rejects.append(reject)

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
                self._confirm(record_ids, receipt["blockNumber"])
                confirmed += len(record_ids)
            else:  # never arrived, or reverted: send again (idempotent)
                self._set(record_ids, status="pending", tx_hash=None)
        self.sender.resync_nonce()
        return confirmed

    # ---- the steps of a pass ----------------------------------------------------------------

    def _next_batch(self, window: _Window) -> list[PendingRecord]:
        batch = read_pending(self.engine, self.department, self.mapping.kind, window.last_id, window.size)
        waiting = None
        if self.mapping.multicall:
            batch, waiting = self._apart(batch)
        if waiting is not None:  # read again from the first record left waiting
            window.rewind_to(waiting.id)
        elif batch:
            window.last_id = batch[-1].id
        return batch

    def _apart(self, batch: list[PendingRecord]) -> tuple[list[PendingRecord], PendingRecord | None]:
        """The records of the batch that touch no key an earlier record of it touches, and the
        first record left waiting: the calls of one multicall never build on each other, and a
        key's records still go in export order (a record left waiting keeps every later record
        of its keys waiting with it, for the next batch, read again from it)."""
        taken: list[PendingRecord] = []
        seen: set[bytes] = set()
        held: set[bytes] = set()
        first_waiting = None
        for record in batch:
            keys = self.mapping.keys_of(record.payload)
            if keys & (seen | held):
                held |= keys
                first_waiting = first_waiting or record
            else:
                taken.append(record)
                seen |= keys
        return taken, first_waiting

    def _ready(self, batch: list[PendingRecord], summary: SyncSummary) -> tuple[list[PendingRecord], frozenset[bytes]]:
        """The records to send now, and the chain keys one-by-one records touch."""
        batch = [r for r in batch if self._own(r, summary)]
        if self.mapping.batched or not batch:
            return batch, frozenset()
        keys = frozenset().union(*(self.mapping.keys_of(record.payload) for record in batch))
        # A change may build on one still in flight (a split on the transfer before it, a
        # revocation of the certificate reissued just before): wait for those, so it is
        # checked, resolved and estimated against their outcome, not the state before them.
        while any(flight.keys & keys for flight in self._in_flight):
            self._wait_oldest(summary)
        if self._window.last_id < batch[0].id:  # one of those never left: it goes first, read again
            return [], frozenset()
        return [r for r in batch if not self._in_history(r) and self._resolved(r, summary)], keys

    def _own(self, record: PendingRecord, summary: SyncSummary) -> bool:
        """Whether the record is this oracle's department's; another's is rejected, named."""
        field_name = self.mapping.owner_field
        if field_name is None or record.payload[field_name] == self.authority.department_code:
            return True
        self._reject(record, f"{field_name}: {record.payload[field_name]} is not this oracle's department "
                     f"{self.authority.department_code}", summary, field_name=field_name)
        return False

    def _in_history(self, record: PendingRecord) -> bool:
        """Confirm a record the chain's history already holds; True if it did."""
        check = self.mapping.written_before_of(record.payload)
        if check is None or not check(self.chain, record.payload, self.hasher):
            return False
        logger.info("%s is in the chain's history already", record.source_id)
        self._confirm([record.id], None)
        return True

    def _resolved(self, record: PendingRecord, summary: SyncSummary) -> bool:
        """Add the chain facts the record needs to its payload; reject it, named, if missing."""
        needs = self.mapping.action_of(record.payload).needs
        if needs is None:
            return True
        try:
            record.payload = {**record.payload, **needs(self.chain, record.payload, self.hasher)}
        except NotOnChain as exc:
            self._reject(record, exc.reason, summary, field_name=exc.field)
            return False
        return True

    def _calldata(self, records: list[PendingRecord]) -> bytes:
        if self.mapping.batched:
            return self.encoders[self.mapping.function].encode(
                [self.mapping.element(r.payload, self.hasher) for r in records])
        calls = [self._change_call(record) for record in records]
        if self.mapping.multicall:
            return self.encoders["multicall"].encode(calls)
        (call,) = calls
        return call

    def _change_call(self, record: PendingRecord) -> bytes:
        action = self.mapping.action_of(record.payload)
        return self.encoders[action.function].encode(*action.arguments(record.payload, self.hasher))

    def _price(self, records: list[PendingRecord], window: _Window, block_gas: int,
               summary: SyncSummary) -> tuple[list[PendingRecord], int, bytes] | None:
        """The records to send with their gas and calldata; None when the window was shrunk
        and the batch must be read again."""
        simulated = self._simulated_change(records)
        answer = None
        if simulated is not None:
            gas, data, answer = simulated
        elif self.mapping.batched and self._gas_per_record is not None and not self._estimate_every_batch:
            gas = int((self._gas_per_record * len(records) + CALL_OVERHEAD_GAS) * OPTIMISTIC_GAS_MARGIN)
            data = self._calldata(records)
        else:
            try:
                records, gas, data = self._estimate(records, summary)
            except BatchTooLarge as too_large:  # more than a block or a request holds: read fewer again
                window.rewind_to(records[0].id, too_large.fit)
                return None
            if records:
                # Learnt from the estimate itself, not from the sender's margin over it: the
                # margins stacked (1.2 x 1.1) reserved a third more gas than batches use, and on
                # a chain with a fixed block time (QBFT) a third of every block stayed empty.
                estimate = gas / self.sender.gas_margin
                self._gas_per_record = max(self._gas_per_record or 0,
                                           max(0, estimate - CALL_OVERHEAD_GAS) / len(records))
                if not self.mapping.batched:
                    function = self.mapping.function_of(records[0].payload)
                    self._gas_of_function[function] = max(self._gas_of_function.get(function, 0), gas)
        if (fit := _calldata_fit(records, data)) is not None:  # as many records as a request takes
            window.rewind_to(records[0].id, fit)
            return None
        # Asked whether priced by estimate or by the gas learnt so far: a replayed export's
        # later batches are on chain too, and must not be resent as no-op transactions.
        if records and self._writes_nothing(records, data, answer):
            self._confirm([r.id for r in records], None)
            summary.already_on_chain += len(records)
            return [], 0, b""
        if len(records) > 1 and gas > block_gas * self.block_gas_share:
            # Keep each transaction within half a block: EIP-1559 raises the base fee after
            # every block fuller than that, and a bulk import of full blocks drives it up
            # exponentially (measured: a 350k import ran out of 10,000 ETH of gas money).
            # From now on, as many records as fit in that share.
            window.rewind_to(records[0].id, max(1, min(len(records) - 1,
                                                       int(block_gas * self.block_gas_share * len(records) / gas))))
            return None
        return records, gas, data

    def _simulated_change(self, records: list[PendingRecord]) -> tuple[int, bytes, bytes] | None:
        """A one-by-one change's gas (learnt for its function), calldata and eth_call answer;
        None when it must be estimated: its function's gas is not known yet, or the call
        reverts (the estimate then rejects it, named, or stops the oracle, as for any record).

        One simulation instead of two: the call raises the contract's typed error as an
        estimate would, and returns what the change would write (``_writes_nothing``).
        Estimating and then asking cost a market act 40 % of its time (measured)."""
        if self.mapping.batched or self.mapping.multicall or self._estimate_every_batch:
            return None  # a batch is estimated: its records differ more than one change from another
        learnt = self._gas_of_function.get(self.mapping.function_of(records[0].payload))
        if learnt is None:
            return None
        data = self._calldata(records)
        try:
            answer = self.sender.call(self.to, data)
        except (ContractCustomError, ContractLogicError, Web3RPCError):
            return None
        return int(learnt * CHANGE_GAS_MARGIN), data, answer

    def _writes_nothing(self, records: list[PendingRecord], data: bytes, result: bytes | None = None) -> bool:
        """Whether the call would write none of the records (see ``_ask_batches``); ``result``
        is the call's answer when it was simulated already."""
        payload = records[0].payload
        if self.mapping.batched or self.mapping.multicall:
            ask = self._ask_batches
        else:  # a change whose history check has just said it is not on chain would write: no need
            ask = self.mapping.written_before_of(payload) is None
        if not ask or not self.encoders[self.mapping.function_of(payload)].returns_a_count:
            return False
        try:
            answer = self.sender.call(self.to, data) if result is None else result
        except (ContractCustomError, ContractLogicError):
            # A batch priced without an estimate that the registry would refuse: sent, it
            # reverts and its records go to the next pass, whose estimate names the culprit.
            return False
        if self.mapping.multicall:  # each call's own answer: whether it wrote its record
            written = sum(1 for each in decode(["bytes[]"], answer)[0] if any(each[:32]) or not each)
        else:
            written = int.from_bytes(answer[:32], "big")
        self._ask_batches = written < len(records)
        return written == 0

    def _estimate(self, records: list[PendingRecord], summary: SyncSummary,
                  chunked: bool = False) -> tuple[list[PendingRecord], int, bytes]:
        """The batch's calldata and gas; records the contract refuses are rejected and left out.

        A batch with one refused record is likely to hold more (an export's rows on titles or
        companies that were bad rows themselves): the rest is then estimated REFUSAL_CHUNK
        records at a time to find them, each refusal costing a chunk's estimate instead of the
        whole batch's again, and the batch left is estimated once more, whole (the Loudi demo's
        tax bureau: 1,422 refusals in batches of 2,000 took 12 minutes of estimates)."""
        while records:
            data = self._calldata(records)
            if (fit := _calldata_fit(records, data)) is not None:
                raise BatchTooLarge(fit)
            try:
                return records, self.sender.estimate_gas(self.to, data), data
            except Web3RPCError as exc:
                if len(records) > 1 and _too_large(exc):
                    raise BatchTooLarge(len(records) // 2) from None
                raise
            except (ContractCustomError, ContractLogicError) as exc:
                decoded = self.decoder.decode(exc)
                stop = self.authority.stopped_by(decoded)
                if stop is not None:
                    raise stop from None
                culprit = self._culprit(records, decoded)
                if culprit is None:
                    if len(records) == 1:
                        culprit = records[0]
                    else:  # not attributable from the error: find it by halves
                        half = len(records) // 2
                        records = (self._estimate(records[:half], summary, chunked=True)[0]
                                   + self._estimate(records[half:], summary, chunked=True)[0])
                        continue
                if not self._in_history(culprit):
                    self._reject(culprit, decoded or str(exc), summary)
                # An export with one refused record has more: estimate every batch from now on
                # rather than send one priced by the gas learnt and see it revert (a block lost).
                self._estimate_every_batch = True
                records = [r for r in records if r is not culprit]
                if not chunked and len(records) > REFUSAL_CHUNK:
                    chunked = True
                    chunks = (records[start:start + REFUSAL_CHUNK] for start in range(0, len(records), REFUSAL_CHUNK))
                    records = [kept for chunk in chunks for kept in self._estimate(chunk, summary, chunked=True)[0]]
        return [], 0, b""

    def _culprit(self, records: list[PendingRecord], decoded: DecodedError | None) -> PendingRecord | None:
        if decoded is None:
            return None
        named = {v for v in decoded.args.values() if isinstance(v, bytes)}
        return next((r for r in records if self.mapping.key_of(r.payload, self.hasher) in named), None)

    def _send(self, records: list[PendingRecord], gas: int, data: bytes, keys: frozenset[bytes],
              summary: SyncSummary) -> None:
        signed = self.sender.sign(self.to, data, gas)
        ids = [r.id for r in records]
        self._set(ids, status="sent", tx_hash=signed.hash)  # recorded before it leaves
        summary.transactions += 1
        self._in_flight.append(_InFlight(signed, ids, gas, keys, self.broadcaster.submit(signed)))
        if self.broadcaster.failed:
            self._unsent(summary)
        if len(self._in_flight) >= self.pipeline:
            self._wait_oldest(summary)

    def _unsent(self, summary: SyncSummary) -> None:
        """After a send failed: the records of every transaction signed after it (left unsent)
        are pending again, and so are its own when the node answered with a refusal; after a
        failure on the way (the connection) it may have arrived, and stays sent for the next
        run's reconciliation. The nonce is read again from the node. A refusal of the sender
        (no gas money, a nonce taken) stops the run, as any other failure. Two failures send the
        records again in this run, read again from the first of them: a refusal of the gas
        (their gas learnt again), and a send lost (:class:`SendLost`: the node may have taken it,
        so the records are checked against the chain as the registry answers them, and those it
        holds already are confirmed, not written twice)."""
        self.broadcaster.settle([flight.sent for flight in self._in_flight])
        unsent = [flight for flight in self._in_flight if flight.sent.exception() is not None]
        failure = unsent[0].sent.exception()
        for flight in unsent:
            self._in_flight.remove(flight)
        # A send lost may have been mined (its nonce is used): it counts; the rest never left.
        summary.transactions -= len(unsent) - isinstance(failure, SendLost)
        if isinstance(failure, (GasTooLow, SendLost)):
            if isinstance(failure, GasTooLow):
                self._gas_per_record = None
                self._gas_of_function.clear()
            self._read_again(failure, [i for flight in unsent for i in flight.record_ids])
            self.sender.resync_nonce()
            return
        # A node that failed to answer (after the connection's retries) may have taken it.
        refused = isinstance(failure, SenderError) or (isinstance(failure, Web3RPCError) and not node_failure(failure))
        never_left = [i for flight in (unsent if refused else unsent[1:]) for i in flight.record_ids]
        if never_left:
            self._set(never_left, status="pending", tx_hash=None)
        self.sender.resync_nonce()
        raise failure

    def _read_again(self, failure: Exception, record_ids: list[int]) -> None:
        """Records sent again in this pass (or the next when this one is draining), read again
        from the first of them, never forward: a flight lost after another one (a node back
        without several) must not skip the first one's records, or a key's later records would
        go before them. After a send lost, each batch is asked whether it writes anything."""
        logger.warning("%s; its records are read again and go again", failure)
        self._set(record_ids, status="pending", tx_hash=None)
        if isinstance(failure, SendLost):
            self._ask_batches = True
        self._window.rewind_to(min(min(record_ids), self._window.last_id + 1))

    def _wait_oldest(self, summary: SyncSummary) -> None:
        if self._in_flight[0].sent.exception() is not None:  # waits for it to leave
            self._unsent(summary)
            return
        flight = self._in_flight.popleft()
        try:
            receipt = self.sender.wait(flight.signed.hash, flight.signed.nonce)
        except SenderError:
            self._in_flight.appendleft(flight)  # settled with the rest when the run stops
            raise
        except SendLost as lost:  # its nonce used: it counts as sent
            self._read_again(lost, flight.record_ids)
            return
        if receipt["status"] == 1:
            self._confirm(flight.record_ids, receipt["blockNumber"])
            summary.written_now += len(flight.record_ids)
            return
        logger.warning("transaction %s reverted; its %s records go again", flight.signed.hash, len(flight.record_ids))
        self._set(flight.record_ids, status="pending", tx_hash=None)
        if receipt["gasUsed"] >= flight.gas:
            # Out of gas: the records cost more than those the figure was learnt from
            # (e.g. a first batch partly on chain already). Learn it again.
            self._gas_per_record = None
            self._gas_of_function.clear()
        else:  # state changed between estimate and mining: estimate every batch from now on
            self._estimate_every_batch = True

    def _settle_in_flight(self, summary: SyncSummary) -> None:
        """On a stop: settle what the chain has decided without waiting; the rest stays sent
        and the next run's reconciliation settles it."""
        self.broadcaster.settle([flight.sent for flight in self._in_flight])
        while self._in_flight:
            flight = self._in_flight.popleft()
            if flight.sent.exception() is not None:  # never left
                self._set(flight.record_ids, status="pending", tx_hash=None)
                continue
            receipt = self.sender.receipt(flight.signed.hash)
            if receipt is not None and receipt["status"] == 1:
                self._confirm(flight.record_ids, receipt["blockNumber"])
                summary.written_now += len(flight.record_ids)
            elif receipt is not None:
                self._set(flight.record_ids, status="pending", tx_hash=None)

    # ---- the run --------------------------------------------------------------------------

    def run(self, progress: bool = False, max_passes: int = 3) -> SyncSummary:
        """Write every pending record; returns the summary (loaded = confirmed + rejected + pending).

        A transaction that reverts when mined (the chain changed after its estimate) puts its
        records back to pending; a further pass estimates them again, so their error is found.
        Raises :class:`OracleStopped` (records stay pending) for an error of the oracle's own.
        """
        started = time.monotonic()
        summary = SyncSummary(self.department, self.mapping.kind)
        # An earlier run of this engine (a gateway's flushes reuse one) that ended in an error
        # may have left flights: the database holds them as sent, and reconciliation settles them.
        self._in_flight.clear()
        self.reconcile()
        self.broadcaster = Broadcaster(self.sender)
        try:
            for _ in range(max_passes):
                if not self.counts().get("pending"):
                    break
                self._pass(summary, progress)
        except (OracleStopped, SenderError) as exc:
            self._settle_in_flight(summary)
            if isinstance(exc, SenderError):
                raise stopped_by_sender(exc) from None
            raise
        finally:  # on any other exit (Ctrl-C), what is still queued never leaves: pending at the next run
            self.broadcaster.close()
        counts = self.counts()
        summary.confirmed = counts.get("confirmed", 0)
        summary.rejected = counts.get("rejected", 0)
        summary.pending = counts.get("pending", 0) + counts.get("sent", 0)
        summary.total = sum(counts.values())
        summary.seconds = time.monotonic() - started
        return summary

    def _pass(self, summary: SyncSummary, progress: bool) -> None:
        block_gas = self.sender.w3.eth.get_block("latest")["gasLimit"]
        window = self._window = _Window(self.batch_size)
        with tqdm(total=self.counts().get("pending", 0), desc=f"sync {self.department} {self.mapping.kind}",
                  unit=" records", disable=not progress) as bar:
            while batch := self._next_batch(window):
                records, keys = self._ready(batch, summary)
                if records:
                    priced = self._price(records, window, block_gas, summary)
                    if priced is None:
                        continue  # the window shrank: the same records are read again
                    records, gas, data = priced
                bar.update(len(batch))
                if records:
                    self._send(records, gas, data, keys, summary)
            while self._in_flight:
                self._wait_oldest(summary)

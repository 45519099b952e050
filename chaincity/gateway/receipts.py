"""Read receipts: a record in the department database for every answer, before the answer
leaves; written to the chain in batches by the oracle engine (the one sender), from a
background thread that flushes every few hundred milliseconds, or sooner when many wait.

Receipts are committed to the database in groups: each answer waits for the commit holding
its receipt (a few milliseconds), and one commit (one fsync) holds every receipt that arrived
meanwhile. A receipt's row is unique per requester and nonce: the replay check that holds
across a gateway's worker processes (``gateway serve --workers``), and across restarts. A receipt is a record like any other (kind ``read-receipt``): pending → sent → confirmed, or
rejected with the contract's error, so a gateway killed mid-flush resends it on its next
start and none is lost; the registry's write is idempotent per read id.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from chaincity.db import SourceRecord
from chaincity.oracle.spec import Batched
from chaincity.oracle.stops import OracleStopped
from chaincity.oracle.sync import SyncEngine

logger = logging.getLogger(__name__)
KIND = "read-receipt"


def _hex(value: str) -> bytes:
    return bytes.fromhex(value[2:])


RECEIPTS = Batched(
    kind=KIND,
    contract="DataAccessGrants",
    function="recordReceipts",
    # IDataAccessGrants.ReadReceipt: (readId, grantId, queryDigest, answerDigest)
    element=lambda p, _hasher: tuple(_hex(p[k]) for k in ("readId", "grantId", "queryDigest", "answerDigest")),
    chain_key=lambda p: _hex(p["readId"]),
)


class ReplayedRead(Exception):
    """A receipt whose requester and nonce already have one: the request is a replay."""


def source_id(payload: dict) -> str:
    return f"read:{payload['requester']}:{payload['nonce']}"


class ReceiptDesk:
    """Takes receipts as answers are served and flushes them to the chain in the background.
    Without a sync engine (a worker of several) it only commits them: the process that started
    the workers writes them to the chain, so one key sends for the department."""

    def __init__(self, engine: Engine, department: str, sync: SyncEngine | None, *, interval: float = 0.2,
                 batch: int = 200, pause_after_stop: float = 5.0):
        self.engine, self.department, self.sync = engine, department, sync
        self.interval, self.batch, self.pause_after_stop = interval, batch, pause_after_stop
        self._waiting = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="receipts", daemon=True)
        self._incoming: queue.Queue[tuple[dict, threading.Event, list]] = queue.Queue()
        self._committer = threading.Thread(target=self._commit_loop, name="receipt-commits", daemon=True)

    def take(self, payload: dict) -> None:
        """Keep the receipt of an answer about to leave; returns once it is committed."""
        done, failure = threading.Event(), []
        self._incoming.put((payload, done, failure))
        done.wait()
        if failure:
            raise failure[0]

    def start(self) -> None:
        self._committer.start()
        if self.sync is not None:
            self._thread.start()

    def stop(self) -> None:
        """Flush what waits, then stop."""
        self._incoming.put(None)
        self._committer.join()
        if self.sync is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join()

    def _rows(self, group: list) -> list[dict]:
        return [{"department": self.department, "source_id": source_id(p), "kind": KIND, "payload": p,
                 "source_file": "gateway", "row_number": 0} for p, _, _ in group]

    def _commit_loop(self) -> None:
        stopping = False
        while not stopping:
            group = [self._incoming.get()]
            while not self._incoming.empty():  # every receipt that came meanwhile: one commit
                group.append(self._incoming.get())
            stopping = None in group
            group = [item for item in group if item is not None]
            if not group:
                continue
            try:
                with self.engine.begin() as connection:  # one transaction, one fsync
                    connection.execute(insert(SourceRecord), self._rows(group))
            except IntegrityError:  # a replay among them (rare): one by one, to refuse only it
                self._commit_each(group)
            except Exception as exc:  # the database refused: those answers do not leave
                for _, _, failure in group:
                    failure.append(exc)
            for _, done, _ in group:
                done.set()
            self._waiting += len(group)  # a hint only: the flush reads the database
            if self._waiting >= self.batch:
                self._wake.set()

    def _commit_each(self, group: list) -> None:
        for item in group:
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(SourceRecord), self._rows([item]))
            except IntegrityError:
                item[2].append(ReplayedRead(f"nonce {item[0]['nonce']} was used already: a replayed request"))
            except Exception as exc:
                item[2].append(exc)

    def flush(self) -> None:
        """Write the receipts waiting (and settle any a killed gateway left sent)."""
        self._waiting = 0
        counts = self.sync.counts()
        if not counts.get("pending") and not counts.get("sent"):
            return
        summary = self.sync.run(max_passes=1)
        if summary.written_now or summary.rejects:
            logger.info("receipts: %s written, %s rejected, %s pending", summary.written_now,
                        len(summary.rejects), summary.pending)

    def _loop(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except OracleStopped as exc:  # suspended, paused, no gas money: they stay pending
                logger.warning("receipts not written for now: %s", exc)
                self._stop.wait(self.pause_after_stop)
            except Exception:  # an RPC outage: the next round tries again, nothing is lost
                logger.exception("receipts: flush failed; they stay pending")
                self._stop.wait(self.pause_after_stop)
            if self._stop.is_set():
                return

"""Load: two banks, a court and the registration centre writing at once, for N minutes, on a
2 s-block Anvil (the production QBFT chain's block time), each department with its oracle
running as `chaincity oracle sync --follow` (its own process, as a department runs it).

A feeder plays the clerks: every 15 s the registration centre loads its next slice of
datagen's titles (`chaincity db load`), and the banks and the court load the mortgages and
seizures of titles already on chain. Every 10 s the run samples each oracle's memory (RSS)
and each follower's lag (chain head minus the last block it followed). At the end it waits for
every oracle to drain, then checks records in = records on chain (the registries' events
counted against the databases), that no oracle died or logged an error, and reports the
figures: throughput and load-to-confirmed latency per department, follower lag, RSS
first/last/max per process.

    python -m bench.load --minutes 10
"""

from __future__ import annotations

import argparse
import csv
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.devnet import private_devnet
from bench.figure import Figure, percentiles
from chaincity import datagen
from chaincity.db import Checkpoint, Reject, SourceRecord
from chaincity.demo.city import DemoCity
from chaincity.demo.departments import department
from chaincity.devnet import Devnet
from chaincity.formats import unit_key

CODES = ("LD-REC", "LD-BANK-ICBC", "LD-BANK-CCB", "LD-COURT-INT")
FEED_SECONDS = 15
SAMPLE_SECONDS = 10
BLOCK_TIME = 2
DRAIN_SECONDS = 180
# Seizures are 1 % of Loudi's titles; ten times as many give the court something to write.
SEIZED_SHARE = 0.1
FIGURE = 9  # not one of BENCHMARKS.md's 1-8: RELIABILITY.md reports it


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


@dataclass
class Samples:
    rss: dict[str, list[float]] = field(default_factory=dict)  # MB, by department code
    lag: dict[str, list[int]] = field(default_factory=dict)  # blocks, by follower


class LoadRun:
    """One run on ``net``, a 2 s-block Anvil of its own started by the caller, in ``root``."""

    def __init__(self, minutes: float, net: Devnet, root: Path):
        self.minutes, self.net, self.root = minutes, net, root
        self.samples = Samples()
        self.loaded: dict[str, int] = dict.fromkeys(CODES, 0)
        self.errors: list[str] = []

    # ---- setting up ----------------------------------------------------------------------

    def start(self) -> None:
        self.city = DemoCity(self.net, self.root, secrets.token_bytes(32))
        self.city.command("deploy", "--rpc-url", self.net.rpc_url, "--deployments-dir", self.root / "deployments")
        for code in CODES:
            dept = department(code)
            self.city.by_quorum("register", code, "--kind", dept.kind, "--name", dept.name, "--signer",
                                _address(dept.account))
        households = max(60, int(100 * self.minutes))
        saved, datagen.SEIZED_SHARE = datagen.SEIZED_SHARE, SEIZED_SHARE
        try:
            self.files = datagen.generate(self.root / "data", households, bad_share=0, seed=9)
        finally:
            datagen.SEIZED_SHARE = saved
        self.columns, self.titles = _rows(self.files.real_estate)
        self.others = {code: _rows(path) for code, path in (self.files.banks | self.files.courts).items() if code in CODES}
        self.fed_others: dict[str, int] = dict.fromkeys(self.others, 0)
        for code in CODES:
            self.city.start_follower(department(code))

    # ---- the clerks ----------------------------------------------------------------------

    def _load(self, code: str, columns: list[str], rows: list[dict], slice_no: int) -> None:
        if not rows:
            return
        path = self.root / "data" / f"feed-{code}-{slice_no:03d}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
        dept = department(code)
        answer = self.city.command("db", "load", dept.oracle, path, department=dept)
        self.loaded[code] += answer["loaded"]
        if answer["rejected"]:
            self.errors.append(f"{code}: {answer['rejected']} rows of {path.name} rejected on load")

    def _on_chain_units(self) -> set[str]:
        with Session(self.city.engine(department("LD-REC"))) as session:
            return {p["unit_code"] for p in session.scalars(
                select(SourceRecord.payload).where(SourceRecord.status == "confirmed"))}

    def feed(self, deadline: float) -> None:
        slices = max(1, int(self.minutes * 60 // FEED_SECONDS))
        size = -(-len(self.titles) // slices)
        for number in range(slices):
            self._load("LD-REC", self.columns, self.titles[number * size:(number + 1) * size], number)
            on_chain = self._on_chain_units()
            for code, (columns, rows) in self.others.items():
                take = 0  # in the export's order: a row waits for the rows before it
                for row in rows[self.fed_others[code]:]:
                    if row["unit_code"] not in on_chain:
                        break
                    take += 1
                self._load(code, columns, rows[self.fed_others[code]:self.fed_others[code] + take], number)
                self.fed_others[code] += take
            time.sleep(max(0.0, min(FEED_SECONDS, deadline - time.monotonic())))
            if time.monotonic() >= deadline:
                break

    # ---- watching ------------------------------------------------------------------------

    def sample(self) -> None:
        head = self.city.w3.eth.block_number
        for code, process in zip(CODES, self.city.followers, strict=True):
            if process.poll() is not None:
                self.errors.append(f"{code}'s oracle exited with code {process.returncode}")
                continue
            self.samples.rss.setdefault(code, []).append(psutil.Process(process.pid).memory_info().rss / 2**20)
            dept = department(code)
            with Session(self.city.engine(dept)) as session:
                checkpoint = session.get(Checkpoint, f"{dept.oracle}:{code}")
            if checkpoint is not None:
                self.samples.lag.setdefault(code, []).append(head - checkpoint.block_number)

    def watch(self, stop: threading.Event) -> None:
        while not stop.wait(SAMPLE_SECONDS):
            self.sample()

    def drained(self) -> bool:
        for code in CODES:
            with Session(self.city.engine(department(code))) as session:
                if session.scalar(select(func.count()).where(SourceRecord.status.in_(("pending", "sent")))):
                    return False
        return True

    # ---- the run -------------------------------------------------------------------------

    def run(self) -> list[Figure]:
        started = time.monotonic()
        self.start()
        stop = threading.Event()
        watcher = threading.Thread(target=self.watch, args=(stop,), daemon=True)
        watcher.start()
        try:
            feed_started = time.monotonic()
            self.feed(feed_started + self.minutes * 60)
            fed_for = time.monotonic() - feed_started
            drain_deadline = time.monotonic() + DRAIN_SECONDS
            while not self.drained() and time.monotonic() < drain_deadline:
                time.sleep(2)
            time.sleep(2 * BLOCK_TIME + 1)  # the followers' last round
            self.sample()
        finally:
            stop.set()
            watcher.join()
            self.city.stop_followers()
        figures = self.figures(fed_for)
        print(f"load run: {time.monotonic() - started:.0f} s in all, {fed_for:.0f} s of feeding")
        return figures

    def figures(self, fed_for: float) -> list[Figure]:
        registry = self.city.city["PropertyRegistry"]
        events = {"LD-REC": "TitleRegistered", "LD-BANK-ICBC": "MortgageRegistered", "LD-BANK-CCB": "MortgageRegistered",
                  "LD-COURT-INT": "TitleSeized"}
        logs = {name: registry.events[name]().get_logs(from_block=0) for name in set(events.values())}
        figures = []
        for code in CODES:
            dept = department(code)
            with Session(self.city.engine(dept)) as session:
                records = session.execute(select(SourceRecord.status, SourceRecord.loaded_at, SourceRecord.synced_at,
                                                 SourceRecord.payload)).all()
                reasons = list(session.scalars(select(Reject.reason)))
            rejects = len(reasons)
            confirmed = [r for r in records if r.status == "confirmed"]
            units = {unit_key(r.payload["unit_code"]) for r in confirmed}
            on_chain = [log for log in logs[events[code]] if bytes(log["args"]["unit"]) in units]
            if code == "LD-REC":
                chain_count = len(on_chain)
            else:  # a bank's or the court's own: its department id in the event
                me = _department_id(code)
                chain_count = sum(1 for log in on_chain
                                  if me in {bytes(v) for v in log["args"].values() if isinstance(v, bytes | bytearray)})
            latencies = [(r.synced_at - r.loaded_at).total_seconds() for r in confirmed if r.synced_at and r.loaded_at]
            lag, rss = self.samples.lag.get(code, []), self.samples.rss.get(code, [])
            note = (f"loaded {len(records)}, confirmed {len(confirmed)}, on chain (events) {chain_count}, rejected "
                    f"{rejects}" + (f" ({reasons[0][:120]})" if reasons else "") + "; load→confirmed latency; RSS MB first/last/max "
                    + (f"{rss[0]:.0f}/{rss[-1]:.0f}/{max(rss):.0f}" if rss else "n/a")
                    + (f"; follower lag blocks median/max {statistics.median(lag):.0f}/{max(lag)}" if lag else
                       "; no follower (the centre follows nothing)"))
            figures.append(Figure(FIGURE, f"load {self.minutes:g} min: {code} writing beside 3 others", "anvil-2s",
                                  len(records), len(confirmed) / fed_for if fed_for else 0.0, "records/s",
                                  success_rate=(chain_count / len(records)) if records else None, note=note,
                                  **percentiles(latencies)))
            if lag:
                figures.append(Figure(FIGURE, f"load: {code} follower lag (max)", "anvil-2s", len(lag), max(lag),
                                      "blocks", goal=10, goal_is_max=True,
                                      note=f"median {statistics.median(lag):.0f} blocks, sampled every {SAMPLE_SECONDS} s"))
            if rss:
                # The first samples catch the oracle importing and warming up: flat means flat after the first minute.
                warm = rss[min(len(rss) - 1, 60 // SAMPLE_SECONDS)]
                figures.append(Figure(FIGURE, f"load: {code} oracle RSS (last)", "anvil-2s", len(rss), rss[-1], "MB",
                                      note=f"first {rss[0]:.1f}, after 1 min {warm:.1f}, max {max(rss):.1f} MB "
                                           f"over {len(rss)} samples"))
        figures.append(Figure(FIGURE, "load: errors (oracles died, load rejects, logged errors)", "anvil-2s",
                              len(CODES), float(len(self.errors) + self._logged_errors()), "errors", goal=0,
                              goal_is_max=True, note="; ".join(self.errors)[:300]))
        return figures

    def _logged_errors(self) -> int:
        count = 0
        for code in CODES:
            log = self.root / f"follower-{code}.log"
            if log.exists():
                text = log.read_text(encoding="utf-8", errors="replace")
                found = [line for line in text.splitlines() if line.startswith(("ERROR", "error:", "Traceback"))]
                self.errors += [f"{code}: {line[:120]}" for line in found[:3]]
                count += len(found)
        return count


def _address(account: int) -> str:
    from chaincity.chain.signer import devnet_account

    return devnet_account(account).address


def _department_id(code: str) -> bytes:
    from chaincity.chain.enums import department_id

    return department_id(code)


def measure(quick: bool = False, minutes: float | None = None) -> list[Figure]:
    """The load run (``quick``: one minute)."""
    with private_devnet("load", block_time=BLOCK_TIME) as (_w3, net, work):
        return LoadRun(minutes or (1 if quick else 10), net, work).run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    arguments = parser.parse_args()
    for figure in measure(minutes=arguments.minutes):
        print(figure.as_dict())

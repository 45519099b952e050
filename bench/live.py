"""Figure 6's live half: a department's follower beside an import, as ``chaincity oracle follow``
runs it (a poll every 2 s, the CLI's --interval default, 1 confirmation), measured for how far it
trails the chain: blocks behind the head before each poll, and seconds from each event's block
to the poll that stored it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from web3 import Web3

from bench.figure import Figure, percentiles
from chaincity.chain.follower import EventFollower
from chaincity.db import ChainEvent, open_database

NAME = "live"


class LiveFollower(threading.Thread):
    """Follows ``registry``'s title registrations from the next block on, on a connection of its
    own, until ``finish``."""

    def __init__(self, url: str, registry, database: Path, interval: float = 2.0):
        super().__init__(daemon=True)
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))
        self.followed = self.w3.eth.block_number
        self.engine = open_database(f"sqlite:///{database}")
        contract = self.w3.eth.contract(address=registry.address, abi=registry.abi)
        self.follower = EventFollower(self.w3, self.engine, NAME, {"PropertyRegistry": contract},
                                      topics=[[[contract.events.TitleRegistered().topic]]],
                                      start_block=self.followed + 1)
        self.interval = interval
        self.lags: list[int] = []  # blocks the head was ahead of what was read, before each poll
        self.latencies: list[float] = []  # an entry an event: its block's timestamp to its poll's end
        self.events = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self._poll()

    def finish(self) -> None:
        """Stop polling, then read what is left (so every event is counted once)."""
        self.stopping.set()
        self.join()
        self._poll(note_lag=False)

    def _poll(self, note_lag: bool = True) -> None:
        if note_lag:
            self.lags.append(self.w3.eth.block_number - self.followed)
        result = self.follower.poll()
        read_at = time.time()
        if result.events:
            with Session(self.engine) as session:
                per_block = session.execute(
                    select(ChainEvent.block_number, func.count()).where(
                        ChainEvent.follower == NAME, ChainEvent.block_number > self.followed)
                    .group_by(ChainEvent.block_number)).all()
            for number, count in per_block:
                self.latencies += [read_at - self.w3.eth.get_block(number)["timestamp"]] * count
        self.followed, self.events = max(self.followed, result.to_block), self.events + result.events

    def figure(self, chain: str, written: int) -> Figure:
        """The follower's lag over the import (``written`` events expected: one a title)."""
        lags = sorted(self.lags) or [0]
        spread = percentiles(self.latencies)
        return Figure(
            6, "follower lag behind the head, live during the import", chain, self.events,
            float(lags[len(lags) // 2]), "blocks", success_rate=self.events / max(1, written),
            **{key: None if value is None else round(value, 2) for key, value in spread.items()},
            note=(f"median blocks behind before each of {len(self.lags)} polls every {self.interval:.0f} s "
                  f"(the CLI's --interval), max {lags[-1]}; p50/p95/p99: seconds from an event's block "
                  f"to the follower's database (block timestamps are whole seconds)"))

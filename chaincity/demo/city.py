"""The demo's city: its devnet, the departments' databases and commands, and the steps so far.

Every act of a department or an administrator goes through the CLI a user would type
(:mod:`chaincity.demo.commands`), so the demo shows the commands working, not a shortcut
around them; a follower runs as its own `python -m chaincity oracle sync --follow` process, as
a department would run it. The demo reads results back from the chain and the department
databases, never from printed text.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from chaincity.chain import connect
from chaincity.chain.contracts import call_named
from chaincity.chain.deployment import City
from chaincity.db import Reject, SourceRecord, open_database
from chaincity.demo.commands import DemoError, readable, run_command
from chaincity.demo.departments import DEPARTMENTS, Department, department
from chaincity.devnet import Devnet
from chaincity.formats import unit_key
from chaincity.hashing import Hasher

logger = logging.getLogger(__name__)

# Records per transaction at most, per devnet (CHAINCITY_BATCH_SIZE wins). Ganache: see env().
# Each transaction is a block Anvil mines, at a cost that grows with the chain's state
# (runner.ANVIL_ARGS): fewer, larger ones, in the demo's 1G-gas blocks (runner.ANVIL_BLOCK_GAS);
# the engine still keeps each within half a block and within a request's size (MAX_CALLDATA_BYTES:
# about 2,600 titles, 6,000 tax grades).
BATCH_SIZE = {"ganache": 50, "anvil": 10_000}
# The city's three administrators (2 of 3) on a devnet: test accounts 0-2, as `chaincity deploy` sets them.
PROPOSER, APPROVER, EXECUTOR = 0, 1, 2


@dataclass
class Step:
    """One timed step of the demo, with the chain activity inside it."""

    name: str
    seconds: float = 0.0
    first_block: int = 0
    last_block: int = 0
    transactions: int = 0
    gas: int = 0


@dataclass
class DemoCity:
    """A running demo: devnet, deployment, department databases, and the steps so far."""

    devnet: Devnet
    root: Path  # the run's folder: deployments, databases, data, story exports
    pepper: bytes
    steps: list[Step] = field(default_factory=list)
    followers: list[subprocess.Popen] = field(default_factory=list)
    gateways: list[subprocess.Popen] = field(default_factory=list)  # `gateway serve` processes, till the end
    sync_started: dict[str, datetime] = field(default_factory=dict)  # when each import sync began
    used_units: set[str] = field(default_factory=set)  # titles a story took, kept from the others
    _engines: dict[str, Engine] = field(default_factory=dict)

    def __post_init__(self):
        self.w3 = connect(self.devnet.rpc_url)
        self.hasher = Hasher(self.pepper)
        for folder in ("data", "stories", "db"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    # ---- the command line ------------------------------------------------------------------

    def env(self, department: Department | None = None) -> dict[str, str]:
        """The settings a department's (or an administrator's) commands run with."""
        env = {"CHAINCITY_RPC_URL": self.devnet.rpc_url, "PYTHONUNBUFFERED": "1",
               "CHAINCITY_DEPLOYMENTS_DIR": str(self.root / "deployments"), "CHAINCITY_PEPPER": self.pepper.hex(),
               # The oracle's first batch is estimated at its full size: 200 mortgages need more
               # than a 30M-gas block, and Ganache takes longer than the RPC timeout to refuse
               # that estimate on a busy machine (the retries pile up); 100 mortgages, too, when two
               # contract suites share the two cores. 50 pass on such a machine.
               "CHAINCITY_BATCH_SIZE": os.environ.get("CHAINCITY_BATCH_SIZE", str(BATCH_SIZE[self.devnet.name]))}
        if department is not None:
            env |= {"CHAINCITY_DEPARTMENT": department.code, "CHAINCITY_DEVNET_ACCOUNT": str(department.account),
                    "CHAINCITY_DATABASE_URL": self.database_url(department)}
        return env

    def command(self, *args, department: Department | None = None, extra: dict[str, str] | None = None):
        """`chaincity ARGS --json` as that department (or an administrator), with ``extra``
        settings (a key file); the parsed answer."""
        return run_command(args, self.env(department) | (extra or {}))

    def by_quorum(self, *propose: object) -> dict:
        """`directory propose PROPOSE…` by one administrator, `approve` by a second, `execute` by
        a third: a power that grants rights, given by the administrators' quorum; the executed proposal."""
        proposal = self.command("directory", "propose", *propose, "--devnet-account", PROPOSER)
        self.command("directory", "approve", proposal["id"], "--devnet-account", APPROVER)
        return self.command("directory", "execute", proposal["id"], "--devnet-account", EXECUTOR)

    def command_watched(self, args: tuple, department: Department, total: int, desc: str):
        """A long command (`oracle sync ORACLE`) with a progress bar read from the department's
        database: how many of that export's ``total`` records have left 'pending'."""
        bar = tqdm(total=total, desc=desc, unit=" records", leave=False)
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.5):
                bar.update(max(0, self.settled(department, args[2]) - bar.n))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return self.command(*args, department=department)
        finally:
            done.set()
            watcher.join()
            bar.close()

    def start_follower(self, department: Department) -> None:
        """`chaincity oracle sync --follow` in the background: the department's oracle keeps
        writing what it loads and reading the chain into its read model until the demo ends."""
        argv = [sys.executable, "-m", "chaincity", "oracle", "sync", department.oracle, "--follow", "--interval", "0.5"]
        log = (self.root / f"follower-{department.code}.log").open("ab")
        self.followers.append(subprocess.Popen(argv, env={**os.environ, **self.env(department)}, stdin=subprocess.DEVNULL,
                                               stdout=log, stderr=subprocess.STDOUT))
        log.close()  # the child has its own copy

    def start_gateway(self, department: Department, oracle: str, port: int, wait: float = 60.0) -> str:
        """`chaincity gateway serve ORACLE` for the department, as its own process (with the
        department's second key, so it never sends alongside the oracle); its URL once it answers."""
        argv = [sys.executable, "-m", "chaincity", "gateway", "serve", oracle, "--port", str(port)]
        env = {**os.environ, **self.env(department), "CHAINCITY_DEVNET_ACCOUNT": str(department.gateway_account)}
        log_path = self.root / f"gateway-{department.code}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.gateways.append(process)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DemoError(f"`chaincity gateway serve {oracle}` exited {process.returncode}: "
                                f"{log_path.read_text(errors='replace').strip()[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return f"http://127.0.0.1:{port}"
            time.sleep(0.2)
        raise DemoError(f"the gateway of {department.code} did not answer on port {port} within {wait:.0f} s")

    def stop_followers(self) -> None:
        _stop(self.followers)

    def stop_gateways(self) -> None:
        _stop(self.gateways)

    # ---- one department's data ---------------------------------------------------------------

    def database_url(self, department: Department) -> str:
        return f"sqlite:///{self.root / 'db' / (department.code + '.db')}"

    def engine(self, department: Department) -> Engine:
        if department.code not in self._engines:
            self._engines[department.code] = open_database(self.database_url(department))
        return self._engines[department.code]

    def settled(self, department: Department, oracle: str) -> int:
        """Records of one of the department's exports (``oracle``) no longer pending: sent
        (marked just before its transaction leaves), on chain or rejected."""
        with contextlib.suppress(Exception), Session(self.engine(department)) as session:  # the oracle may hold a write lock
            return session.scalar(select(func.count()).select_from(SourceRecord).where(
                SourceRecord.department == oracle, SourceRecord.status != "pending"))
        return 0

    def records(self, department: Department, kind: str | None = None, status: str | None = "confirmed",
                source_id: str | None = None) -> list[SourceRecord]:
        """The department's records (of a kind, in a status, with an id), in load order."""
        query = select(SourceRecord).order_by(SourceRecord.id)
        for column, value in ((SourceRecord.kind, kind), (SourceRecord.status, status), (SourceRecord.source_id, source_id)):
            if value is not None:
                query = query.where(column == value)
        with Session(self.engine(department)) as session:
            return list(session.scalars(query))

    def rejects(self, department: Department, source_id: str) -> str:
        """Why the record was rejected (field: reason), as the department database says."""
        with Session(self.engine(department)) as session:
            reject = session.scalars(select(Reject).where(Reject.source_id == source_id).order_by(Reject.id.desc())).first()
        return f"{reject.field}: {readable(reject.reason)}" if reject else ""

    def free_title(self, used: set[str]) -> dict:
        """A registered title with no mortgage, seizure or later change, not used by another
        story: the first-registration record of the registration centre, as loaded."""
        changed = {row["unit_code"] for row in _rows(self.root / "data" / "real_estate_changes.csv")}
        for record in self.records(department("LD-REC"), kind="title"):
            unit = record.payload["unit_code"]
            if unit in used or unit in changed:
                continue
            title = self.title(unit)
            if not title["mortgages"] and not title["seizures"]:
                used.add(unit)
                return record.payload
        raise DemoError("no free title left in the register")

    def title(self, unit_code: str) -> dict:
        return self.registry_call("titleOf", unit_key(unit_code))

    def export(self, name: str, columns: tuple[str, ...], rows: list[dict]) -> Path:
        """A story's own small export, written as the department's clerk would."""
        path = self.root / "stories" / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
        return path

    def load_and_sync(self, department: Department, path: Path) -> list[dict]:
        """The department's routine: `db load` its export, then `oracle sync`."""
        self.command("db", "load", department.oracle, path, department=department)
        return self.command("oracle", "sync", department.oracle, department=department)

    # ---- the chain ----------------------------------------------------------------------------

    @property
    def city(self) -> City:
        return City(self.w3, self.root / "deployments")

    def registry_call(self, function: str, *args):
        return call_named(self.city["PropertyRegistry"], function, *args)

    @contextlib.contextmanager
    def step(self, name: str):
        """Time a step and count the transactions and gas of the blocks it mined."""
        step = Step(name, first_block=self.w3.eth.block_number + 1)
        started = time.monotonic()
        self.steps.append(step)
        yield step  # a failed step (or Ctrl-C) is not measured: the chain may be gone
        step.seconds = time.monotonic() - started
        step.last_block = self.w3.eth.block_number
        for number in range(step.first_block, step.last_block + 1):
            block = self.w3.eth.get_block(number)
            step.transactions += len(block["transactions"])
            step.gas += block["gasUsed"]


def _stop(processes: list[subprocess.Popen]) -> None:
    """Stop the processes the demo started (SIGTERM: a gateway writes its waiting receipts first)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    processes.clear()


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


__all__ = ["DEPARTMENTS", "DemoCity", "DemoError", "Department", "Step", "department", "readable"]

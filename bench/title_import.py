"""Figures 2, 3 and 6: the real-estate title import and the follower (BENCHMARKS.md).

    python -m bench.title_import --households 20000                    # fig 2 on Anvil
    python -m bench.title_import --chain ganache --households 2000     # fig 2 on Ganache
    python -m bench.title_import --households 150000 --block-time 5 --gas-limit 10000000000 \\
        --batch-size 1000 --pipeline 160 --prune-history --naive-sample 0 --follow
                        # fig 3: Loudi's ~350,000 titles on a QBFT-like chain, + fig 6's catch-up
    python -m bench.title_import --households 20000 --changes 300
                        # + fig 6: 300 changes, history checked by an event-log search (before)
                        # and by the registry's certificate record (now)

Each run starts a private devnet on a free port, deploys, onboards a registration centre,
generates and loads the titles, then measures from one chain state (a snapshot reverted in
between): (1) the naive script, registerTitles of one record per transaction, waiting for
each receipt; (2) the node's ceiling for pipelined value transfers; (3) the same batched
registry calls as the oracle's, sent by a minimal pipelined script with no database; (4) the
oracle sync of everything, with where its time goes. ``measure()`` is the harness's entry.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from web3 import Web3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))  # the tests' devnet city (deploy, onboard)

from bench.devnet import private_devnet  # noqa: E402
from bench.figure import Figure, percentiles  # noqa: E402
from bench.report import print_figures  # noqa: E402
from chaincity import devnet as devnets  # noqa: E402
from chaincity.chain.calldata import CallEncoder  # noqa: E402
from chaincity.chain.deployment import City  # noqa: E402
from chaincity.chain.enums import DepartmentKind  # noqa: E402
from chaincity.chain.errors import ErrorDecoder  # noqa: E402
from chaincity.chain.follower import EventFollower  # noqa: E402
from chaincity.chain.sender import TransactionSender  # noqa: E402
from chaincity.chain.signer import devnet_account  # noqa: E402
from chaincity.datagen import generate  # noqa: E402
from chaincity.db import Reject, SourceRecord, open_database  # noqa: E402
from chaincity.departments.real_estate import CHANGES, REGISTRATIONS, SPEC  # noqa: E402
from chaincity.hashing import Hasher  # noqa: E402
from chaincity.load import load_csv  # noqa: E402
from chaincity.oracle.history import ChainReader  # noqa: E402
from chaincity.oracle.stops import Authority  # noqa: E402
from chaincity.oracle.sync import CALL_OVERHEAD_GAS, SyncEngine  # noqa: E402
from conftest import LOUDI, PEPPER, deploy_devnet_city, onboard  # noqa: E402

# Goals of issue 16.
NAIVE_RATIO_GOAL = 50.0  # fig 2, Anvil: the oracle with its default settings against the naive script
CEILING_SHARE_GOAL = 0.8  # fig 2, Ganache: the oracle against the same batched calls sent by a minimal script
LOUDI_SECONDS_GOAL, LOUDI_MB_GOAL = 60.0, 500.0  # fig 3
LOUDI_TITLES = 350_000


@dataclasses.dataclass
class Options:
    """One run; the defaults are the oracle's own (CHAINCITY_BATCH_SIZE, _PIPELINE, _BLOCK_SHARE)."""

    chain: str = "anvil"
    households: int = 5_000
    naive_sample: int = 300
    transfers: int = 500  # value transfers for the node's ceiling (0: skip it and the batched ceiling)
    batch_size: int = 200
    pipeline: int = 8
    block_share: float = 0.5
    prune_history: bool = False
    block_time: int | None = None
    gas_limit: int = devnets.BLOCK_GAS_LIMIT
    changes: int = 0
    follow: bool = False  # the follower's catch-up over the registration events (fig 6)
    # Each contender on a devnet of its own (see run()); False: one devnet, a snapshot
    # reverted after each (a quick run: three devnets fewer to start and deploy on).
    fresh_chains: bool = True
    figure: int = 2  # 3 for the Loudi-scale run


@dataclasses.dataclass
class Bench:
    """A devnet with the city deployed, the registration centre onboarded and its titles loaded."""

    w3: Web3
    city: City
    registrar: object
    hasher: Hasher
    engine: object
    work: Path
    files: object
    loaded: int
    seconds: dict[str, float]  # generation, loading

    def snapshot(self) -> str:
        return self.w3.provider.make_request("evm_snapshot", [])["result"]

    def revert(self, snapshot: str) -> None:
        assert self.w3.provider.make_request("evm_revert", [snapshot])["result"]

    def payloads(self) -> list[dict]:
        with Session(self.engine) as session:
            return list(session.scalars(select(SourceRecord.payload).where(SourceRecord.kind == REGISTRATIONS.kind)
                                        .order_by(SourceRecord.id)))


class Stopwatch:
    """Time spent in some methods of some objects, by label (wraps them in place)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
        setattr(owner, name, timed)


def _reset_peak_memory() -> None:
    """Let VmHWM start again from the current RSS (Linux >= 4.0), so the peak is this run's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def city_with_titles(options: Options) -> Iterator[Bench]:
    """A private devnet (stopped afterwards) with the city and ``options.households``' titles loaded."""
    extra = ("--prune-history",) if options.prune_history else ()
    with private_devnet("titles", options.chain, block_gas_limit=options.gas_limit, block_time=options.block_time,
                        extra_args=extra, timeout=300) as (w3, _, work):
        config = deploy_devnet_city(w3, work / "deployments")
        registrar = devnet_account(3)
        onboard(w3, config.deployments_dir, "LD-REC", DepartmentKind.REAL_ESTATE_REGISTRATION, [registrar.address])
        _reset_peak_memory()
        started = time.monotonic()
        files = generate(work / "data", options.households, bad_share=0.0, seed=2018)
        generated = time.monotonic()
        engine = open_database(f"sqlite:///{work / 'rec.db'}")
        load = load_csv(engine, SPEC, files.real_estate, LOUDI)
        seconds = {"generation": generated - started, "loading": time.monotonic() - generated}
        yield Bench(w3, City(w3, config.deployments_dir), registrar, Hasher(PEPPER), engine, work, files,
                    load.loaded, seconds)


def engine_for(mapping, bench: Bench, options: Options, sender: TransactionSender | None = None) -> SyncEngine:
    """The oracle's engine for one mapping, wired as `chaincity oracle sync` wires it."""
    city = bench.city
    return SyncEngine(bench.engine, SPEC.name, mapping, ChainReader(city["PropertyRegistry"]),
                      sender or TransactionSender(city.w3, bench.registrar),
                      ErrorDecoder(*(c.abi for c in city.contracts.values())), bench.hasher,
                      Authority(city["CityDirectory"], bench.registrar.address, "LD-REC", SPEC.kinds),
                      batch_size=options.batch_size, pipeline=options.pipeline, block_gas_share=options.block_share)


# ---- the peers: naive script, value transfers, the minimal batched script --------------------

def naive(bench: Bench, payloads: list[dict]) -> tuple[float, list[float], int]:
    """registerTitles of one record per transaction, waiting for each receipt: records/s,
    latencies, successes."""
    registry, w3, registrar = bench.city["PropertyRegistry"], bench.w3, bench.registrar
    nonce = w3.eth.get_transaction_count(registrar.address)
    latencies, ok = [], 0
    started = time.monotonic()
    for payload in payloads:
        sent = time.monotonic()
        tx = registry.functions.registerTitles([REGISTRATIONS.element(payload, bench.hasher)]).build_transaction(
            {"from": registrar.address, "nonce": nonce})
        nonce += 1
        receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(registrar.sign_transaction(tx).raw_transaction))
        ok += receipt["status"] == 1
        latencies.append(time.monotonic() - sent)
    return len(payloads) / (time.monotonic() - started), latencies, ok


def _pipelined(sender: TransactionSender, signed, pipeline: int) -> tuple[float, list[float], int]:
    """Send signed transactions (an iterable: made as they are sent) with ``pipeline`` in
    flight: seconds, latencies from send to receipt, successes."""
    in_flight, latencies, ok = [], [], 0
    started = time.monotonic()

    def settle():
        nonlocal ok
        tx, sent = in_flight.pop(0)
        ok += sender.wait(tx.hash, tx.nonce)["status"] == 1
        latencies.append(time.monotonic() - sent)
    for tx in signed:
        in_flight.append((tx, time.monotonic()))
        sender.broadcast(tx)
        if len(in_flight) >= pipeline:
            settle()
    while in_flight:
        settle()
    return time.monotonic() - started, latencies, ok


def transfer_ceiling(bench: Bench, count: int) -> tuple[float, list[float], int]:
    """The node's ceiling: plain transfers (21,000 gas), signed before the clock starts (the
    node's speed, not eth-account's), 64 in flight. Transactions/s, latencies, successes."""
    sender = TransactionSender(bench.w3, devnet_account(4))
    to = devnet_account(5).address
    signed = [sender.sign(to, b"", 21_000) for _ in range(count)]
    seconds, latencies, ok = _pipelined(sender, signed, 64)
    return count / seconds, latencies, ok


def batched_ceiling(bench: Bench, payloads: list[dict], options: Options) -> tuple[float, list[float], float, int]:
    """The oracle's calls without the oracle: the same registerTitles batches (the same batch
    size, shrunk to the same share of a block), hashed, encoded, signed and sent with the same
    pipeline, no database. Records/s, latencies per batch, success rate, batch size."""
    sender = TransactionSender(bench.w3, bench.registrar)
    encoder = CallEncoder(bench.city["PropertyRegistry"], REGISTRATIONS.function)
    block_gas = bench.w3.eth.get_block("latest")["gasLimit"]
    size = options.batch_size
    started = time.monotonic()  # the first estimate counted: the oracle makes one too
    first = sender.estimate_gas(encoder.to, encoder.encode([REGISTRATIONS.element(p, bench.hasher) for p in payloads[:size]]))
    per_record = max(0, first - CALL_OVERHEAD_GAS) / min(size, len(payloads))
    if first > block_gas * options.block_share:
        size = max(1, int(block_gas * options.block_share * size / first))
    batches = [payloads[at:at + size] for at in range(0, len(payloads), size)]

    def signed():  # made as they go, as the oracle makes its batches
        for chunk in batches:
            data = encoder.encode([REGISTRATIONS.element(p, bench.hasher) for p in chunk])
            yield sender.sign(encoder.to, data, int((per_record * len(chunk) + CALL_OVERHEAD_GAS) * 1.3))
    _, latencies, ok = _pipelined(sender, signed(), options.pipeline)
    seconds = time.monotonic() - started
    return len(payloads) / seconds, latencies, ok / len(batches), size


# The history check as it was before the registry's certificate record answered it: a search
# of the registry's event log, from its deployment, for the act's unit and documents.
EVENTS = {"transfer": ("TitleTransferred",), "reissue": ("CertificateReissued",), "cancel": ("TitleCancelled",),
          "split": ("TitleSplit",), "merge": ("TitleMerged",),
          "revoke": ("TitleRegistered", "TitleTransferred", "CertificateReissued")}


def _logged(action: str):
    def search(chain, payload, hasher):
        documents = hasher.document(payload["certificate_no"])
        for event in EVENTS[action]:
            for log in getattr(chain.contract.events, event)().get_logs(
                    from_block=0, argument_filters={"unit": REGISTRATIONS.chain_key(payload)}):
                if bytes(log["args"]["documents"]) == documents:
                    return log
        return None
    return search


def _revoked_digest(chain, payload, hasher):
    return {"certificate": bytes(_logged("revoke")(chain, payload, hasher)["args"]["certificate"]).hex()}


LOG_SCAN = dataclasses.replace(CHANGES, actions={
    name: dataclasses.replace(action, written_before=None if name == "revoke" else (
        lambda chain, payload, hasher, name=name: _logged(name)(chain, payload, hasher) is not None),
        needs=_revoked_digest if name == "revoke" else action.needs)
    for name, action in CHANGES.actions.items()})


# ---- the oracle -------------------------------------------------------------------------------

def _hold_back(bench: Bench, count: int) -> list[dict]:
    """Set the last ``count`` titles aside (status held, the oracle leaves them): their payloads."""
    with Session(bench.engine) as session:
        held = list(session.scalars(select(SourceRecord).where(SourceRecord.kind == REGISTRATIONS.kind)
                                    .order_by(SourceRecord.id.desc()).limit(count)))
        session.execute(update(SourceRecord).where(SourceRecord.id.in_([r.id for r in held])).values(status="held"))
        session.commit()
        return [r.payload for r in reversed(held)]


def oracle_sync(bench: Bench, options: Options):
    """The oracle's sync of every loaded title: its summary, seconds, latencies per batch (sent
    to confirmed) and where its time went."""
    sender = TransactionSender(bench.w3, bench.registrar)
    sync = engine_for(REGISTRATIONS, bench, options, sender)
    watch = Stopwatch()
    for name in ("person", "document"):
        watch.wrap(bench.hasher, name, "hashing")
    watch.wrap(sync, "_calldata", "calldata (hashing included)")
    for name in ("_next_batch", "_set", "_confirm", "counts", "reconcile"):
        watch.wrap(sync, name, "database")
    watch.wrap(sender, "sign", "signing")
    watch.wrap(sender, "estimate_gas", "chain: estimates and calls")
    watch.wrap(sender, "call", "chain: estimates and calls")
    watch.wrap(sender, "broadcast", "chain: sending")
    watch.wrap(sender, "wait", "chain: waiting for receipts")
    sent_at, latencies = {}, []
    broadcast, wait = sender.broadcast, sender.wait

    def timed_broadcast(signed):
        sent_at[signed.hash] = time.monotonic()
        return broadcast(signed)

    def timed_wait(tx_hash, nonce=None):
        receipt = wait(tx_hash, nonce)
        if tx_hash in sent_at:
            latencies.append(time.monotonic() - sent_at.pop(tx_hash))
        return receipt
    sender.broadcast, sender.wait = timed_broadcast, timed_wait
    started = time.monotonic()
    summary = sync.run(progress=False)
    seconds = time.monotonic() - started
    return summary, seconds, latencies, dict(watch.seconds)


def _where(seconds: dict[str, float], total: float) -> str:
    parts = sorted(seconds.items(), key=lambda item: -item[1])
    return ", ".join(f"{name} {value:.1f} s ({value / total:.0%})" for name, value in parts)


def run(options: Options, log=print) -> list[Figure]:
    """One run of the import (see the module docstring): its figures, each logged as it comes."""
    figures: list[Figure] = []

    def add(figure: Figure) -> None:
        figures.append(figure)
        log(f"  fig {figure.number} {figure.chain}: {figure.name}: {figure.value:,.1f} {figure.unit}"
            + (f" ({figure.note})" if figure.note else ""))

    def loaded(bench: Bench, who: str) -> None:
        log(f"{options.chain}, {who}: {bench.loaded} titles loaded (generated in {bench.seconds['generation']:.1f} s, "
            f"loaded in {bench.seconds['loading']:.1f} s)")

    with ExitStack() as stack:
        shared = None if options.fresh_chains else stack.enter_context(city_with_titles(options))
        if shared is not None:
            loaded(shared, "every contender in turn")

        @contextmanager
        def devnet(who: str, keep: bool = False) -> Iterator[Bench]:
            """A devnet for one contender: each on its own, fresh (a node slows down with the
            blocks it has seen, even reverted ones: a shared chain favours whoever goes first),
            or the shared one, reverted afterwards unless ``keep``."""
            if shared is None:
                with city_with_titles(options) as bench:
                    loaded(bench, who)
                    yield bench
                return
            snapshot = shared.snapshot()
            yield shared
            if not keep:
                shared.revert(snapshot)
        _contenders(options, devnet, add)
    return figures


def _contenders(options: Options, devnet, add) -> None:
    """Figure 2 (or 3): the peers, then the oracle; 3 and 6 on the oracle's chain."""
    chain = options.chain if options.block_time is None else f"{options.chain} (qbft-like)"
    n = options.figure
    naive_start = batched_rate = None
    if options.naive_sample or options.transfers:
        with devnet("naive script and value transfers") as bench:
            payloads = bench.payloads()
            if options.naive_sample:
                naive_start, latencies, ok = naive(bench, payloads[:options.naive_sample])
                add(Figure(n, "naive script, one transaction per record, empty registry", chain, len(latencies),
                           naive_start, "records/s", success_rate=ok / len(latencies), **percentiles(latencies)))
            if options.transfers:
                rate, latencies, ok = transfer_ceiling(bench, options.transfers)
                add(Figure(n, "node ceiling: value transfers, pipelined", chain, options.transfers, rate, "tx/s",
                           success_rate=ok / options.transfers, **percentiles(latencies)))
    if options.transfers:
        with devnet("minimal batched script") as bench:
            payloads = bench.payloads()
            batched_rate, latencies, success, size = batched_ceiling(bench, payloads, options)
            add(Figure(n, "minimal script: the same batched calls, pipelined", chain, len(payloads), batched_rate,
                       "records/s", success_rate=success, note=f"batches of {size}, {options.pipeline} in flight",
                       **percentiles(latencies)))
    with devnet("oracle", keep=True) as bench:
        held = _hold_back(bench, options.naive_sample) if naive_start else []
        summary, seconds, latencies, where = oracle_sync(bench, options)
        records = summary.confirmed + summary.rejected + summary.pending
        rate = summary.confirmed / seconds
        settings = f"batch {options.batch_size}, pipeline {options.pipeline}, block share {options.block_share}"
        add(Figure(n, f"oracle sync ({settings})", chain, records, rate, "records/s",
                   success_rate=summary.confirmed / records, note=f"{summary.transactions} transactions; "
                   + _where(where, seconds), **percentiles(latencies)))
        if naive_start:
            # The naive script over the whole register would take hours: its time per record
            # is sampled on the empty registry and again on the one the oracle filled (the
            # held-back last records), and averaged, as the oracle's rate is over the growth.
            naive_end, latencies, ok = naive(bench, held)
            add(Figure(n, "naive script, one transaction per record, full registry", chain, len(latencies),
                       naive_end, "records/s", success_rate=ok / len(latencies), **percentiles(latencies)))
            naive_mean = 2 / (1 / naive_start + 1 / naive_end)
            add(Figure(n, "oracle / naive script (naive time per record: mean of empty and full)", chain, records,
                       rate / naive_mean, "x", goal=NAIVE_RATIO_GOAL if options.chain == "anvil" and n == 2 else None))
            add(Figure(n, "oracle / naive script on the empty registry (the figure of earlier runs)", chain, records,
                       rate / naive_start, "x"))
        if batched_rate:
            add(Figure(n, "oracle / minimal batched script", chain, records, rate / batched_rate, "x",
                       goal=CEILING_SHARE_GOAL if options.chain == "ganache" and n == 2 else None))
        if n == 3:
            total = bench.seconds["generation"] + bench.seconds["loading"] + seconds
            spent = {**bench.seconds, "hashing": where.get("hashing", 0.0),
                     "the chain": sum(v for k, v in where.items() if k.startswith("chain")),
                     "database (sync)": where.get("database", 0.0)}
            add(Figure(3, f"{summary.total:,} titles end to end (generate, load, sync)", chain, summary.total, total, "s",
                       goal=LOUDI_SECONDS_GOAL, goal_is_max=True, note=_where(spent, total)))
            add(Figure(3, "end-to-end throughput", chain, summary.total, summary.total / total, "records/s"))
            add(Figure(3, "peak memory of the oracle's process", chain, summary.total, _peak_memory_mb(), "MB",
                       goal=LOUDI_MB_GOAL, goal_is_max=True, note="VmHWM, reset when the run starts"))
        for figure in (catch_up(bench) if options.follow else []) + (changes(bench, options) if options.changes else []):
            add(figure)


# ---- figure 6: the follower --------------------------------------------------------------------

def _follower(bench: Bench, name: str, w3: Web3 | None = None, start_block: int | None = None,
              events: tuple[str, ...] = ()) -> EventFollower:
    """A follower of the registry (``events`` only, else all) into a database of its own, with
    the follower's default settings (window of 2,000 blocks, 1 confirmation)."""
    registry = bench.city["PropertyRegistry"]
    if w3 is not None:  # a thread of its own needs a connection of its own
        registry = w3.eth.contract(address=registry.address, abi=registry.abi)
    topics = [[[registry.events[event]().topic for event in events]]] if events else None
    return EventFollower(w3 or bench.w3, open_database(f"sqlite:///{bench.work / (name + '.db')}"), name,
                         {"PropertyRegistry": registry}, topics=topics,
                         start_block=bench.city.block_of("PropertyRegistry") if start_block is None else start_block)


def catch_up(bench: Bench) -> list[Figure]:
    """The follower reading every TitleRegistered event from the registry's deployment."""
    follower = _follower(bench, "catch-up", events=("TitleRegistered",))
    started = time.monotonic()
    result = follower.poll()
    seconds = time.monotonic() - started
    return [Figure(6, "follower catch-up over the registration events", "anvil", result.events,
                   result.events / seconds, "events/s", success_rate=result.events / bench.loaded,
                   note=f"blocks {result.from_block}-{result.to_block} in {seconds:.1f} s")]


def changes(bench: Bench, options: Options) -> list[Figure]:
    """The first ``options.changes`` changes of the later export: (1) their history checks
    alone, by an event-log search (as before) and by the registry's certificate record (now),
    same chain, nothing sent; (2) the whole sync of them, once each way from the same chain
    state (a snapshot reverted in between). (The follower's lag when live is measured beside
    figure 4's import, in bench.consortium: these changes take a block each, too few polls.)"""
    figures = []
    load_csv(bench.engine, SPEC, bench.files.real_estate_changes, LOUDI)
    with Session(bench.engine) as session:  # only the first N changes take part
        records = session.scalars(select(SourceRecord).where(SourceRecord.kind == CHANGES.kind)
                                  .order_by(SourceRecord.id)).all()
        session.execute(update(SourceRecord).where(SourceRecord.id.in_([r.id for r in records[options.changes:]]))
                        .values(status="held"))
        session.commit()
        records = [r for r in records[:options.changes] if r.payload["action"] != "revoke"]
    reader = ChainReader(bench.city["PropertyRegistry"])
    checks = {}
    for name, mapping in (("event-log search", LOG_SCAN), ("certificate record", CHANGES)):
        started = time.monotonic()
        for record in records:
            check = mapping.action_of(record.payload).written_before
            if check is not None:
                check(reader, record.payload, bench.hasher)
        checks[name] = len(records) / (time.monotonic() - started)
        figures.append(Figure(6, f"history checks by {name}", "anvil", len(records), checks[name], "checks/s"))
    figures.append(Figure(6, "history checks: certificate record / event-log search", "anvil", len(records),
                          checks["certificate record"] / checks["event-log search"], "x"))
    snapshot = bench.snapshot()
    for name, mapping in (("event-log search", LOG_SCAN), ("certificate record", CHANGES)):
        started = time.monotonic()
        summary = engine_for(mapping, bench, options).run(progress=False)
        seconds = time.monotonic() - started
        figures.append(Figure(6, f"title changes synced, history by {name}", "anvil",
                              summary.confirmed + summary.rejected,
                              summary.confirmed / seconds, "changes/s",
                              success_rate=summary.confirmed / max(1, summary.confirmed + summary.rejected),
                              note=f"{summary.confirmed} confirmed, {summary.rejected} rejected; a block each"))
        bench.revert(snapshot)
        snapshot = bench.snapshot()
        with Session(bench.engine) as session:  # the same records again, against the same chain
            session.execute(update(SourceRecord).where(SourceRecord.kind == CHANGES.kind, SourceRecord.status != "held")
                            .values(status="pending", tx_hash=None, block_number=None))
            session.execute(delete(Reject).where(Reject.stage == "chain"))
            session.commit()
    return figures


# ---- the harness's entry and the command line ----------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Scale:
    """How big ``measure()``'s runs are: households per run (~2.3 titles each) and samples."""

    anvil: int
    ganache: int  # Ganache's EVM writes ~100 titles/s
    loudi: int
    naive: int
    transfers: int
    changes: int


QUICK = Scale(anvil=2_000, ganache=400, loudi=2_150, naive=100, transfers=200, changes=40)
FULL = Scale(anvil=10_000, ganache=2_000, loudi=150_000, naive=200, transfers=1_000, changes=200)


def measure(quick: bool = False) -> list[Figure]:
    """Figures 2 (Anvil and Ganache, the oracle's default settings), 3 (Loudi's register on a
    QBFT-like Anvil; ~5,000 titles when quick) and 6 (the follower)."""
    scale = QUICK if quick else FULL
    anvil = Options("anvil", households=scale.anvil, naive_sample=scale.naive, transfers=scale.transfers,
                    changes=scale.changes, fresh_chains=not quick)
    ganache = Options("ganache", households=scale.ganache, naive_sample=max(1, scale.naive // 3),
                      transfers=max(1, scale.transfers // 3), fresh_chains=not quick)
    # The Loudi run's settings: a 5 s block of 10G gas (a QBFT-like chain), batches of 1,000, 160 in
    # flight: more than a block holds (~94 of ~106M gas), so the engine goes on making batches while
    # the node mines one (Anvil holds every send meanwhile: 64 in flight filled a block to ~42).
    loudi = Options("anvil", households=scale.loudi, naive_sample=0, transfers=0, batch_size=1_000, pipeline=160,
                    prune_history=True, block_time=5, gas_limit=10_000_000_000, follow=True, figure=3)

    return run(anvil, _log) + run(ganache, _log) + _run_alone(loudi)


def _log(line: str) -> None:
    """Progress, on stderr beside the harness's table."""
    print(line, file=sys.stderr, flush=True)


def _run_alone(options: Options) -> list[Figure]:
    """:func:`run` in a process of its own (spawned): figure 3's peak memory is the import's,
    not the harness's after every module before it (520 MB in the harness, 479 alone)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run, options, _log).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chain", choices=sorted(devnets.DEVNETS), default="anvil")
    parser.add_argument("--households", type=int, default=Options.households)
    parser.add_argument("--naive-sample", type=int, default=Options.naive_sample)
    parser.add_argument("--transfers", type=int, default=Options.transfers,
                        help="value transfers for the node's ceiling (0: no ceilings)")
    parser.add_argument("--batch-size", type=int, default=Options.batch_size)
    parser.add_argument("--pipeline", type=int, default=Options.pipeline)
    parser.add_argument("--block-share", type=float, default=Options.block_share,
                        help="share of the block gas limit per transaction (CHAINCITY_BLOCK_SHARE)")
    parser.add_argument("--prune-history", action="store_true",
                        help="run Anvil with --prune-history (no per-block copies of the state in memory)")
    parser.add_argument("--block-time", type=int, default=None,
                        help="seconds between blocks (a QBFT-like chain); default: a block per transaction")
    parser.add_argument("--gas-limit", type=int, default=Options.gas_limit, help="block gas limit")
    parser.add_argument("--changes", type=int, default=0,
                        help="then sync the first N changes of the later export, history checked two ways")
    parser.add_argument("--follow", action="store_true", help="then the follower's catch-up (figure 6)")
    args = parser.parse_args()
    options = Options(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Options) if hasattr(args, f.name)})
    if args.households * 2.3 >= LOUDI_TITLES * 0.9 or args.block_time:
        options.figure = 3
    print_figures(run(options))


if __name__ == "__main__":
    main()

"""The demo from a bare devnet to the stories: start a devnet of its own, deploy, onboard every
department through the administrators' quorum, generate Loudi-shaped data, run each
department's oracle, play the stories, and stop everything it started, Ctrl-C included."""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chaincity import devnet as devnets
from chaincity import voucher_data
from chaincity.chain.signer import devnet_account
from chaincity.demo.departments import exports
from chaincity.demo.city import APPROVER, DEPARTMENTS, EXECUTOR, PROPOSER, DemoCity, DemoError, Step
from chaincity.demo.evidence import StoryResult
from chaincity.demo.stories import STORIES



@dataclass
class DemoRun:
    city: DemoCity
    households: int
    results: list[StoryResult] = field(default_factory=list)
    seconds: float = 0.0


def _step_name(story) -> str:
    """A story's line in the steps table: its number and the start of its title."""
    name = f"story {story.number}: {story.title}"
    return name if len(name) <= STEP_NAME else name[:STEP_NAME - 1].rstrip(" ,;:") + "…"


STEP_NAME = 52  # the summary table's first column


def companies(households: int) -> int:
    """Companies at the demo's scale: Loudi's about 30,000 for its 150,000 households."""
    return max(20, households // 5)


# Anvil keeps a copy of the state of each recent block in memory: 2 GB after 30,000 of Loudi's
# titles (measured), growing with the chain, which would not fit a machine at 350,000. The
# demo reads only the latest state (and every block, receipt and log, which Anvil keeps), so
# its Anvil keeps no past states.
ANVIL_ARGS = ("--prune-history",)
# Anvil computes the state root over the whole state at every block, even one of a single
# transfer (measured with --prune-history: 11 ms on an empty chain, 0.7 s at 0.5M storage
# slots, 2.0 s at 1.5M, 4.1 s at 3M; Loudi's register is about 3M), so the demo's Anvil takes
# 1G-gas blocks and its oracles send up to 10,000 records a transaction (city.BATCH_SIZE), and
# every department's changes go many to a transaction (multicall): fewer blocks. With 30M-gas
# blocks, Loudi's titles went in at 100-180 a second.
ANVIL_BLOCK_GAS = 1_000_000_000

MARKER = ".chaincity-demo"  # a folder the demo made, and may empty again


def _reset(root: Path, net: devnets.Devnet, state: Path) -> None:
    """A fresh city every run: the previous run's devnet (even one a kill left behind)
    stopped, its chain and databases removed, so the stories always start from the same city.
    Never a folder the demo did not make (a mistyped --dir) is emptied."""
    if root.exists() and any(root.iterdir()) and not (root / MARKER).exists():
        raise DemoError(f"{root} is not empty and was not made by the demo: give --dir a new or demo folder")
    devnets.down(net, state)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / MARKER).write_text("made by `python -m chaincity.demo`; emptied at every run\n")


def _interrupt_on_sigterm(*_) -> None:
    raise KeyboardInterrupt  # one way out: the same cleanup as Ctrl-C


def onboard(city: DemoCity, say: Callable[[str], None]) -> None:
    """Every department registered by k of n administrators with the CLI's own commands:
    `directory propose register`, `directory approve`, `directory execute`; then the voucher type the
    courts' exports use (`directory propose voucher-type`)."""
    for department in DEPARTMENTS:
        signers = [devnet_account(a).address for a in (department.account, department.gateway_account) if a is not None]
        executed = city.by_quorum("register", department.code, "--kind", department.kind, "--name", department.name,
                                  *(option for signer in signers for option in ("--signer", signer)))
        say(f"  proposal {executed['id']:>3}: {department.code:<13} {department.kind:<25} {executed['state']}")
    # The courts' assistance notices travel as vouchers: who may issue and receive them is the quorum's to say.
    executed = city.by_quorum("voucher-type", voucher_data.TYPE, "--issuer", "court", "--receiver", "real-estate-registration")
    say(f"  proposal {executed['id']:>3}: voucher type {voucher_data.TYPE}: courts issue, registration centres receive; "
        f"{executed['state']}")


def import_exports(city: DemoCity, say: Callable[[str], None]) -> None:
    """Each department loads each of its exports and syncs it (`db load`, `oracle sync`), with
    a progress bar on the sync."""
    for department in DEPARTMENTS:
        for oracle, export in exports(department):
            loaded = city.command("db", "load", oracle, city.root / "data" / export, department=department)
            city.sync_started.setdefault(department.code, datetime.now(UTC))
            summaries = city.command_watched(("oracle", "sync", oracle), department,
                                             loaded["loaded"] + loaded["unchanged"], f"sync {department.code} {oracle}")
            on_chain = sum(s["confirmed"] for s in summaries)
            rejected = sum(s["rejected"] for s in summaries)
            say(f"  {department.code:<13} {oracle:<16} {loaded['rows']:>7} rows: {loaded['rejected']:>4} bad, "
                f"{on_chain:>7} on chain, {rejected:>3} refused by the chain, "
                f"{sum(s['transactions'] for s in summaries):>4} transactions")


@contextlib.contextmanager
def running_demo(households: int, chain: str = "ganache", port: int | None = None, root: Path = Path(".demo"),
                 say: Callable[[str], None] = print) -> Iterator[DemoRun]:
    """Run the whole demo (see the module docstring) and yield it with its devnet still up (to
    read the chain: the report, a test); everything it started is stopped on leaving, on an
    error, on Ctrl-C and on SIGTERM alike."""
    net = devnets.DEVNETS[chain]
    if port is not None:
        net = dataclasses.replace(net, port=port)
    if net.name == "anvil":
        net = dataclasses.replace(net, extra_args=net.extra_args + ANVIL_ARGS, block_gas_limit=ANVIL_BLOCK_GAS)
    state = root / "devnet"
    _reset(root, net, state)
    previous = signal.signal(signal.SIGTERM, _interrupt_on_sigterm)
    started = time.monotonic()
    city = None
    try:
        bootstrap = Step("start the devnet")
        if not devnets.up(net, Path.cwd(), state):  # a chain the demo did not start: never play on it
            raise DemoError(f"a chain already answers on {net.rpc_url}: stop it, or give the demo another --port")
        bootstrap.seconds = time.monotonic() - started
        city = DemoCity(net, root, secrets.token_bytes(32))
        city.steps.append(bootstrap)
        say(f"{chain} devnet on {net.rpc_url} (chain id {net.chain_id}), state in {state}")
        run = DemoRun(city, households)
        with city.step("deploy the city's contracts"):
            deployed = city.command("deploy", "--rpc-url", net.rpc_url, "--deployments-dir", root / "deployments")
            say(f"deployed {len(deployed['contracts'])} contracts")
        with city.step("onboard the departments (2 of 3 administrators)"):
            say(f"onboarding {len(DEPARTMENTS)} departments: propose (account {PROPOSER}), approve ({APPROVER}), "
                f"execute ({EXECUTOR})")
            onboard(city, say)
        with city.step("generate Loudi-shaped exports"):
            files = city.command("datagen", "--households", households, "--companies", companies(households),
                                 "--out", root / "data")
            say(f"datagen: {households} households: " + ", ".join(
                f"{rows} {name} rows ({files['bad_rows'][name]} bad)" for name, rows in files["rows"].items()))
        with city.step("import: every department loads and syncs its export"):
            import_exports(city, say)
        for story in STORIES:
            if story.run is None:
                say(f"\nstory {story.number}: {story.title}\n  not built yet: skipped")
                run.results.append(StoryResult(story.number, story.title, status="skipped", note="not built yet"))
                continue
            say(f"\nstory {story.number}: {story.title}")
            with city.step(_step_name(story)):
                begun = time.monotonic()
                result = story.run(city, story)
                result.seconds = time.monotonic() - begun
            for label, value in result.facts:
                say(f"  {label}: {value}")
            run.results.append(result)
        run.seconds = time.monotonic() - started
        yield run
    finally:
        if city is not None:
            city.stop_followers()
            city.stop_gateways()
        devnets.down(net, state)
        signal.signal(signal.SIGTERM, previous)

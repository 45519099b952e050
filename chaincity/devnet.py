"""Local development chains: Ganache (what our users test on) and Anvil, and profiles of them
that play the city's production chain (``qbft``: see :data:`PROFILES`).

This module is the one place that says how a devnet is started. Brownie launches the same
chains for the contract tests from the network entries that :func:`brownie_networks` builds,
and ``chaincity devnet up`` starts them as background processes for ``make deploy`` and the
oracles, so both paths run the same hardfork, chain id, accounts and gas limit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

logger = logging.getLogger(__name__)

# The public test mnemonic every EVM devnet ships with; never use it outside a devnet.
DEVNET_MNEMONIC = "test test test test test test test test test test test junk"
# Must equal `compiler.evm_version` in brownie-config.yaml (a test checks it).
HARDFORK = "shanghai"
BLOCK_GAS_LIMIT = 30_000_000
ACCOUNTS = 20
# Anvil writes every state older than its in-memory window to ~/.foundry/anvil/tmp and
# leaves it there when killed (Brownie kills with SIGKILL): tens of GB over a few test runs
# filled the CI disk. A devnet keeps recent states in memory only.
ANVIL_MEMORY_ONLY = ("--max-persisted-states", "0")
BALANCE_ETHER = 10_000
HOST = "127.0.0.1"


# Each devnet's name for each setting, and the flags it always gets.
FLAGS = {
    "ganache": {"host": "--server.host", "port": "--server.port", "chain_id": "--chain.chainId",
                "network_id": "--chain.networkId",
                "hardfork": "--hardfork", "mnemonic": "--wallet.mnemonic", "accounts": "--wallet.totalAccounts",
                "balance": "--wallet.defaultBalance", "gas_limit": "--miner.blockGasLimit",
                "block_time": "--miner.blockTime", "state": "--database.dbPath", "base_fee": None,
                "gas_price": "--miner.defaultGasPrice"},
    "anvil": {"host": "--host", "port": "--port", "chain_id": "--chain-id", "network_id": None, "hardfork": "--hardfork",
              "mnemonic": "--mnemonic", "accounts": "--accounts", "balance": "--balance", "gas_limit": "--gas-limit",
              "block_time": "--block-time", "state": "--state", "base_fee": "--block-base-fee-per-gas",
              "gas_price": "--gas-price"},
}
STATE_FILES = {"ganache": "ganache-db", "anvil": "anvil-state.json"}
FIXED_FLAGS = {
    # Ganache reports a reverted transaction in the send's answer (and mines it).
    "ganache": ("--chain.vmErrorsOnRPCResponse", "true", "--logging.quiet", "true"),
    "anvil": ("--quiet",),
}


def free_port() -> int:
    """A TCP port free on this machine now (the OS's pick), for a private devnet or server."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Devnet:
    """One kind of local chain and how to start it."""

    name: str
    executable: str
    port: int
    chain_id: int
    brownie_id: str
    block_gas_limit: int = BLOCK_GAS_LIMIT
    # Seconds between blocks, as on the production QBFT chain; None mines a block per transaction.
    block_time: int | None = None
    # Fixed fees in wei (None: the devnet's own EIP-1559 market). A base fee of 0 is a
    # constant on Anvil, as Besu's ``zeroBaseFee`` makes it on a free-gas QBFT network.
    base_fee: int | None = None
    gas_price: int | None = None
    profile: str | None = None  # the profile's name, when this devnet plays one (see PROFILES)
    extra_args: tuple[str, ...] = ()  # appended to the command line (e.g. a benchmark's own flags)

    @property
    def label(self) -> str:
        """The name of its pid, log and state files: a profile's own, so it can run beside
        the plain devnet of the same kind in one state folder."""
        return self.profile or self.name

    @property
    def state_file(self) -> str:
        return f"{self.profile}-{STATE_FILES[self.name]}" if self.profile else STATE_FILES[self.name]

    @property
    def rpc_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self, executable: str, state_dir: Path | None = None) -> list[str]:
        """The full command line; ``state_dir`` keeps the chain across restarts."""
        flag = FLAGS[self.name]
        settings = {
            "host": HOST, "port": self.port, "chain_id": self.chain_id, "network_id": self.chain_id, "hardfork": HARDFORK,
            "mnemonic": DEVNET_MNEMONIC, "accounts": ACCOUNTS, "balance": BALANCE_ETHER,
            "gas_limit": self.block_gas_limit, "block_time": self.block_time,
            "base_fee": self.base_fee, "gas_price": self.gas_price,
            "state": state_dir / self.state_file if state_dir is not None else None,
        }
        args = [executable]
        for setting, value in settings.items():
            if value is not None and flag[setting] is not None:
                args += [flag[setting], str(value)]
        args += FIXED_FLAGS[self.name]
        if self.name == "anvil" and self.gas_price == 0:
            # Anvil otherwise adds a suggested 1 gwei tip to eth_gasPrice; a Besu node started
            # with --min-gas-price=0 answers 0, and so must the profile, or oracles would pay.
            args += ("--disable-min-priority-fee",)
        if self.name == "anvil" and not any(a.split("=")[0] == "--prune-history" for a in self.extra_args):
            args += ANVIL_MEMORY_ONLY  # --prune-history persists nothing itself; Anvil refuses both
        return args + list(self.extra_args)

    def brownie_network(self) -> dict:
        """The entry for Brownie's network-config.yaml (development section).

        Brownie picks its launcher by the first word of ``cmd``, so it must be the bare
        executable name (the Makefile puts ``node_modules/.bin`` on PATH); flags it has no
        setting for follow that word.
        """
        flags = ANVIL_MEMORY_ONLY if self.name == "anvil" else ()
        return {
            "name": f"Chain City {self.name.capitalize()}",
            "id": self.brownie_id,
            "cmd": " ".join((self.executable, *flags)),
            "host": f"http://{HOST}",
            "timeout": 120,
            "cmd_settings": {
                "port": self.port,
                "chain_id": self.chain_id,
                "evm_version": HARDFORK,
                "mnemonic": DEVNET_MNEMONIC,
                "accounts": ACCOUNTS,
                "default_balance": BALANCE_ETHER,
                "gas_limit": self.block_gas_limit,
            },
        }


DEVNETS: dict[str, Devnet] = {
    "ganache": Devnet("ganache", "ganache", 8545, 1337, "city-ganache"),
    "anvil": Devnet("anvil", "anvil", 8546, 31337, "city-anvil"),
}

# The production chain's block gas limit as the qbft profile plays it. Besu's free-gas guide
# (https://besu.hyperledger.org/private-networks/how-to/configure/free-gas) offers two choices:
# the maximum (0x1fffffffffffff), when blocks may come late, or "a value closer to the amount
# of gas your validators can process in the configured block time", when blocks must come on
# time. A city wants its 2 s blocks on time, so the second: 50M gas a block is 25M gas/s,
# under what one Besu validator executes (mainnet's 30-60M gas blocks are imported in a
# fraction of a second) with room left for QBFT's three message rounds within the 2 s; a
# default batch of 200 titles (about 20M gas, ~100k a title) fits in half a block.
QBFT_BLOCK_GAS_LIMIT = 50_000_000
# The block period a QBFT city sets (``blockperiodseconds``; Besu's IBFT 2.0 example uses 2).
QBFT_BLOCK_SECONDS = 2

# Devnets that play another chain. Not Brownie networks: the contract suite needs a block per
# transaction to run in minutes, and nothing in it depends on the block time or the fees; the
# oracles, whose batching and fees do, run one suite on it (tests/python/test_sync_real_estate.py).
PROFILES: dict[str, Devnet] = {
    # The city's Besu QBFT network with free gas (docs/consortium.md): a block every 2 s
    # whether or not there are transactions, zero base fee and gas price, a realistic gas
    # limit. Its own port and chain id, so it runs beside the plain Anvil and keeps its own
    # deployment record (deployments/31338.json).
    "qbft": Devnet("anvil", "anvil", 8548, 31338, "city-qbft", block_gas_limit=QBFT_BLOCK_GAS_LIMIT,
                   block_time=QBFT_BLOCK_SECONDS, base_fee=0, gas_price=0, profile="qbft"),
}
# Chains whose test-mnemonic accounts may deploy, administer and sign: any other chain needs
# explicit administrators and keystores.
DEVNET_CHAIN_IDS = frozenset(net.chain_id for net in (*DEVNETS.values(), *PROFILES.values()))


@contextlib.contextmanager
def block_per_transaction(w3) -> Iterator[None]:
    """Within the block, an interval-mined Anvil (the qbft profile) mines each transaction at
    once; on leaving it, blocks come every N seconds again. For setting up what a test or a
    benchmark measures on the profile (deploying the city and onboarding its departments is
    some 40 transactions in a row: 75 s at 2 s a block), never for the part it measures.
    Any other chain (automining, or not Anvil) is left alone."""
    interval = w3.provider.make_request("anvil_getIntervalMining", []).get("result")
    if not interval:
        yield
        return
    w3.provider.make_request("evm_setAutomine", [True])
    try:
        yield
    finally:
        w3.provider.make_request("evm_setIntervalMining", [interval])


class DevnetError(RuntimeError):
    """A devnet could not be started or stopped."""


def find_executable(devnet: Devnet, project_root: Path) -> str:
    """The devnet binary from the project's node_modules, else from PATH."""
    local = project_root / "node_modules" / ".bin" / devnet.executable
    if local.exists():
        return str(local)
    found = shutil.which(devnet.executable)
    if found is None:
        raise DevnetError(f"{devnet.executable} not found: run `npm ci` in {project_root}")
    return found


def chain_id_at(url: str, timeout: float = 2.0) -> int | None:
    """The chain id answered at ``url``, or None when nothing answers there."""
    try:
        response = requests.post(
            url,
            json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            timeout=timeout,
        )
        return int(response.json()["result"], 16)
    except (requests.RequestException, ValueError, KeyError):
        return None


def _pid_file(devnet: Devnet, state_dir: Path) -> Path:
    return state_dir / f"{devnet.label}.pid"


def up(devnet: Devnet, project_root: Path, state_dir: Path, wait_seconds: float = 60.0) -> bool:
    """Start ``devnet`` in the background unless it already runs.

    Returns True if this call started it. The chain keeps its state in ``state_dir``, so a
    deployment survives ``down`` and ``up``.
    """
    running = chain_id_at(devnet.rpc_url)
    if running == devnet.chain_id:
        return False
    if running is not None:
        raise DevnetError(
            f"{devnet.rpc_url} answers with chain id {running}, not {devnet.name}'s {devnet.chain_id}"
        )
    state_dir.mkdir(parents=True, exist_ok=True)
    command = devnet.command(find_executable(devnet, project_root), state_dir)
    log = open(state_dir / f"{devnet.label}.log", "ab")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _pid_file(devnet, state_dir).write_text(str(process.pid))
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if chain_id_at(devnet.rpc_url, timeout=1.0) == devnet.chain_id:
            logger.info("%s started on %s (pid %s)", devnet.label, devnet.rpc_url, process.pid)
            return True
        if process.poll() is not None:
            raise DevnetError(
                f"{devnet.label} exited with code {process.returncode}; see {state_dir / (devnet.label + '.log')}"
            )
        time.sleep(0.25)
    _kill_group(process.pid)
    raise DevnetError(f"{devnet.name} did not answer on {devnet.rpc_url} within {wait_seconds:.0f} s")


def down(devnet: Devnet, state_dir: Path, wait_seconds: float = 15.0) -> bool:
    """Stop a devnet that ``up`` started. Returns True if one was stopped."""
    pid_file = _pid_file(devnet, state_dir)
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    pid_file.unlink()
    try:
        if os.getpgid(pid) != pid:  # the pid is another process's now, not our devnet's group
            return False
        # Anvil writes its --state file on SIGTERM; npm's `anvil` wrapper passes it on (a
        # second one, sent to the whole group, could cut that write short).
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        # The wrapper is gone; the chain it started may still run in its group.
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return False
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        _kill_group(pid)
    return True


def _kill_group(pid: int) -> None:
    """SIGKILL the devnet and its children: npm's ``anvil`` is a Node wrapper that cannot
    pass SIGKILL on to the real binary, which would go on running on its port."""
    os.killpg(pid, signal.SIGKILL)  # `up` starts each devnet in a session (group) of its own


def _alive(pid: int) -> bool:
    """Whether the devnet started as ``pid`` (or a child of it, the real binary behind a
    wrapper) still runs. Reaps ``pid`` first when it is our own child (a process that started
    and stops a devnet, like a test), since an unreaped child never disappears."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: `chaincity devnet up` has exited and init reaps it
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True

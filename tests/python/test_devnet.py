"""How the devnets start: one definition shared by Brownie, the CLI and the oracles."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import requests
import yaml
from click.testing import CliRunner
from web3 import Web3

from chaincity import devnet as devnets
from chaincity.cli import EXIT_CHAIN_UNREACHABLE, main

from conftest import ROOT, free_port

sys.path.insert(0, str(ROOT / "tools"))
import register_brownie_networks  # noqa: E402


def test_devnet_hardfork_is_the_evm_version_contracts_are_compiled_for():
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    assert config["compiler"]["evm_version"] == devnets.HARDFORK


def test_devnet_commands_carry_hardfork_chain_id_accounts_and_host(tmp_path):
    for net in devnets.DEVNETS.values():
        command = net.command(net.executable, tmp_path)
        assert command[0] == net.executable
        assert devnets.HARDFORK in command and str(net.chain_id) in command and str(net.port) in command
        assert devnets.HOST in command and devnets.DEVNET_MNEMONIC in command
        assert any(str(tmp_path) in arg for arg in command)  # state kept across restarts
        assert not any(str(tmp_path) in arg for arg in net.command(net.executable))


def test_an_interval_mined_devnet_with_a_large_block_runs_on_both_chains(tmp_path):
    """`devnet up --block-time 2 --gas-limit 1000000000` (a QBFT-like chain): blocks come on
    time, not per transaction, and carry the requested gas limit."""
    for name in ("anvil", "ganache"):
        net = dataclasses.replace(devnets.DEVNETS[name], port=free_port(), block_time=2, block_gas_limit=1_000_000_000)
        state = tmp_path / name
        devnets.up(net, ROOT, state)
        try:
            w3 = __import__("web3").Web3(__import__("web3").Web3.HTTPProvider(net.rpc_url))
            first = w3.eth.get_block("latest")
            sent = [w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": w3.eth.accounts[1], "value": v})
                    for v in (1, 2, 3)]
            blocks = {w3.eth.wait_for_transaction_receipt(tx, timeout=30)["blockNumber"] for tx in sent}
            assert len(blocks) <= 2, name  # a block per transaction would make three
            last = w3.eth.get_block(max(blocks))
            assert last["gasLimit"] == 1_000_000_000, name
            assert last["timestamp"] - first["timestamp"] >= 1, name
        finally:
            devnets.down(net, state)


def _files_under(path):
    return [f for _, _, files in os.walk(path) for f in files]


def test_a_long_anvil_chain_writes_no_states_to_disk(tmp_path, monkeypatch):
    """Anvil moves states past its in-memory window to ~/.foundry and a killed Anvil leaves
    them there (they once filled the CI disk). Both ways we start it keep them in memory."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())
    pruned = dataclasses.replace(net, extra_args=("--prune-history",))  # the benchmark's devnet
    brownie_cmd = net.brownie_network()["cmd"].split(" ")
    for name, start in (
        ("devnet up", lambda: devnets.up(net, ROOT, tmp_path / "state")),
        ("devnet up --prune-history", lambda: devnets.up(pruned, ROOT, tmp_path / "state")),
        ("brownie", lambda: subprocess.Popen(
            [devnets.find_executable(net, ROOT), *brownie_cmd[1:], "--port", str(net.port), "--quiet"],
            start_new_session=True)),
    ):
        started = start()
        try:
            _wait_for_chain(net)
            requests.post(net.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "anvil_mine",
                                             "params": [hex(1200)]}, timeout=60).raise_for_status()
            assert devnets.chain_id_at(net.rpc_url) == net.chain_id
        finally:
            # SIGKILL, as Brownie does: a chain that is killed cleans up nothing.
            pid = started.pid if name == "brownie" else int((tmp_path / "state" / "anvil.pid").read_text())
            os.killpg(pid, signal.SIGKILL)
            if name == "brownie":
                started.wait()
            else:
                os.waitpid(pid, 0)
                (tmp_path / "state" / "anvil.pid").unlink()
        assert _files_under(home) == [], name
        _wait_for_no_chain(net)


def test_down_kills_the_real_binary_behind_npms_anvil_wrapper(tmp_path, monkeypatch):
    """`node_modules/.bin/anvil` is a Node script that runs the binary as its child; a
    SIGKILL of the script alone would leave the chain running on its port."""
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())
    assert devnets.find_executable(net, ROOT).endswith("node_modules/.bin/anvil")
    devnets.up(net, ROOT, tmp_path)
    kill = os.kill
    # A devnet that ignores SIGTERM (or hangs in it): only the last-resort SIGKILL can stop it.
    monkeypatch.setattr(os, "kill", lambda pid, sig: None if sig == signal.SIGTERM else kill(pid, sig))
    assert devnets.down(net, tmp_path, wait_seconds=0.5) is True
    _wait_for_no_chain(net)


def test_down_leaves_a_process_that_took_over_the_pid_alone(tmp_path):
    """A pid file outlives a reboot; its pid may belong to anything by then."""
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())
    stranger = subprocess.Popen(["sleep", "60"])  # in our process group, not one of its own
    try:
        (tmp_path / "anvil.pid").write_text(str(stranger.pid))
        assert devnets.down(net, tmp_path) is False
        assert stranger.poll() is None  # still running, not signalled
    finally:
        stranger.kill()
        stranger.wait()


def _wait_for_chain(net, seconds=30.0):
    deadline = time.monotonic() + seconds
    while devnets.chain_id_at(net.rpc_url, timeout=1.0) != net.chain_id:
        assert time.monotonic() < deadline, f"{net.name} did not start"
        time.sleep(0.2)


def _wait_for_no_chain(net, seconds=10.0):
    deadline = time.monotonic() + seconds
    while devnets.chain_id_at(net.rpc_url, timeout=1.0) is not None:
        assert time.monotonic() < deadline, f"{net.name} still answers on {net.rpc_url}"
        time.sleep(0.2)


def test_devnets_do_not_share_ports_chain_ids_or_brownie_ids():
    nets = [*devnets.DEVNETS.values(), *devnets.PROFILES.values()]
    for attribute in ("port", "chain_id", "brownie_id"):
        assert len({getattr(n, attribute) for n in nets}) == len(nets)


def test_brownie_entry_starts_the_bare_executable_with_matching_settings():
    for net in devnets.DEVNETS.values():
        entry = net.brownie_network()
        assert entry["cmd"].split(" ")[0] == net.executable  # Brownie picks its launcher by this word
        assert entry["cmd_settings"]["evm_version"] == devnets.HARDFORK
        assert (entry["cmd_settings"]["port"], entry["cmd_settings"]["chain_id"]) == (net.port, net.chain_id)


def test_register_networks_upserts_and_adds_a_parallel_set(tmp_path):
    config = tmp_path / "network-config.yaml"
    config.write_text(yaml.safe_dump({"live": [], "development": [{"id": "development", "cmd": "ganache-cli"}]}))
    register_brownie_networks.register(config)
    register_brownie_networks.register(config)  # idempotent
    register_brownie_networks.register(config, suffix="-h1", port_offset=100)
    development = yaml.safe_load(config.read_text())["development"]
    ids = [n["id"] for n in development]
    assert sorted(ids) == sorted(["development", "city-ganache", "city-anvil", "city-ganache-h1", "city-anvil-h1"])
    ports = {n["id"]: n.get("cmd_settings", {}).get("port") for n in development}
    assert ports["city-anvil-h1"] == ports["city-anvil"] + 100


def test_devnet_up_twice_then_down_through_the_cli(tmp_path):
    runner = CliRunner()
    port = free_port()
    args = ["devnet", "up", "--chain", "anvil", "--port", str(port), "--state-dir", str(tmp_path), "--json"]
    first = runner.invoke(main, args)
    try:
        assert first.exit_code == 0, first.output
        assert json.loads(first.output) == {
            "chain": "anvil", "profile": None, "rpc_url": f"http://127.0.0.1:{port}", "chain_id": 31337,
            "block_time": None, "block_gas_limit": devnets.BLOCK_GAS_LIMIT, "started": True,
        }
        second = runner.invoke(main, args)
        assert json.loads(second.output)["started"] is False
        assert devnets.chain_id_at(f"http://127.0.0.1:{port}") == 31337
    finally:
        down = runner.invoke(main, ["devnet", "down", "--chain", "anvil", "--state-dir", str(tmp_path), "--json"])
    assert json.loads(down.output) == {"chain": "anvil", "profile": None, "stopped": True}
    assert devnets.chain_id_at(f"http://127.0.0.1:{port}") is None
    again = runner.invoke(main, ["devnet", "down", "--chain", "anvil", "--state-dir", str(tmp_path)])
    assert again.output.strip() == "anvil was not running"


def test_ganache_starts_on_the_configured_hardfork(tmp_path):
    net = dataclasses.replace(devnets.DEVNETS["ganache"], port=free_port())
    assert devnets.up(net, ROOT, tmp_path) is True
    try:
        block = requests.post(net.rpc_url, json={
            "jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["latest", False],
        }, timeout=10).json()["result"]
        # Shanghai blocks carry a withdrawals root; base fee means London+ (EIP-1559) pricing.
        assert "withdrawalsRoot" in block and "baseFeePerGas" in block
        assert int(block["gasLimit"], 16) == devnets.BLOCK_GAS_LIMIT
    finally:
        assert devnets.down(net, tmp_path) is True


def test_up_refuses_a_port_held_by_another_chain(anvil, anvil_net, tmp_path):
    impostor = dataclasses.replace(devnets.DEVNETS["ganache"], port=anvil_net.port)
    try:
        devnets.up(impostor, ROOT, tmp_path)
    except devnets.DevnetError as exc:
        assert "31337" in str(exc) and anvil_net.rpc_url in str(exc)
    else:
        raise AssertionError("up() accepted a chain with the wrong chain id")


def test_deploy_cli_names_an_unreachable_rpc_in_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "chaincity"), "deploy", "--rpc-url", url, "--deployments-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == EXIT_CHAIN_UNREACHABLE
    assert result.stderr.strip().splitlines() == [f"error: cannot reach the chain at {url}"]
    assert result.stdout == ""


def test_the_qbft_profile_plays_a_free_gas_besu_chain_through_the_cli(tmp_path):
    """`chaincity devnet up --profile qbft`: blocks every 2 s with or without transactions (QBFT's
    blockperiodseconds), zero base fee (Besu's zeroBaseFee) and a node that suggests a zero gas
    price (--min-gas-price=0), the stated block gas limit; beside a plain Anvil in one folder."""
    runner = CliRunner()
    port = free_port()
    up = runner.invoke(main, ["devnet", "up", "--profile", "qbft", "--port", str(port), "--state-dir", str(tmp_path),
                              "--json"])
    url = f"http://127.0.0.1:{port}"
    try:
        assert up.exit_code == 0, up.output
        assert json.loads(up.output) | {"rpc_url": None} == {
            "chain": "anvil", "profile": "qbft", "rpc_url": None, "chain_id": 31338, "block_time": 2,
            "block_gas_limit": devnets.QBFT_BLOCK_GAS_LIMIT, "started": True}
        assert (tmp_path / "qbft.pid").exists() and not (tmp_path / "anvil.pid").exists()
        w3 = Web3(Web3.HTTPProvider(url))
        first = w3.eth.block_number
        time.sleep(4.5)
        latest = w3.eth.get_block("latest")
        assert latest["number"] >= first + 2  # empty blocks, one every 2 s
        assert (latest["baseFeePerGas"], w3.eth.gas_price) == (0, 0)
        assert latest["gasLimit"] == devnets.QBFT_BLOCK_GAS_LIMIT
        wrong = runner.invoke(main, ["devnet", "up", "--profile", "qbft", "--chain", "ganache"])
        assert wrong.exit_code != 0 and "runs on anvil" in wrong.output
    finally:
        down = runner.invoke(main, ["devnet", "down", "--profile", "qbft", "--state-dir", str(tmp_path)])
    assert down.output.strip() == "qbft stopped"
    assert devnets.chain_id_at(url) is None

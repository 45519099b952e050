"""Commands for the chain itself: local devnets and the city's deployment."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path

import click

from chaincity import deploy as deployment
from chaincity import devnet as devnets
from chaincity.chain import connect
from chaincity.chain.deployment import record_path
from chaincity.cli import EXIT_CHAIN_UNREACHABLE, EXIT_USAGE, JSON_OPTION, fail, main, one_line_errors


@contextlib.contextmanager
def deployment_errors():
    try:
        yield
    except deployment.DeploymentError as exc:
        fail(str(exc), EXIT_USAGE)


@main.group()
def devnet() -> None:
    """Start and stop a local development chain (Ganache or Anvil, or a profile) on 127.0.0.1."""


CHAIN = click.option(
    "--chain", type=click.Choice(sorted(devnets.DEVNETS)), default=None,
    help="Which devnet (default: ganache, or the profile's).",
)
PROFILE = click.option(
    "--profile", type=click.Choice(sorted(devnets.PROFILES)), default=None,
    help="A devnet that plays the production chain: qbft is Anvil with 2 s blocks, zero base fee and gas "
         f"price and a {devnets.QBFT_BLOCK_GAS_LIMIT:,} block gas limit, on port "
         f"{devnets.PROFILES['qbft'].port} (docs/consortium.md).",
)
STATE_DIR = click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".devnet"),
    show_default=True, help="Where the chain keeps its state, log and pid file.",
)


def chosen_devnet(chain: str | None, profile: str | None) -> devnets.Devnet:
    """The devnet that --chain and --profile name; a profile decides its own chain."""
    if profile is None:
        return devnets.DEVNETS[chain or "ganache"]
    net = devnets.PROFILES[profile]
    if chain is not None and chain != net.name:
        fail(f"the {profile} profile runs on {net.name}, not {chain}: leave out --chain", EXIT_USAGE)
    return net


@devnet.command("up")
@CHAIN
@PROFILE
@STATE_DIR
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Listen on this port instead of the devnet's default (ganache 8545, anvil 8546, qbft 8548).")
@click.option("--block-time", type=click.IntRange(1, 60), default=None,
              help="Mine a block every N seconds, like the production QBFT chain (default: a block per "
                   "transaction; the qbft profile's 2).")
@click.option("--gas-limit", type=click.IntRange(15_000_000), default=None,
              help=f"Block gas limit (default {devnets.BLOCK_GAS_LIMIT:,}; the qbft profile's "
                   f"{devnets.QBFT_BLOCK_GAS_LIMIT:,}).")
@JSON_OPTION
def devnet_up(chain: str | None, profile: str | None, state_dir: Path, port: int | None, block_time: int | None,
              gas_limit: int | None, as_json: bool) -> None:
    """Start the devnet in the background unless it already runs; its state survives restarts."""
    net = chosen_devnet(chain, profile)
    overrides = {"port": port, "block_time": block_time, "block_gas_limit": gas_limit}
    net = dataclasses.replace(net, **{key: value for key, value in overrides.items() if value is not None})
    try:
        started = devnets.up(net, Path.cwd(), state_dir)
    except devnets.DevnetError as exc:
        fail(str(exc), EXIT_CHAIN_UNREACHABLE)
    result = {"chain": net.name, "profile": net.profile, "rpc_url": net.rpc_url, "chain_id": net.chain_id,
              "block_time": net.block_time, "block_gas_limit": net.block_gas_limit, "started": started}
    if as_json:
        click.echo(json.dumps(result))
    else:
        verb = "started" if started else "already running"
        click.echo(f"{net.label} {verb} on {net.rpc_url} (chain id {net.chain_id})")


@devnet.command("down")
@CHAIN
@PROFILE
@STATE_DIR
@JSON_OPTION
def devnet_down(chain: str | None, profile: str | None, state_dir: Path, as_json: bool) -> None:
    """Stop a devnet started by `chaincity devnet up` (its state stays in --state-dir)."""
    net = chosen_devnet(chain, profile)
    stopped = devnets.down(net, state_dir)
    if as_json:
        click.echo(json.dumps({"chain": net.name, "profile": net.profile, "stopped": stopped}))
    else:
        click.echo(f"{net.label} {'stopped' if stopped else 'was not running'}")


@main.command("deploy")
@click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=devnets.DEVNETS["ganache"].rpc_url,
              show_default=True, help="JSON-RPC endpoint (env CHAINCITY_RPC_URL).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Brownie's build folder (run `brownie compile` first).")
@click.option("--deployments-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CHAINCITY_DEPLOYMENTS_DIR", default=Path("deployments"), show_default=True,
              help="Where <chain id>.json and the exported ABIs are written.")
@JSON_OPTION
def deploy(rpc_url: str, build_dir: Path, deployments_dir: Path, as_json: bool) -> None:
    """Deploy the city's contracts, or find and verify an earlier deployment; print the addresses.

    Administrators come from CITY_ADMINS and CITY_ADMIN_THRESHOLD (on a devnet: its first
    three accounts, 2 of 3); outside a devnet the deployer key is DEPLOYER_KEYSTORE, unlocked
    with DEPLOYER_PASSWORD.
    """
    with one_line_errors(), deployment_errors():
        w3 = connect(rpc_url)
        config = deployment.config_from_env(w3, build_dir, deployments_dir)
        results = deployment.deploy_city(w3, deployment.deployer_account(w3), config,
                                          admin_keys=deployment.devnet_admin_keys(w3, config))
    chain_id = w3.eth.chain_id
    if as_json:
        click.echo(json.dumps({
            "chain_id": chain_id,
            "record": str(record_path(deployments_dir, chain_id)),
            "contracts": {r.name: {"address": r.address, "block": r.block, "deployed": r.newly_deployed}
                          for r in results},
        }))
        return
    for r in results:
        how = f"deployed in block {r.block}" if r.newly_deployed else f"already deployed in block {r.block}, code verified"
        click.echo(f"{r.name:<20} {r.address}  ({how})")
    click.echo(f"record: {record_path(deployments_dir, chain_id)} (chain id {chain_id})")

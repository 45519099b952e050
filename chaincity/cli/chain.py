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
    """Start and stop a local development chain (Ganache or Anvil) on 127.0.0.1."""


CHAIN = click.option(
    "--chain", type=click.Choice(sorted(devnets.DEVNETS)), default="ganache", show_default=True,
    help="Which devnet.",
)
STATE_DIR = click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".devnet"),
    show_default=True, help="Where the chain keeps its state, log and pid file.",
)
@devnet.command("up")
@CHAIN
@STATE_DIR
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Listen on this port instead of the chain's default (ganache 8545, anvil 8546).")
@click.option("--block-time", type=click.IntRange(1, 60), default=None,
              help="Mine a block every N seconds, like the production QBFT chain (default: a block per transaction).")
@click.option("--gas-limit", type=click.IntRange(15_000_000), default=devnets.BLOCK_GAS_LIMIT, show_default=True,
              help="Block gas limit (a consortium chain may set it far higher).")
@JSON_OPTION
def devnet_up(chain: str, state_dir: Path, port: int | None, block_time: int | None, gas_limit: int,
              as_json: bool) -> None:
    """Start the devnet in the background unless it already runs; its state survives restarts."""
    net = dataclasses.replace(devnets.DEVNETS[chain], block_time=block_time, block_gas_limit=gas_limit)
    if port is not None:
        net = dataclasses.replace(net, port=port)
    try:
        started = devnets.up(net, Path.cwd(), state_dir)
    except devnets.DevnetError as exc:
        fail(str(exc), EXIT_CHAIN_UNREACHABLE)
    result = {"chain": chain, "rpc_url": net.rpc_url, "chain_id": net.chain_id, "started": started}
    if as_json:
        click.echo(json.dumps(result))
    else:
        verb = "started" if started else "already running"
        click.echo(f"{chain} {verb} on {net.rpc_url} (chain id {net.chain_id})")


@devnet.command("down")
@CHAIN
@STATE_DIR
@JSON_OPTION
def devnet_down(chain: str, state_dir: Path, as_json: bool) -> None:
    """Stop a devnet started by `chaincity devnet up` (its state stays in --state-dir)."""
    stopped = devnets.down(devnets.DEVNETS[chain], state_dir)
    if as_json:
        click.echo(json.dumps({"chain": chain, "stopped": stopped}))
    else:
        click.echo(f"{chain} {'stopped' if stopped else 'was not running'}")


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

"""The `chaincity` command line: one entry point for every department and tool."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from chaincity import devnet as devnets

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_CHAIN_UNREACHABLE = 3


@click.group()
@click.option("--verbose", "-v", is_flag=True, help="Log progress details to stderr.")
def main(verbose: bool) -> None:
    """Chain City: run a department's oracle and the city's local devnets."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.group()
def devnet() -> None:
    """Start and stop a local development chain (Ganache or Anvil) on 127.0.0.1."""


_CHAIN = click.option(
    "--chain", type=click.Choice(sorted(devnets.DEVNETS)), default="ganache", show_default=True,
    help="Which devnet.",
)
_STATE_DIR = click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".devnet"),
    show_default=True, help="Where the chain keeps its state, log and pid file.",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable result.")


@devnet.command("up")
@_CHAIN
@_STATE_DIR
@_JSON
def devnet_up(chain: str, state_dir: Path, as_json: bool) -> None:
    """Start the devnet in the background unless it already runs; its state survives restarts."""
    net = devnets.DEVNETS[chain]
    try:
        started = devnets.up(net, Path.cwd(), state_dir)
    except devnets.DevnetError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CHAIN_UNREACHABLE)
    result = {"chain": chain, "rpc_url": net.rpc_url, "chain_id": net.chain_id, "started": started}
    if as_json:
        click.echo(json.dumps(result))
    else:
        verb = "started" if started else "already running"
        click.echo(f"{chain} {verb} on {net.rpc_url} (chain id {net.chain_id})")


@devnet.command("down")
@_CHAIN
@_STATE_DIR
@_JSON
def devnet_down(chain: str, state_dir: Path, as_json: bool) -> None:
    """Stop a devnet started by `chaincity devnet up` (its state stays in --state-dir)."""
    stopped = devnets.down(devnets.DEVNETS[chain], state_dir)
    if as_json:
        click.echo(json.dumps({"chain": chain, "stopped": stopped}))
    else:
        click.echo(f"{chain} {'stopped' if stopped else 'was not running'}")


if __name__ == "__main__":
    main()

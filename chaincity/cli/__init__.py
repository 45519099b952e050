"""The `chaincity` command line: one entry point for every department, administrator and tool.

This package is the only place that knows the list of departments. Exit codes shared by every
command: 0 done, 1 some records rejected (or a document not valid), 2 bad usage, input or
configuration, 3 chain unreachable, 4-8 an oracle stopped for a cause of its own
(:class:`chaincity.oracle.stops.StopCause`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from pathlib import Path

import click
from dotenv import load_dotenv
from web3.exceptions import ContractCustomError, ContractLogicError

from chaincity.chain import ChainUnreachable, connect, node_failure
from chaincity.chain.deployment import City, DeploymentNotFound
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import SenderError, SendLost, TransactionReverted
from chaincity.chain.signer import SignerError
from chaincity.config import ConfigError, exposed_env_file
from chaincity.db import DatabaseUnavailable, SchemaError
from chaincity.departments import bank, court, listings, market, real_estate, tax, vouchers
from chaincity.devnet import DEVNETS
from chaincity.directory import NotInDirectory
from chaincity.oracle.spec import DepartmentSpec
from chaincity.oracle.stops import OracleStopped

DEPARTMENTS: dict[str, DepartmentSpec] = {
    spec.name: spec
    for spec in (real_estate.SPEC, bank.SPEC, court.SPEC, market.SPEC, tax.SPEC, *listings.SPECS, vouchers.SPEC)
}

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_CHAIN_UNREACHABLE = 3

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable result.")
RPC_OPTION = click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=None,
                          help="JSON-RPC endpoint (env CHAINCITY_RPC_URL; default the local Ganache devnet).")


def fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextlib.contextmanager
def one_line_errors(decoder: ErrorDecoder | None = None):
    """Turn the errors a user can act on into one line on stderr and an exit code, never a
    traceback: 3 when the chain does not answer, 2 for bad configuration or a missing
    deployment, the stop cause's code for an oracle's own error, 1 for a refused transaction, 3
    again when the node stops answering mid-command (after the connection's own retries) or
    comes back without a transaction it took (whether that took effect is for the user to see:
    sent again, it could take effect twice)."""
    try:
        yield
    except ChainUnreachable as exc:
        fail(str(exc), EXIT_CHAIN_UNREACHABLE)
    except (ConfigError, SignerError, DeploymentNotFound, NotInDirectory) as exc:
        fail(str(exc), EXIT_USAGE)
    except OracleStopped as exc:
        fail(f"oracle stopped: {exc} (records not confirmed stay pending)", int(exc.cause))
    except SenderError as exc:
        fail(str(exc), EXIT_REJECTED)
    except SendLost as exc:
        fail(f"{exc}: it may have taken effect; look before running the command again", EXIT_CHAIN_UNREACHABLE)
    except (ContractCustomError, ContractLogicError, TransactionReverted) as exc:
        decoded = decoder.decode(exc) if decoder is not None else None
        fail(f"refused by the chain: {decoded or exc}", EXIT_REJECTED)
    except Exception as exc:
        if not node_failure(exc):
            raise
        # The node went away (or kept failing) mid-command, after the connection's retries.
        reason = " ".join(str(exc).split())[:300]
        fail(f"the chain stopped answering ({type(exc).__name__}: {reason}); run the command again once it "
             "answers: what was not confirmed stays pending", EXIT_CHAIN_UNREACHABLE)


def rpc_url_or_default(rpc_url: str | None) -> str:
    return rpc_url or os.environ.get("CHAINCITY_RPC_URL") or DEVNETS["ganache"].rpc_url


def open_city(rpc_url: str | None) -> City:
    """The deployment on the chain at ``rpc_url`` (CHAINCITY_DEPLOYMENTS_DIR's record)."""
    w3 = connect(rpc_url_or_default(rpc_url))
    return City(w3, Path(os.environ.get("CHAINCITY_DEPLOYMENTS_DIR") or "deployments"))


def echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


class CityCommands(click.Group):
    """The CLI's root: a department database that cannot be opened (any command that reads
    one) is one line on stderr and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (DatabaseUnavailable, SchemaError) as exc:
            fail(str(exc), EXIT_USAGE)


@click.group(cls=CityCommands)
@click.option("--verbose", "-v", is_flag=True, help="Log progress details to stderr.")
def main(verbose: bool) -> None:
    """Chain City: run a department's oracle, administer the city, and run local devnets."""
    env_file = Path.cwd() / ".env"
    exposed = exposed_env_file(env_file)
    if exposed:
        click.echo(f"warning: {exposed}", err=True)
    load_dotenv(env_file)  # the environment wins over .env
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


# The command groups register themselves on `main`.
from chaincity.cli import audit, chain, directory, gateway, grants, oracle, portal, reads, voucher  # noqa: E402,F401

__all__ = ["DEPARTMENTS", "main"]

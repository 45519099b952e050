"""The `chaincity` command line: one entry point for every department and tool."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import logging
import sys
from pathlib import Path

import click
from dotenv import load_dotenv

from chaincity import devnet as devnets
from chaincity import deploy as deployment
from chaincity.chain import ChainUnreachable, connect, deployer_account
from chaincity.chain.contracts import DeploymentNotFound, call_named, load_contracts
from chaincity.departments.real_estate import unit_key
from chaincity.formats import FormatError, validate_unit_code
from chaincity.config import ConfigError, oracle_config, signer_for
from chaincity.datagen import generate
from chaincity.db import DEFAULT_URL as DEFAULT_DATABASE_URL
from chaincity.db import open_database
from chaincity.departments import DEPARTMENTS
from chaincity.load import BadInputFile, load_csv
from chaincity.oracle.run import follow_department, sync_department

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_CHAIN_UNREACHABLE = 3


@contextlib.contextmanager
def _one_line_errors(*usage_errors: type[Exception]):
    """Turn the errors a user can act on into one line on stderr and an exit code, never a
    traceback: 3 when the chain does not answer, 2 for ``usage_errors`` (bad configuration)."""
    try:
        yield
    except ChainUnreachable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CHAIN_UNREACHABLE)
    except usage_errors as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


@click.group()
@click.option("--verbose", "-v", is_flag=True, help="Log progress details to stderr.")
def main(verbose: bool) -> None:
    """Chain City: run a department's oracle and the city's local devnets."""
    load_dotenv(Path.cwd() / ".env")  # the environment wins over .env
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
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Listen on this port instead of the chain's default (ganache 8545, anvil 8546).")
@click.option("--block-time", type=click.IntRange(1, 60), default=None,
              help="Mine a block every N seconds, like the production QBFT chain (default: a block per transaction).")
@click.option("--gas-limit", type=click.IntRange(15_000_000), default=devnets.BLOCK_GAS_LIMIT, show_default=True,
              help="Block gas limit (a consortium chain may set it far higher).")
@_JSON
def devnet_up(chain: str, state_dir: Path, port: int | None, block_time: int | None, gas_limit: int,
              as_json: bool) -> None:
    """Start the devnet in the background unless it already runs; its state survives restarts."""
    net = dataclasses.replace(devnets.DEVNETS[chain], block_time=block_time, block_gas_limit=gas_limit)
    if port is not None:
        net = dataclasses.replace(net, port=port)
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


@main.group()
def db() -> None:
    """The department's own database (SQLite file by default, any SQLAlchemy URL)."""


_DB_URL = click.option(
    "--db", "db_url", envvar="CHAINCITY_DATABASE_URL", default=DEFAULT_DATABASE_URL, show_default=True,
    help="SQLAlchemy URL of the department database (env CHAINCITY_DATABASE_URL).",
)


@db.command("load")
@click.argument("department", type=click.Choice(sorted(DEPARTMENTS)))
@click.argument("csv_file", type=click.Path(path_type=Path))
@_DB_URL
@_JSON
def db_load(department: str, csv_file: Path, db_url: str, as_json: bool) -> None:
    """Load a department's CSV export into its database, validating every row.

    Rejected rows go to the rejects table and to <file>.rejects.csv, each with its row, field
    and reason. Exit 0: every row loaded (or already there); 1: some rows rejected; 2: the
    file itself is unusable (missing, not UTF-8, missing columns).
    """
    try:
        summary = load_csv(open_database(db_url), DEPARTMENTS[department], csv_file, progress=not as_json)
    except BadInputFile as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
    else:
        click.echo(
            f"{department}: {summary.rows} rows: {summary.loaded} loaded, {summary.unchanged} already loaded, "
            f"{summary.rejected} rejected"
        )
        for item in summary.rejects[:20]:
            click.echo(f"  row {item['row_number']}: {item['field']}: {item['reason']}")
        if summary.rejected > 20:
            click.echo(f"  … and {summary.rejected - 20} more")
        if summary.rejects_report:
            click.echo(f"rejects report: {summary.rejects_report}")
    sys.exit(EXIT_REJECTED if summary.rejected else EXIT_OK)


@main.command("datagen")
@click.option("--households", type=click.IntRange(1, 150_000), default=1_000, show_default=True,
              help="Households to generate (Loudi: 150,000 households, 350,000 properties).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="Folder for real_estate.csv, real_estate_changes.csv, bank_<code>.csv and court_<code>.csv.")
@click.option("--bad-share", type=click.FloatRange(0, 1), default=0.01, show_default=True,
              help="Share of rows given one realistic defect each.")
@click.option("--seed", type=int, default=2018, show_default=True, help="Same seed, same files.")
@_JSON
def datagen(households: int, out_dir: Path, bad_share: float, seed: int, as_json: bool) -> None:
    """Write Loudi-shaped synthetic department exports (valid by the national algorithms)."""
    files = generate(out_dir, households, bad_share, seed, progress=not as_json)
    if as_json:
        listed = {"real-estate": str(files.real_estate), "real-estate changes": str(files.real_estate_changes)} | {c: str(p) for c, p in (files.banks | files.courts).items()}
        click.echo(json.dumps({"files": listed, "rows": files.rows, "bad_rows": files.bad_rows}))
    else:
        for name, count in files.rows.items():
            click.echo(f"{name:<12} {count:>8} rows ({files.bad_rows[name]} with a defect)")


@main.group()
def oracle() -> None:
    """Run a department's oracle: its database on one side, the chain on the other."""


@oracle.command("sync")
@click.argument("department", type=click.Choice(sorted(DEPARTMENTS)))
@click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=None, help="JSON-RPC endpoint (env CHAINCITY_RPC_URL).")
@_DB_URL
@click.option("--as", "department_code", envvar="CHAINCITY_DEPARTMENT", default=None,
              help="The department code this oracle signs for, e.g. LD-BANK-ICBC (env CHAINCITY_DEPARTMENT).")
@click.option("--follow", is_flag=True,
              help="Keep running: sync new records and follow the chain into the read model until stopped.")
@click.option("--interval", type=click.FloatRange(0.1), default=2.0, show_default=True,
              help="Seconds between rounds with --follow.")
@_JSON
def oracle_sync(department: str, rpc_url: str | None, db_url: str, department_code: str | None, follow: bool,
                interval: float, as_json: bool) -> None:
    """Write the department's loaded records to the chain: each exactly once, or rejected.

    Safe to stop at any point and run again: records sent but not confirmed are settled with
    the chain first. Exit 0: everything on chain; 1: some records rejected (see the rejects
    table); 2: bad configuration; 3: chain unreachable.
    """
    with _one_line_errors(ConfigError, DeploymentNotFound):
        config = oracle_config(rpc_url, db_url, department_code)
        w3 = connect(config.rpc_url)
        signer = signer_for(w3.eth.chain_id)
        engine = open_database(config.database_url)
        if follow:
            try:
                follow_department(w3, engine, DEPARTMENTS[department], config, signer, interval=interval)
            except KeyboardInterrupt:
                pass
        summaries = sync_department(w3, engine, DEPARTMENTS[department], config, signer, progress=not as_json)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in summaries]))
    else:
        for summary, mapping in zip(summaries, DEPARTMENTS[department].chains):
            click.echo(
                f"{mapping.kind:<18} {summary.total:>8} loaded = {summary.confirmed} on chain + "
                f"{summary.rejected} rejected + {summary.pending} pending "
                f"({summary.written_now} written now in {summary.transactions} transactions, {summary.seconds:.1f} s)"
            )
            for reject in summary.rejects[:20]:
                click.echo(f"  row {reject['row_number']} ({reject['source_id']}): {reject['field']}: {reject['reason']}")
    rejected = sum(s.rejected for s in summaries)
    sys.exit(EXIT_REJECTED if rejected else EXIT_OK)


def _registry(rpc_url: str | None):
    w3 = connect(rpc_url or os.environ.get("CHAINCITY_RPC_URL") or devnets.DEVNETS["ganache"].rpc_url)
    deployments = Path(os.environ.get("CHAINCITY_DEPLOYMENTS_DIR") or "deployments")
    return load_contracts(w3, deployments)["PropertyRegistry"]


def _read(rpc_url: str | None, function: str, arg: bytes) -> dict:
    with _one_line_errors(DeploymentNotFound):
        return call_named(_registry(rpc_url), function, arg)


_RPC = click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=None, help="JSON-RPC endpoint (env CHAINCITY_RPC_URL).")


@main.group()
def query() -> None:
    """Read the city's registries (anyone may read)."""


@query.command("title")
@click.argument("unit_code")
@_RPC
def query_title(unit_code: str, rpc_url: str | None) -> None:
    """Everything about one title in one call: owners' hashes and shares, mortgages in rank
    order, effective and queued seizures, notices, current certificate. Prints JSON."""
    try:
        validate_unit_code(unit_code)
    except FormatError as exc:
        click.echo(f"error: unit code {unit_code!r}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    title = _read(rpc_url, "titleOf", unit_key(unit_code))
    title["unit"] = unit_code
    click.echo(json.dumps(title, indent=2))


@main.group()
def verify() -> None:
    """Check documents against the chain."""


@verify.command("certificate")
@click.argument("digest")
@_RPC
def verify_certificate(digest: str, rpc_url: str | None) -> None:
    """What a certificate digest is: a title certificate valid, superseded or revoked; a mortgage
    registration certificate valid, released, transferred or revoked; for which unit, issued when.
    Exit 0 if valid, 1 otherwise."""
    try:
        raw = bytes.fromhex(digest.removeprefix("0x"))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        click.echo(f"error: {digest!r} is not a 32-byte hex digest", err=True)
        sys.exit(EXIT_USAGE)
    view = _read(rpc_url, "verifyCertificate", raw)
    state = ["unknown", "valid", "superseded", "revoked", "released", "transferred"][view["state"]]
    unit = bytes.fromhex(view["unit"][2:]).rstrip(b"\0").decode("ascii", "replace")
    click.echo(json.dumps({"certificate": "0x" + raw.hex(), "state": state, "unit": unit,
                           "issuedAt": view["issuedAt"], "revocationReason": view["revocationReason"]}))
    sys.exit(EXIT_OK if state == "valid" else EXIT_REJECTED)


@main.command("deploy")
@click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=devnets.DEVNETS["ganache"].rpc_url,
              show_default=True, help="JSON-RPC endpoint (env CHAINCITY_RPC_URL).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Brownie's build folder (run `brownie compile` first).")
@click.option("--deployments-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CHAINCITY_DEPLOYMENTS_DIR", default=Path("deployments"), show_default=True,
              help="Where <chain id>.json and the exported ABIs are written.")
@_JSON
def deploy(rpc_url: str, build_dir: Path, deployments_dir: Path, as_json: bool) -> None:
    """Deploy the city's contracts, or find and verify an earlier deployment; print the addresses.

    Administrators come from CITY_ADMINS and CITY_ADMIN_THRESHOLD (on a devnet: its first
    three accounts, 2 of 3); outside a devnet the deployer key is DEPLOYER_KEYSTORE, unlocked
    with DEPLOYER_PASSWORD.
    """
    with _one_line_errors(deployment.DeploymentError):
        w3 = connect(rpc_url)
        config = deployment.config_from_env(w3, build_dir, deployments_dir)
        results = deployment.deploy_city(w3, deployer_account(w3), config)
    chain_id = w3.eth.chain_id
    if as_json:
        click.echo(json.dumps({
            "chain_id": chain_id,
            "record": str(deployment.record_path(deployments_dir, chain_id)),
            "contracts": {r.name: {"address": r.address, "block": r.block, "deployed": r.newly_deployed}
                          for r in results},
        }))
        return
    for r in results:
        how = f"deployed in block {r.block}" if r.newly_deployed else f"already deployed in block {r.block}, code verified"
        click.echo(f"{r.name:<20} {r.address}  ({how})")
    click.echo(f"record: {deployment.record_path(deployments_dir, chain_id)} (chain id {chain_id})")


if __name__ == "__main__":
    main()

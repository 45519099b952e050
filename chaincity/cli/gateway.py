"""The data gateway from the command line: serve a department's data, register the key answers
are sealed to, and ask another department (signed, sealed, verified against the read receipt)."""

from __future__ import annotations

import os
import sys

import click

from chaincity.chain import connect
from chaincity.chain.enums import department_id
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.cli import DEPARTMENTS, EXIT_CHAIN_UNREACHABLE, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, JSON_OPTION, \
    RPC_OPTION, echo_json, fail, main, one_line_errors, open_city
from chaincity.config import ConfigError, oracle_config, signer_for
from chaincity.db import DEFAULT_URL, open_database
from chaincity.gateway import sealing
from chaincity.gateway.client import AskRefused, GatewayUnreachable, NotVerified, ask
from chaincity.gateway.sealing import SealingError

AS_OPTION = click.option("--as", "department_code", envvar="CHAINCITY_DEPARTMENT", default=None,
                         help="The department code this key signs for (env CHAINCITY_DEPARTMENT).")


def _code(department_code: str | None) -> str:
    if not department_code:
        fail("CHAINCITY_DEPARTMENT is not set (or --as): the code this key signs for", EXIT_USAGE)
    return department_code


@main.group()
def gateway() -> None:
    """Share a department's data with departments holding a grant, with a receipt on chain per read."""


@gateway.command("serve")
@click.argument("department", type=click.Choice(sorted(n for n, s in DEPARTMENTS.items() if s.serves)))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8600, show_default=True)
@click.option("--db", "db_url", envvar="CHAINCITY_DATABASE_URL", default=DEFAULT_URL, show_default=True,
              help="The department database (env CHAINCITY_DATABASE_URL).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes answering requests (one per core is plenty); this process then only writes "
                   "their receipts to the chain.")
@RPC_OPTION
@AS_OPTION
def serve(department: str, host: str, port: int, db_url: str, workers: int, rpc_url: str | None,
          department_code: str | None) -> None:
    """Serve what DEPARTMENT declares (POST /v1/read) until stopped.

    Read receipts are written with the department's key (CHAINCITY_KEYSTORE, or
    CHAINCITY_DEVNET_ACCOUNT on a devnet): give the gateway a signing key of its own (a second
    signer of the department), so it never sends alongside the oracle. With --workers N, N
    processes answer (a replay is refused whichever worker it reaches: the receipt's row is
    unique per nonce) and this one process writes every receipt. Exit 2: bad configuration;
    3: chain unreachable; 4-7: the key may not write receipts (as the oracle's).
    """
    import uvicorn

    from chaincity.gateway.app import create_app
    from chaincity.gateway.wiring import gateway_for

    with one_line_errors():
        config = oracle_config(rpc_url, db_url, department_code)
        w3 = connect(config.rpc_url)
        service = gateway_for(w3, open_database(config.database_url), DEPARTMENTS[department], config,
                              signer_for(w3.eth.chain_id))
    click.echo(f"{config.department_code} serves {', '.join(s.category for s in service.spec.serves)} "
               f"on http://{host}:{port}/v1/read" + (f" with {workers} workers" if workers > 1 else ""), err=True)
    if workers == 1:
        uvicorn.run(create_app(service), host=host, port=port, log_level="warning")
        return
    # The workers are started afresh (spawned) and read their configuration from the environment.
    os.environ.update({"CHAINCITY_GATEWAY_SERVES": department, "CHAINCITY_RPC_URL": config.rpc_url,
                       "CHAINCITY_DATABASE_URL": config.database_url, "CHAINCITY_DEPARTMENT": config.department_code})
    service.desk.start()  # writes what the workers commit
    try:
        uvicorn.run("chaincity.cli.gateway:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_level="warning")
    finally:
        service.desk.stop()  # flush what waits



def worker_app():
    """One worker process of `gateway serve --workers N` (uvicorn's app factory), configured from
    the environment the command sets (CHAINCITY_GATEWAY_SERVES: the department's name); it
    answers and commits receipts, and the command's own process writes them."""
    from chaincity.gateway.app import create_app
    from chaincity.gateway.wiring import gateway_for

    config = oracle_config()
    spec = DEPARTMENTS[os.environ["CHAINCITY_GATEWAY_SERVES"]]
    return create_app(gateway_for(connect(config.rpc_url), open_database(config.database_url), spec, config, None))

@gateway.command("register-key")
@RPC_OPTION
@AS_OPTION
@click.option("--rotate", is_flag=True, help="Make a new key even if the key file holds one.")
@JSON_OPTION
def register_key(rpc_url: str | None, department_code: str | None, rotate: bool, as_json: bool) -> None:
    """Make the department's X25519 key (once) and register its public half on chain.

    The private key stays in CHAINCITY_ENCRYPTION_KEY_FILE (default keys/<CODE>.x25519, owner
    read-only); answers to the department are sealed to the public key on chain. Idempotent.
    """
    code = _code(department_code)
    path = sealing.key_file(code)
    city = open_city(rpc_url)
    with one_line_errors(ErrorDecoder(*(c.abi for c in city.contracts.values()))):
        key, made = sealing.load_or_create(path, rotate)
        public = bytes(key.public_key)
        grants = city["DataAccessGrants"]
        on_chain = bytes(grants.functions.encryptionKey(department_id(code)).call())
        if on_chain != public:
            sender = TransactionSender(city.w3, signer_for(city.w3.eth.chain_id))
            sender.transact(grants.address, bytes.fromhex(grants.encode_abi("setEncryptionKey", args=[public])[2:]))
    result = {"department": code, "keyFile": str(path), "publicKey": "0x" + public.hex(), "madeNow": made,
              "registeredNow": on_chain != public}
    if as_json:
        echo_json(result)
    else:
        click.echo(f"{code}: encryption key 0x{public.hex()} ({'made now' if made else 'from'} {path}); "
                   f"{'registered on chain now' if result['registeredNow'] else 'already on chain'}")


@gateway.command("ask")
@click.argument("server")
@click.argument("category")
@click.argument("subject")
@click.option("--url", envvar="CHAINCITY_GATEWAY_URL", required=True,
              help="The serving department's gateway, e.g. http://gateway.rec.loudi:8600 (env CHAINCITY_GATEWAY_URL).")
@click.option("--receipt-timeout", type=click.FloatRange(1), default=60.0, show_default=True,
              help="Seconds to wait for the read receipt on chain.")
@RPC_OPTION
@AS_OPTION
@JSON_OPTION
def ask_command(server: str, category: str, subject: str, url: str, receipt_timeout: float, rpc_url: str | None,
                department_code: str | None, as_json: bool) -> None:
    """Ask SERVER (a department code) for CATEGORY data about SUBJECT; print the verified answer.

    Signed with the department's key, opened with its encryption key file, checked against the
    read receipt on chain. Exit 0: answered and verified; 1: refused (the refusal code and why)
    or the answer does not match its receipt; 2: bad configuration; 3: chain or gateway unreachable.
    """
    code = _code(department_code)
    city = open_city(rpc_url)
    with one_line_errors():
        try:
            private_key = sealing.load(sealing.key_file(code))
        except SealingError as exc:
            raise ConfigError(str(exc)) from None
        account = signer_for(city.w3.eth.chain_id)
        try:
            result = ask(url, city["DataAccessGrants"], city.w3.eth.chain_id, account, private_key, code, server,
                         category, subject, receipt_timeout=receipt_timeout)
        except AskRefused as exc:
            if as_json:
                echo_json({"refused": exc.code, "error": str(exc)})
            fail(f"refused by {server}: {exc}", EXIT_REJECTED)
        except GatewayUnreachable as exc:
            fail(str(exc), EXIT_CHAIN_UNREACHABLE)
        except (NotVerified, SealingError) as exc:
            fail(f"not verified: {exc}", EXIT_REJECTED)
    if as_json:
        echo_json(result.as_dict())
    else:
        click.echo(f"{server} {category} {subject} (read {result.read_id}, receipt on chain, digests match):")
        echo_json(result.answer)
    sys.exit(EXIT_OK)


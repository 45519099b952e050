"""`chaincity portal` (the city portal in a browser) and `chaincity certificate export` (the
electronic certificate file the registration centre hands out)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from chaincity.cli import EXIT_REJECTED, JSON_OPTION, RPC_OPTION, echo_json, fail, main, one_line_errors, open_city
from chaincity.cli.oracle import DB_URL
from chaincity.config import ConfigError, city_pepper, oracle_config, signer_for

BANK_KINDS = ("bank", "housing-provident-fund")


@main.group(invoke_without_command=True)
@click.option("--department", "department_code", default=None,
              help="A bank's code: open its counter, signing with its key (CHAINCITY_KEYSTORE / CHAINCITY_DEVNET_ACCOUNT) "
                   "and writing through its database (--db); officers sign in with CHAINCITY_PORTAL_PASSWORD_HASH.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8600, show_default=True, help="Port to listen on.")
@RPC_OPTION
@DB_URL
@click.pass_context
def portal(ctx: click.Context, department_code: str | None, host: str, port: int, rpc_url: str | None,
           db_url: str) -> None:
    """Serve the city portal: verify a certificate or voucher, the bidding check and credit
    pictures, the city dashboard; with --department, a bank's counter (title lookup, mortgage
    registration) behind a sign-in. Reads the chain through the deployment record."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from chaincity.portal.app import create_portal

    with one_line_errors():
        city = open_city(rpc_url)
        counter = _counter(city, department_code, rpc_url, db_url) if department_code else None
    app = create_portal(city, counter, os.environ.get("CHAINCITY_PORTAL_SECRET") or None)
    click.echo(f"portal on http://{host}:{port}/" + (f" (bank counter of {department_code})" if counter else ""), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _counter(city, code: str, rpc_url: str | None, db_url: str):
    from chaincity.db import open_database
    from chaincity.directory import Directory
    from chaincity.portal.counter import BankCounter

    department = Directory(city).department(code)
    if department.kind not in BANK_KINDS:
        raise ConfigError(f"{code} is a {department.kind}, not a bank: the counter registers mortgages")
    password_hash = os.environ.get("CHAINCITY_PORTAL_PASSWORD_HASH", "").strip()
    if not password_hash:
        raise ConfigError("CHAINCITY_PORTAL_PASSWORD_HASH is not set: `chaincity portal hash-password` makes one")
    config = oracle_config(city.w3.provider.endpoint_uri, db_url, code)
    return BankCounter(city.w3, city, open_database(config.database_url), config, signer_for(city.w3.eth.chain_id),
                       password_hash)


@portal.command("hash-password")
@click.password_option(prompt="Officers' password")
def hash_password(password: str) -> None:
    """Print the line for the bank's .env that lets its officers sign in to the counter."""
    from chaincity.portal.counter import hash_password as make

    click.echo(f"CHAINCITY_PORTAL_PASSWORD_HASH={make(password)}")


@main.group()
def certificate() -> None:
    """The registration centre's electronic certificates."""


@certificate.command("export")
@click.argument("certificate_no")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write (default certificate-<number's digits>.json); its QR code goes beside it (.qr.svg).")
@RPC_OPTION
@DB_URL
@JSON_OPTION
def certificate_export(certificate_no: str, out_file: Path | None, rpc_url: str | None, db_url: str,
                       as_json: bool) -> None:
    """Write the electronic certificate file of CERTIFICATE_NO (湘(2019)娄底市不动产权第0000001号),
    from the registration centre's database (--db) and the chain, with the city pepper
    (CHAINCITY_PEPPER): the certificate's public fields, its digest on chain and its QR code.
    No owner's identity number goes in. Exit 1 when the certificate is not on chain."""
    from chaincity.certificates import CertificateNotFound, export
    from chaincity.db import open_database
    from chaincity.hashing import Hasher

    with one_line_errors():
        hasher = Hasher(city_pepper())
        city = open_city(rpc_url)
        try:
            document = export(open_database(db_url), city, hasher, certificate_no)
        except CertificateNotFound as exc:
            fail(str(exc), EXIT_REJECTED)
    out = out_file or Path(f"certificate-{''.join(c for c in document['certificate_no'] if c.isdigit())}.json")
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".qr.svg").write_text(document["qr_svg"], encoding="utf-8")
    if as_json:
        echo_json({"file": str(out), "qr": str(out.with_suffix(".qr.svg")),
                   **{k: v for k, v in document.items() if k != "qr_svg"}})
    else:
        click.echo(f"{out}: {document['certificate_no']}, unit {document['unit_code']}, digest {document['digest']}")
        click.echo(f"  QR code {out.with_suffix('.qr.svg')}: {document['verification']}")

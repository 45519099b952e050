"""The city auditor's commands: checks anyone holding the department databases can run."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from chaincity.audit.personal_data import NodeRefused, scan_chain
from chaincity.audit.values import Needles, secrets_in
from chaincity.chain import connect
from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, JSON_OPTION, RPC_OPTION, echo_json, fail, main, \
    one_line_errors, rpc_url_or_default
from chaincity.db import open_database


@main.group()
def audit() -> None:
    """Audit the chain against the department databases."""


@audit.command("personal-data")
@click.option("--db", "db_urls", multiple=True, required=True,
              help="SQLAlchemy URL of a department database (repeat for each department given to the auditor).")
@click.option("--from-block", type=click.IntRange(0), default=0, show_default=True, help="First block to scan.")
@click.option("--to-block", type=click.IntRange(0), default=None, help="Last block to scan (default the head).")
@RPC_OPTION
@JSON_OPTION
def personal_data(db_urls: tuple[str, ...], from_block: int, to_block: int | None, rpc_url: str | None,
                  as_json: bool) -> None:
    """Prove no personal data went on chain: every identity number, name, certificate, contract,
    order, case and voucher number of the databases' records is searched for in every
    transaction input, event and storage slot written, raw (UTF-8, GB18030), as hex text and as
    unsalted keccak256/sha256. Exit 0: none found; 1: found (each hit names the record, the
    field, the form and where it is on chain); 2: a database missing or without records, or a
    node that refuses a call the scan needs (no debug methods)."""
    for url in db_urls:
        database = make_url(url)
        if database.get_backend_name() == "sqlite" and not Path(database.database or "").is_file():
            fail(f"no department database at {url}", EXIT_USAGE)  # never audit a database made empty here
    needles = Needles(secret for url in db_urls for secret in secrets_in(open_database(url)))
    if not needles.values:
        fail("the databases hold no records: nothing to search the chain for (the right --db?)", EXIT_USAGE)
    with one_line_errors():
        try:
            scan = scan_chain(connect(rpc_url_or_default(rpc_url)), needles, from_block, to_block)
        except NodeRefused as exc:  # not a finding: exit 1 would read as personal data found
            fail(f"the node refused the scan's call {exc}; the audit needs the node's debug methods "
                 "(Besu: --rpc-http-api with DEBUG) and its answers", EXIT_USAGE)
    if as_json:
        echo_json(scan.as_dict())
    else:
        click.echo(f"blocks {scan.from_block}-{scan.to_block}: {scan.values} values of {len(db_urls)} database(s) "
                   f"({scan.needles} forms) searched in {scan.transactions} transactions, {scan.logs} events and "
                   f"{scan.slots} storage slots ({scan.storage}) in {scan.seconds:.1f} s: {len(scan.hits)} found")
        for hit in scan.hits[:50]:
            found = hit.as_dict()
            click.echo(f"  {found['department']} record {found['record']}: {found['field']} ({found['what']}) "
                       f"as {found['form']} in {found['where']}")
    sys.exit(EXIT_REJECTED if scan.hits else EXIT_OK)

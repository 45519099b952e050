"""A department's own commands: load its exports, write them to the chain, requeue rejects."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from chaincity.chain import connect
from chaincity.cli import DEPARTMENTS, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, JSON_OPTION, fail, main, one_line_errors
from chaincity.config import city_counties, oracle_config, signer_for
from chaincity.company_data import generate_companies
from chaincity.datagen import generate
from chaincity.db import DEFAULT_URL as DEFAULT_DATABASE_URL
from chaincity.db import open_database
from chaincity.load import BadInputFile, load_csv
from chaincity.oracle.lock import oracle_lock
from chaincity.oracle.requeue import requeue
from chaincity.oracle.run import follow_department, sync_department
from chaincity.voucher_data import generate_vouchers
from chaincity.oracle.spec import RowContext

DEPARTMENT = click.argument("department", type=click.Choice(sorted(DEPARTMENTS)))
DB_URL = click.option(
    "--db", "db_url", envvar="CHAINCITY_DATABASE_URL", default=DEFAULT_DATABASE_URL, show_default=True,
    help="SQLAlchemy URL of the department database (env CHAINCITY_DATABASE_URL).",
)


def _show_rejects(rejects: list[dict], total: int) -> None:
    for item in rejects[:20]:
        named = f" ({item['source_id']})" if item.get("source_id") else ""
        click.echo(f"  row {item['row_number']}{named}: {item['field']}: {item['reason']}")
    if total > 20:
        click.echo(f"  … and {total - 20} more")


@main.group()
def db() -> None:
    """The department's own database (SQLite file by default, any SQLAlchemy URL)."""


@db.command("load")
@DEPARTMENT
@click.argument("csv_file", type=click.Path(path_type=Path))
@DB_URL
@JSON_OPTION
def db_load(department: str, csv_file: Path, db_url: str, as_json: bool) -> None:
    """Load a department's CSV export into its database, validating every row.

    Unit codes must lie in the city's counties (CITY_COUNTIES, as the deployment declared them;
    default Loudi's five). Rejected rows go to the rejects table and to <file>.rejects.csv, each
    with its row, field and reason. Exit 0: every row loaded (or already there); 1: some rows
    rejected; 2: the file itself is unusable (missing, empty, binary, a workbook, UTF-16, missing or
    unknown columns, a quote never closed). Read as UTF-8 (with or without a BOM) or GB18030/GBK,
    CRLF or LF; a row in another encoding than the file's is rejected, naming its field.
    """
    with one_line_errors():
        context = RowContext(frozenset(city_counties()))
    try:
        summary = load_csv(lambda: open_database(db_url), DEPARTMENTS[department], csv_file, context, progress=not as_json)
    except BadInputFile as exc:
        fail(str(exc), EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
    else:
        click.echo(f"{department}: {summary.rows} rows: {summary.loaded} loaded, {summary.unchanged} already loaded, "
                   f"{summary.rejected} rejected")
        _show_rejects(summary.rejects, summary.rejected)
        if summary.rejects_report:
            click.echo(f"rejects report: {summary.rejects_report}")
    sys.exit(EXIT_REJECTED if summary.rejected else EXIT_OK)


@main.command("datagen")
@click.option("--households", type=click.IntRange(1, 150_000), default=1_000, show_default=True,
              help="Households to generate (Loudi: 150,000 households, 350,000 properties).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="Folder for real_estate.csv, real_estate_changes.csv, bank_<code>.csv, court_<code>.csv and "
                   "vouchers_<court>.csv (an assistance notice per seizure).")
@click.option("--bad-share", type=click.FloatRange(0, 1), default=0.01, show_default=True,
              help="Share of rows given one realistic defect each.")
@click.option("--companies", type=click.IntRange(0, 100_000), default=300, show_default=True,
              help="Companies to generate (Loudi: about 30,000): market.csv, tax.csv, listings_<code>.csv.")
@click.option("--seed", type=int, default=2018, show_default=True, help="Same seed, same files.")
@JSON_OPTION
def datagen(households: int, companies: int, out_dir: Path, bad_share: float, seed: int, as_json: bool) -> None:
    """Write Loudi-shaped synthetic department exports (valid by the national algorithms)."""
    files = generate(out_dir, households, bad_share, seed, progress=not as_json)
    firms = generate_companies(out_dir, companies, bad_share, seed)
    notices = generate_vouchers(out_dir, files.courts, bad_share, seed)
    rows = files.rows | firms.rows | {"vouchers": notices.rows}
    bad_rows = files.bad_rows | firms.bad_rows | {"vouchers": notices.bad_rows}
    if as_json:
        listed = {"real-estate": str(files.real_estate), "real-estate changes": str(files.real_estate_changes)} | {
            c: str(p) for c, p in (files.banks | files.courts).items()} | {
            "market": str(firms.market), "tax": str(firms.tax)} | {
            f"listings {c}": str(p) for c, p in firms.listings.items()} | {
            f"vouchers {c}": str(p) for c, p in notices.exports.items()}
        click.echo(json.dumps({"files": listed, "rows": rows, "bad_rows": bad_rows}))
    else:
        for name, count in rows.items():
            click.echo(f"{name:<12} {count:>8} rows ({bad_rows[name]} with a defect)")


@main.group()
def oracle() -> None:
    """Run a department's oracle: its database on one side, the chain on the other."""


@oracle.command("sync")
@DEPARTMENT
@click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=None, help="JSON-RPC endpoint (env CHAINCITY_RPC_URL).")
@DB_URL
@click.option("--as", "department_code", envvar="CHAINCITY_DEPARTMENT", default=None,
              help="The department code this oracle signs for, e.g. LD-BANK-ICBC (env CHAINCITY_DEPARTMENT).")
@click.option("--follow", is_flag=True,
              help="Keep running: sync new records and follow the chain into the read model until stopped.")
@click.option("--interval", type=click.FloatRange(0.1), default=2.0, show_default=True,
              help="Seconds between rounds with --follow.")
@JSON_OPTION
def oracle_sync(department: str, rpc_url: str | None, db_url: str, department_code: str | None, follow: bool,
                interval: float, as_json: bool) -> None:
    """Write the department's loaded records to the chain: each exactly once, or rejected.

    Safe to stop at any point and run again: records sent but not confirmed are settled with
    the chain first. Exit 0: everything on chain; 1: some records rejected (see the rejects
    table); 2: bad configuration; 3: chain unreachable; 4: the key signs for no department
    (unregistered or rotated out) or another one; 5: the department is suspended; 6: the city
    is paused; 7: the key has no money for gas; 8: another process sends with the key; 9: another
    oracle of the department runs on this database. On 4-9 nothing is rejected: the records not
    confirmed stay pending for the next run.
    """
    spec = DEPARTMENTS[department]
    with one_line_errors():
        config = oracle_config(rpc_url, db_url, department_code)
        w3 = connect(config.rpc_url)
        signer = signer_for(w3.eth.chain_id)
        engine = open_database(config.database_url)
        with oracle_lock(engine, config.department_code):  # a second oracle of the department refuses (exit 9)
            if follow:
                try:
                    follow_department(w3, engine, spec, config, signer, interval=interval)
                except KeyboardInterrupt:
                    pass
            summaries = sync_department(w3, engine, spec, config, signer, progress=not as_json)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in summaries]))
    else:
        for summary in summaries:
            click.echo(
                f"{summary.kind:<18} {summary.total:>8} loaded = {summary.confirmed} on chain + "
                f"{summary.rejected} rejected + {summary.pending} pending "
                f"({summary.written_now} written now in {summary.transactions} transactions"
                + (f", {summary.already_on_chain} found on chain already" if summary.already_on_chain else "")
                + f", {summary.seconds:.1f} s)"
            )
            _show_rejects(summary.rejects, len(summary.rejects))
    sys.exit(EXIT_REJECTED if any(s.rejected for s in summaries) else EXIT_OK)


@oracle.command("requeue")
@DEPARTMENT
@DB_URL
@click.option("--error", "error_name", default=None,
              help="Only records rejected with this typed error, e.g. PropertyRegistryTitleFrozen.")
@click.option("--all", "everything", is_flag=True, help="Every record the chain rejected.")
@JSON_OPTION
def oracle_requeue(department: str, db_url: str, error_name: str | None, everything: bool, as_json: bool) -> None:
    """Put records the chain rejected back to pending, once their cause is gone (say, a transfer
    refused under a seizure since lifted); the next `oracle sync` sends them again."""
    if bool(error_name) == everything:
        fail("give either --error NAME or --all", EXIT_USAGE)
    count = requeue(open_database(db_url), department, error_name)
    if as_json:
        click.echo(json.dumps({"department": department, "error": error_name, "requeued": count}))
    else:
        click.echo(f"{department}: {count} rejected records pending again"
                   + (f" (rejected with {error_name})" if error_name else ""))

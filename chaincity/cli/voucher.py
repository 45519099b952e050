"""The voucher desk: `chaincity voucher issue|nominate|accept|reject|cancel-nomination|redeem|
surrender|revoke|show|list`. Each act is one row of the department's voucher export, loaded
into its database and synced by the oracle like any other (the same checks, sender and rejects)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from eth_utils import keccak
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chaincity.chain import connect
from chaincity.chain.contracts import call_named
from chaincity.chain.deployment import City
from chaincity.chain.enums import department_id
from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, JSON_OPTION, echo_json, fail, main, one_line_errors
from chaincity.cli.oracle import DB_URL
from chaincity.config import city_counties, oracle_config, signer_for
from chaincity.db import SourceRecord, open_database
from chaincity.departments import vouchers
from chaincity.directory import Directory
from chaincity.hashing import Hasher
from chaincity.desk import ActRefused
from chaincity.desk import act as desk_act
from chaincity.oracle.follow import follower_for
from chaincity.oracle.spec import RowContext

STATES = ("unknown", "active", "redeemed", "surrendered", "revoked", "expired")  # IVoucherRegistry.VoucherState


def _desk(command):
    """The options every desk command shares: the department, its database, the chain."""
    for option in (click.option("--rpc-url", envvar="CHAINCITY_RPC_URL", default=None, help="JSON-RPC endpoint."),
                   DB_URL, JSON_OPTION,
                   click.option("--as", "code", envvar="CHAINCITY_DEPARTMENT", default=None,
                                help="This department's code (env CHAINCITY_DEPARTMENT).")):
        command = option(command)
    return command


class Desk:
    """One department's voucher desk: its configuration, database, key and the chain."""

    def __init__(self, rpc_url, db_url, code):
        self.config = oracle_config(rpc_url, db_url, code)
        self.w3 = connect(self.config.rpc_url)
        self.engine = open_database(self.config.database_url)
        self.hasher = Hasher(self.config.pepper)
        self.city = City(self.w3, self.config.deployments_dir)
        self.registry = self.city["VoucherRegistry"]

    def issued(self) -> dict[str, dict]:
        """This desk's issued vouchers by number and by digest: their issue payloads."""
        with Session(self.engine) as session:
            payloads = session.scalars(select(SourceRecord.payload).where(
                SourceRecord.department == vouchers.SPEC.name, SourceRecord.kind == "voucher.issue")).all()
        found = {}
        for payload in payloads:
            found[payload["voucher_no"]] = found["0x" + vouchers.voucher_id(payload, self.hasher).hex()] = payload
        return found

    def resolve(self, voucher: str) -> tuple[str, str]:
        """(voucher number, digest) of a voucher named by this desk's number or by its digest."""
        payload = self.issued().get(voucher.lower() if voucher.startswith("0x") else voucher)
        if payload is not None:
            return payload["voucher_no"], "0x" + vouchers.voucher_id(payload, self.hasher).hex()
        if voucher.startswith("0x"):
            return voucher.lower(), voucher.lower()
        fail(f"{voucher!r}: no voucher of that number in this database; name it by its 0x digest", EXIT_USAGE)

    def act(self, row: dict) -> str:
        """Load the act as a row of the export and sync (chaincity.desk); the record's source id."""
        row = {"department": self.config.department_code, "acted_at": datetime.now(UTC).isoformat(timespec="seconds"),
               **row}
        try:
            return desk_act(self.w3, self.engine, vouchers.SPEC, self.config, signer_for(self.w3.eth.chain_id), row,
                            RowContext(frozenset(city_counties())), "chaincity voucher").source_id
        except ActRefused as exc:
            fail(str(exc), EXIT_REJECTED)

    def view(self, digest: str) -> dict:
        """The voucher as the chain says, with department codes for ids."""
        codes = {d.id: d.code for d in Directory(self.city).departments()}
        raw = bytes.fromhex(digest[2:])
        stored = call_named(self.registry, "verifyVoucher", raw)
        chain = call_named(self.registry, "custodyChain", raw, 0, stored["historyLength"])

        def name(department: str) -> str:
            return codes.get(department, department)
        return {"voucher": digest, "state": STATES[stored["state"]], "issuer": name(stored["issuer"]),
                "holder": name(stored["holder"]), "type": stored["typeId"],
                "custody": [{"action": e["action"], "at": e["at"], "from": name(e["from"]), "to": name(e["to"])}
                            for e in chain]}


def _print(view: dict, as_json: bool, did: str = "") -> None:
    if as_json:
        echo_json(view)
        return
    click.echo(f"{did}voucher {view['voucher']}: {view['state']}, issued by {view['issuer']}, held by {view['holder']}")


def _acting(action: str, *, to: bool = False, reason: bool = False, doc: str = ""):
    """A desk command that records ``action`` on a voucher (by number or digest)."""
    def command(voucher, rpc_url, db_url, as_json, code, remarks, **extra):
        with one_line_errors():
            desk = Desk(rpc_url, db_url, code)
            number, digest = desk.resolve(voucher)
            desk.act({"voucher_no": number, "action": action, "voucher_id": digest, "remarks": remarks,
                      "holder": extra.get("to") or "", "reason": extra.get("reason") or ""})
            _print(desk.view(digest), as_json, f"{action}: ")
    command.__doc__ = doc
    command = click.option("--remarks", default="", help="Remarks (on chain only as a salted digest).")(command)
    if to:
        command = click.option("--to", required=True, help="The department code to hand it to.")(command)
    if reason:
        command = click.option("--reason", required=True, help="Why (required; on chain as a salted digest).")(command)
    return voucher_group.command(action)(click.argument("voucher")(_desk(command)))


@main.group("voucher")
def voucher_group() -> None:
    """This department's voucher desk: electronic vouchers between departments instead of paper."""


@voucher_group.command("issue")
@click.argument("voucher_no")
@click.option("--type", "type_name", required=True, help="The voucher type, e.g. MORTGAGE_RELEASE.")
@click.option("--to", required=True, help="The first holder's department code.")
@click.option("--subject", required=True, help="What it is about (a unit code, USCC…; on chain salted).")
@click.option("--document", "document_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="The voucher's text (UTF-8); it stays in this database.")
@click.option("--expires", default="", help="Expiry, ISO date (none by default).")
@click.option("--remarks", default="")
@_desk
def issue(voucher_no, type_name, to, subject, document_file, expires, remarks, rpc_url, db_url, as_json, code):
    """Issue voucher VOUCHER_NO: its document stays here, its digest goes on chain."""
    with one_line_errors():
        desk = Desk(rpc_url, db_url, code)
        desk.act({"voucher_no": voucher_no, "action": "issue", "type": type_name, "holder": to, "subject": subject,
                  "document": document_file.read_text(encoding="utf-8"), "expires_at": expires, "remarks": remarks})
        _print(desk.view(desk.resolve(voucher_no)[1]), as_json, "issued: ")


for _action, _options in {"nominate": {"to": True}, "accept": {}, "reject": {}, "cancel-nomination": {},
                          "redeem": {}, "surrender": {}, "revoke": {"reason": True}}.items():
    _acting(_action, doc=f"Record '{_action}' on VOUCHER (this desk's number or its 0x digest).", **_options)


@voucher_group.command("show")
@click.argument("voucher")
@click.option("--document-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the voucher's document (issued here) to this file, to hand it over.")
@_desk
def show(voucher, document_out, rpc_url, db_url, as_json, code):
    """A voucher's state and custody chain; its document when this desk issued it."""
    with one_line_errors():
        desk = Desk(rpc_url, db_url, code)
        digest = desk.resolve(voucher)[1]
        view = desk.view(digest)
        payload = desk.issued().get(digest)
        if document_out is not None and payload is not None:
            document_out.write_bytes(vouchers.document(payload, desk.hasher))
    _print(view, as_json)
    if not as_json:
        for entry in view["custody"]:
            click.echo(f"  {entry['at']}  action {entry['action']}  {entry['from']} -> {entry['to']}")


@voucher_group.command("list")
@click.option("--all", "everything", is_flag=True, help="Every voucher of the city, not only this department's.")
@_desk
def list_vouchers(everything, rpc_url, db_url, as_json, code):
    """Vouchers this department issued, holds or is nominated for, followed from the chain."""
    with one_line_errors():
        desk = Desk(rpc_url, db_url, code)
        follower = follower_for(vouchers.SPEC, desk.config.department_code, desk.w3, desk.engine, desk.city,
                                confirmations=desk.config.confirmations)
        follower.poll()
        me = "0x" + department_id(desk.config.department_code).hex()
        table = vouchers.HeldVoucher
        query = select(table) if everything else select(table).where(
            or_(table.issuer == me, table.holder == me, table.nominee == me))
        with Session(desk.engine) as session:
            rows = [{"voucher": v.voucher_id, "state": v.state, "issuer": v.issuer, "holder": v.holder,
                     "nominee": v.nominee, "incoming": v.nominee == me} for v in session.scalars(query)]
    if as_json:
        echo_json(rows)
    else:
        for row in rows:
            click.echo(f"{row['voucher']}  {row['state']:<11}" + ("  nominated to you" if row["incoming"] else ""))
    sys.exit(EXIT_OK)


def document_digest(argument: str) -> bytes | None:
    """A voucher named by its 0x digest, or by its document file (hashed as it is)."""
    path = Path(argument)
    if path.is_file():
        return keccak(path.read_bytes())
    try:
        raw = bytes.fromhex(argument.removeprefix("0x"))
    except ValueError:
        return None
    return raw if len(raw) == 32 else None

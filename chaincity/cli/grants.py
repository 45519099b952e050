"""Data-access grants from the command line (IDataAccessGrants): a department requests access
to a category of another department's data, the owner grants it until a date or refuses,
either side revokes. Each command signs with the department's key and prints what it did."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from eth_utils import keccak

from chaincity.chain.contracts import call_named
from chaincity.chain.enums import department_id, reason_code
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.cli import DEPARTMENTS, EXIT_USAGE, JSON_OPTION, RPC_OPTION, echo_json, fail, main, one_line_errors, \
    open_city
from chaincity.cli.gateway import AS_OPTION, _code
from chaincity.config import city_pepper, signer_for
from chaincity.gateway.service import category_key
from chaincity.hashing import Hasher

GRANT_STATES = ("none", "requested", "granted", "refused", "revoked", "expired")


def _subject_key(category: str, subject: str | None) -> bytes:
    """The grant's subject as the serving department keys it; zero for every subject."""
    if subject is None:
        return bytes(32)
    serves = next((s for spec in DEPARTMENTS.values() for s in spec.serves if s.category == category), None)
    if serves is None:
        fail(f"no department serves {category!r} (known: "
             f"{', '.join(s.category for spec in DEPARTMENTS.values() for s in spec.serves)})", EXIT_USAGE)
    try:
        return serves.subject_key(subject)
    except ValueError as exc:
        fail(f"--subject: {exc}", EXIT_USAGE)


def _send(rpc_url: str | None, function: str, *args) -> dict:
    city = open_city(rpc_url)
    grants = city["DataAccessGrants"]
    with one_line_errors(ErrorDecoder(*(c.abi for c in city.contracts.values()))):
        sender = TransactionSender(city.w3, signer_for(city.w3.eth.chain_id))
        sender.transact(grants.address, bytes.fromhex(grants.encode_abi(function, args=list(args))[2:]))
        return call_named(grants, "getGrant", args[0])


def _show(grant_id: bytes, grant: dict, as_json: bool) -> None:
    state = GRANT_STATES[grant["state"]]
    if grant["state"] == 2 and grant["expiresAt"] <= time.time():
        state = "expired"
    if as_json:
        echo_json({"grantId": "0x" + grant_id.hex(), **grant, "stateName": state})
        return
    until = datetime.fromtimestamp(grant["expiresAt"], UTC).isoformat() if grant["expiresAt"] else "-"
    click.echo(f"grant 0x{grant_id.hex()}: {state}, until {until}, {grant['receiptCount']} reads recorded\n"
               f"  requester {grant['requester']}  owner {grant['owner']}\n"
               f"  category {grant['category']}  subject {grant['subject']}")


def _grant_id(value: str) -> bytes:
    raw = bytes.fromhex(value.removeprefix("0x")) if len(value.removeprefix("0x")) == 64 else b""
    if not raw:
        fail(f"{value!r} is not a grant id (0x + 64 hex characters)", EXIT_USAGE)
    return raw


@main.group()
def grant() -> None:
    """Data-access grants between departments (the gateway serves only under a live grant)."""


@grant.command("request")
@click.argument("owner")
@click.argument("category")
@click.option("--subject", default=None, help="One subject (e.g. a unit code); all subjects if not given.")
@click.option("--purpose", required=True, help="Why, e.g. 'enforcement of (2026)湘13执123号'; on chain only salted (CHAINCITY_PEPPER).")
@click.option("--reference", required=True, help="The request letter's number: with the requester it makes the grant id.")
@RPC_OPTION
@AS_OPTION
@JSON_OPTION
def request(owner: str, category: str, subject: str | None, purpose: str, reference: str, rpc_url: str | None,
            department_code: str | None, as_json: bool) -> None:
    """Ask OWNER (a department code) for access to CATEGORY of its data. Idempotent: the same
    request (same reference) again changes nothing."""
    code = _code(department_code)
    with one_line_errors():  # a missing pepper is a configuration error: exit 2
        hasher = Hasher(city_pepper())
    # The letter's number and the purpose (a case number, often) go on chain only salted.
    grant_id = keccak(b"chaincity:grant:" + department_id(code) + hasher.document(reference))
    _show(grant_id, _send(rpc_url, "requestAccess", grant_id, department_id(owner), category_key(category),
                          _subject_key(category, subject), hasher.document(purpose)), as_json)


@grant.command("approve")
@click.argument("grant_id")
@click.option("--days", type=click.IntRange(1, 3660), required=True, help="Days from now until the grant expires.")
@RPC_OPTION
@JSON_OPTION
def approve(grant_id: str, days: int, rpc_url: str | None, as_json: bool) -> None:
    """Grant a pending request to your department's data, for DAYS days."""
    raw = _grant_id(grant_id)
    _show(raw, _send(rpc_url, "grantAccess", raw, int(time.time()) + days * 86_400), as_json)


@grant.command("refuse")
@click.argument("grant_id")
@click.option("--reason", required=True, help="On chain as keccak256 of its upper-case text.")
@RPC_OPTION
@JSON_OPTION
def refuse(grant_id: str, reason: str, rpc_url: str | None, as_json: bool) -> None:
    """Refuse a pending request to your department's data."""
    raw = _grant_id(grant_id)
    _show(raw, _send(rpc_url, "refuseAccess", raw, reason_code(reason)), as_json)


@grant.command("revoke")
@click.argument("grant_id")
@click.option("--reason", required=True, help="On chain as keccak256 of its upper-case text.")
@RPC_OPTION
@JSON_OPTION
def revoke(grant_id: str, reason: str, rpc_url: str | None, as_json: bool) -> None:
    """End a grant (owner or requester): access ends at once."""
    raw = _grant_id(grant_id)
    _show(raw, _send(rpc_url, "revokeAccess", raw, reason_code(reason)), as_json)


@grant.command("show")
@click.argument("grant_id")
@RPC_OPTION
@JSON_OPTION
def show(grant_id: str, rpc_url: str | None, as_json: bool) -> None:
    """A grant's state, parties, expiry and how many reads were recorded under it."""
    raw = _grant_id(grant_id)
    with one_line_errors():
        _show(raw, call_named(open_city(rpc_url)["DataAccessGrants"], "getGrant", raw), as_json)

"""Reading the city's registries: anyone may read, no key needed."""

from __future__ import annotations

import sys

import click

from chaincity.chain.contracts import call_named
from chaincity.chain.enums import CertificateState, TitleStatus
from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, JSON_OPTION, RPC_OPTION, echo_json, fail, main, \
    one_line_errors, open_city
from chaincity.formats import FormatError, unit_code_of, unit_key, validate_unit_code


def _registry_call(rpc_url: str | None, function: str, *args):
    with one_line_errors():
        return call_named(open_city(rpc_url)["PropertyRegistry"], function, *args)


def _reading(group: click.Group, name: str, argument: str):
    """A command of ``group`` that reads one thing named by ``argument``, from any RPC, in words or JSON."""
    def decorate(function):
        return group.command(name)(click.argument(argument)(RPC_OPTION(JSON_OPTION(function))))
    return decorate


@main.group()
def query() -> None:
    """Read the city's registries (anyone may read)."""


@main.group()
def verify() -> None:
    """Check documents against the chain."""


@_reading(query, "title", "unit_code")
def query_title(unit_code: str, rpc_url: str | None, as_json: bool) -> None:
    """Everything about one title in one call: owners' hashes and shares, mortgages in rank
    order, effective and queued seizures, notices, current certificate."""
    try:
        validate_unit_code(unit_code)
    except FormatError as exc:
        fail(f"unit code {unit_code!r}: {exc}", EXIT_USAGE)
    title = _registry_call(rpc_url, "titleOf", unit_key(unit_code))
    title["unit"] = unit_code
    if as_json:
        echo_json(title)
        return
    click.echo(f"{unit_code}: {TitleStatus(title['status']).name.lower()}, certificate {title['certificate']}")
    for owner in title["owners"]:
        click.echo(f"  owner {owner['holder']}  {owner['share'] / 100:.2f} %")
    for rank, mortgage in enumerate(title["mortgages"], 1):
        click.echo(f"  mortgage {rank}: {mortgage}")
    for seizure in title["seizures"]:
        click.echo(f"  seizure: {seizure}")


@_reading(verify, "certificate", "digest")
def verify_certificate(digest: str, rpc_url: str | None, as_json: bool) -> None:
    """What a certificate digest is: a title certificate valid, superseded or revoked; a mortgage
    registration certificate (不动产登记证明) valid, released, transferred or revoked; for which
    unit, issued when. Exit 0 if valid, 1 otherwise."""
    try:
        raw = bytes.fromhex(digest.removeprefix("0x"))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        fail(f"{digest!r} is not a 32-byte hex digest", EXIT_USAGE)
    view = _registry_call(rpc_url, "verifyCertificate", raw)
    state = CertificateState(view["state"]).name.lower()
    result = {"certificate": "0x" + raw.hex(), "state": state, "unit": unit_code_of(bytes.fromhex(view["unit"][2:])),
              "issuedAt": view["issuedAt"], "revocationReason": view["revocationReason"],
              "proof": view["proof"]}  # a registration certificate's mortgage; zero for a title certificate
    if as_json:
        echo_json(result)
    else:
        click.echo(f"{result['certificate']}: {state}" + (f", unit {result['unit']}, issued at {result['issuedAt']}"
                                                          if state != "unknown" else ""))
    sys.exit(EXIT_OK if state == "valid" else EXIT_REJECTED)


@_reading(verify, "voucher", "digest_or_file")
def verify_voucher(digest_or_file: str, rpc_url: str | None, as_json: bool) -> None:
    """What a voucher is: its 0x digest, or its document file (hashed as it is: a changed byte
    is another digest). Active, redeemed, surrendered, revoked, expired, or unknown (forged or
    never issued); its type, issuer and holder. Exit 0 if active, 1 otherwise."""
    from chaincity.cli.voucher import STATES, document_digest

    raw = document_digest(digest_or_file)
    if raw is None:
        fail(f"{digest_or_file!r} is neither a document file nor a 32-byte hex digest", EXIT_USAGE)
    with one_line_errors():
        view = call_named(open_city(rpc_url)["VoucherRegistry"], "verifyVoucher", raw)
    result = {"voucher": "0x" + raw.hex(), "state": STATES[view["state"]], "type": view["typeId"],
              "issuer": view["issuer"], "holder": view["holder"], "custodyLength": view["historyLength"]}
    if as_json:
        echo_json(result)
    else:
        click.echo(f"{result['voucher']}: {result['state']}" + (
            f", type {result['type']}, issuer {result['issuer']}, holder {result['holder']}"
            if result["state"] != "unknown" else ""))
    sys.exit(EXIT_OK if result["state"] == "active" else EXIT_REJECTED)

"""Reading the city's registries: anyone may read, no key needed."""

from __future__ import annotations

import sys

import click

from chaincity.chain.contracts import call_named
from chaincity.chain.enums import CertificateState, TitleStatus
from chaincity.config import city_pepper
from chaincity.departments.real_estate.chain import issued_certificate
from chaincity.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, JSON_OPTION, RPC_OPTION, echo_json, fail, main, \
    one_line_errors, open_city
from chaincity.formats import FormatError, certificate_number, unit_code_of, unit_key, validate_unit_code, validate_uscc
from chaincity.hashing import Hasher
from chaincity.oracle.history import ChainReader


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


@verify.command("certificate")
@click.argument("certificate")
@click.option("--unit", "unit_code", default=None,
              help="The unit code of the title, when CERTIFICATE is its printed number (needs CHAINCITY_PEPPER).")
@RPC_OPTION
@JSON_OPTION
def verify_certificate(certificate: str, unit_code: str | None, rpc_url: str | None, as_json: bool) -> None:
    """What a certificate is: a title certificate valid, superseded or revoked; a mortgage
    registration certificate (不动产登记证明) valid, released, transferred or revoked; for which
    unit, issued when. CERTIFICATE is its 0x digest, or its number as printed
    (湘（2019）娄底市不动产权第0001234号, full-width or not: the same certificate) with --unit, for a
    department holding the city's pepper. Exit 0 if valid, 1 otherwise."""
    raw = _certificate_digest(certificate, unit_code, rpc_url)
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


def _certificate_digest(certificate: str, unit_code: str | None, rpc_url: str | None) -> bytes:
    """The registry's digest of a certificate given by its digest, or by its printed number and
    unit (the number's salted digest under the title's versions; zero when never issued)."""
    if certificate.startswith("0x") or unit_code is None:
        try:
            raw = bytes.fromhex(certificate.removeprefix("0x"))
        except ValueError:
            raw = b""
        if len(raw) != 32:
            fail(f"{certificate!r} is not a 32-byte hex digest (give a printed certificate number with --unit)", EXIT_USAGE)
        return raw
    try:
        number, unit = certificate_number(certificate), validate_unit_code(unit_code)
    except FormatError as exc:
        fail(str(exc), EXIT_USAGE)
    with one_line_errors():  # a missing pepper is a configuration error: exit 2
        hasher = Hasher(city_pepper())
        registry = open_city(rpc_url)["PropertyRegistry"]
        digest = issued_certificate(ChainReader(registry), {"unit_code": unit, "certificate_no": number}, hasher)
    return digest or bytes(32)


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


def _credit(rpc_url: str | None):
    from chaincity.credit import Credit  # the credit reads, shared with the portal and the demo

    return Credit(open_city(rpc_url))


@query.command("bidding")
@click.argument("usccs", nargs=-1)
@click.option("--file", "bidders_file", type=click.File(encoding="utf-8-sig"), default=None,
              help="More bidders: a text or CSV file, one USCC per line (first column; a `uscc` header is skipped).")
@RPC_OPTION
@JSON_OPTION
def query_bidding(usccs: tuple[str, ...], bidders_file, rpc_url: str | None, as_json: bool) -> None:
    """May these companies bid for government procurement now? Every reason that bars each one
    (not registered, not existing, a live credit listing, three years on the abnormal-operations
    list, tax grade D), read from the chain in one call per 500 bidders. Exit 0: all eligible;
    1: some barred; 2: a code that is not a valid USCC."""
    from chaincity.credit import bidders_of

    bidders = bidders_of([*usccs, *(bidders_file or [])])
    if not bidders:
        fail("name at least one USCC (or --file)", EXIT_USAGE)
    for code in bidders:
        try:
            validate_uscc(code)
        except FormatError as exc:
            fail(f"USCC {code!r}: {exc}", EXIT_USAGE)
    with one_line_errors():
        answer = _credit(rpc_url).bidding(bidders)
    if as_json:
        echo_json([{"uscc": code, "eligible": not bars, "bars": bars} for code, bars in answer.items()])
    else:
        for code, bars in answer.items():
            click.echo(f"{code}  " + (f"barred: {', '.join(bars)}" if bars else "eligible"))
    sys.exit(EXIT_REJECTED if any(answer.values()) else EXIT_OK)


@_reading(query, "company", "uscc")
def query_company(uscc: str, rpc_url: str | None, as_json: bool) -> None:
    """A company's credit picture from the chain alone: status and its history, the
    abnormal-operations list, tax grades by year with corrections, every live and past credit
    listing with its department, and whether it may bid now."""
    try:
        validate_uscc(uscc)
    except FormatError as exc:
        fail(f"USCC {uscc!r}: {exc}", EXIT_USAGE)
    with one_line_errors():
        picture = _credit(rpc_url).picture(uscc)
    if as_json:
        echo_json(picture)
        return
    click.echo(f"{uscc}: {picture['status']}" + (f" since {picture['status_since']}, established {picture['established']}, "
                                                 f"division {picture['division']}" if picture["status"] != "none" else ""))
    for step in picture["history"]:
        click.echo(f"  {step['day']}  {step['act']:<22} by {step['department']}")
    if picture["abnormal"]:
        click.echo(f"  abnormal-operations list: from {picture['abnormal']['listed']}"
                   + (f" to {picture['abnormal']['removed']}" if picture["abnormal"]["removed"] else " (on it)")
                   + (f"; serious violation since {picture['serious_violation_since']}" if picture["serious_violation_since"] else ""))
    for year, history in picture["tax_grades"].items():
        click.echo(f"  tax {year}: " + " -> ".join(f"{h['grade']} ({h['day']}{', corrected' if h['corrected'] else ''})"
                                                  for h in history))
    for listing in picture["listings"]:
        click.echo(f"  {'LIVE' if listing['live'] else 'past'} {listing['list_type']} by {listing['department']} "
                   f"from {listing['from']}" + (f" until {listing['until']}" if listing["until"] else "")
                   + (f", {listing['ended']} on {listing['ended_on']}" if listing["ended"] else ""))
    bars = picture["bidding_bars"]
    click.echo("  bidding: " + (f"barred ({', '.join(bars)})" if bars else "eligible"))

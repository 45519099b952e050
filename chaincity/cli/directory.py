"""The city administrators' commands (`chaincity directory …`) and a department's own key
rotation (`chaincity department rotate-key`). Each signs with a keystore (or, on a devnet only,
a test account), works on any JSON-RPC chain, prints what it did and has --json."""

from __future__ import annotations

import os
import sys

import click

from chaincity.chain.enums import DepartmentKind
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.chain.signer import load_signer
from chaincity.cli import JSON_OPTION, RPC_OPTION, echo_json, main, one_line_errors, open_city
from chaincity.directory import Department, Directory, Proposal

KINDS = [kind.label for kind in DepartmentKind if kind != DepartmentKind.NONE]


def _signing(prefix: str, who: str):
    """--keystore / --devnet-account options, from the environment under ``prefix``."""
    def decorate(command):
        command = click.option("--devnet-account", envvar=f"{prefix}_DEVNET_ACCOUNT", default=None,
                               help=f"On a devnet only: sign as this test account index (env {prefix}_DEVNET_ACCOUNT).")(command)
        return click.option("--keystore", envvar=f"{prefix}_KEYSTORE", default=None,
                            help=f"Encrypted keystore of {who} (env {prefix}_KEYSTORE; password from "
                                 f"{prefix}_KEYSTORE_PASSWORD or asked).")(command)
    return decorate


ADMIN_KEY = _signing("CHAINCITY_ADMIN", "the city administrator")


def _directory(rpc_url: str | None, keystore: str | None = None, devnet_account: str | None = None,
               password_env: str = "CHAINCITY_ADMIN_KEYSTORE_PASSWORD", signing: bool = True) -> Directory:
    city = open_city(rpc_url)
    if not signing:
        return Directory(city)
    password = os.environ.get(password_env)
    if keystore and password is None and sys.stdin.isatty():
        password = click.prompt(f"password of {keystore}", hide_input=True)
    signer = load_signer(city.w3.eth.chain_id, keystore, password, devnet_account,
                         settings=(f"--keystore ({password_env.removesuffix('_PASSWORD')})", "--devnet-account"))
    return Directory(city, TransactionSender(city.w3, signer))


def _decoder(directory: Directory) -> ErrorDecoder:
    return ErrorDecoder(*(c.abi for c in directory.city.contracts.values()))


def _print_proposal(proposal: Proposal, as_json: bool, did: str = "") -> None:
    if as_json:
        echo_json(proposal.as_dict())
        return
    click.echo(f"{did}proposal {proposal.id} ({proposal.state}): {proposal.call}")
    needed = f", {proposal.still_needed} more needed" if proposal.still_needed and proposal.state == "pending" else ""
    click.echo(f"  approvals {proposal.approvals} of {proposal.threshold}{needed}"
               + (f" (by {', '.join(proposal.approved_by)})" if proposal.approved_by else "")
               + f"; expires {proposal.expires_at}")
    if proposal.state == "pending" and not proposal.still_needed:
        click.echo(f"  ready: chaincity directory execute {proposal.id}")


def _print_department(department: Department, as_json: bool) -> None:
    if as_json:
        echo_json(department.as_dict())
        return
    click.echo(f"{department.code:<16} {department.kind:<26} {department.status:<10} {department.name}")
    for signer in department.signers:
        click.echo(f"  signer {signer}")


@main.group("directory")
def directory_group() -> None:
    """The city administrators' commands: k-of-n proposals, departments, the emergency pause."""


@directory_group.group("propose")
def propose() -> None:
    """Propose a change that k of the n administrators must approve (your approval counts)."""


def _proposing(build):
    """A `propose` subcommand: sign with an administrator's key, propose the call ``build`` makes."""
    @RPC_OPTION
    @ADMIN_KEY
    @JSON_OPTION
    def command(rpc_url, keystore, devnet_account, as_json, **args):
        with one_line_errors():
            directory = _directory(rpc_url, keystore, devnet_account)
            with one_line_errors(_decoder(directory)):
                _print_proposal(directory.propose(*build(directory, **args)), as_json, "created ")
    command.__doc__ = build.__doc__
    command.__name__ = build.__name__
    return command


@propose.command("register")
@click.argument("code")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="What the department is.")
@click.option("--name", required=True, help="Its public name, e.g. 'ICBC Loudi branch'.")
@click.option("--signer", "signers", multiple=True, required=True, help="A signing address (repeat for several).")
@_proposing
def propose_register(directory: Directory, code: str, kind: str, name: str, signers: tuple[str, ...]):
    """Register department CODE (e.g. LD-BANK-ICBC) with its signing addresses."""
    return directory.register_call(code, DepartmentKind.from_label(kind), name, list(signers))


@propose.command("reinstate")
@click.argument("code")
@_proposing
def propose_reinstate(directory: Directory, code: str):
    """Reinstate a suspended department."""
    return directory.call("CityDirectory", "reinstateDepartment", bytes.fromhex(directory.department(code).id[2:]))


@propose.command("threshold")
@click.argument("approvals", type=click.IntRange(1))
@_proposing
def propose_threshold(directory: Directory, approvals: int):
    """Change how many administrators must approve a proposal."""
    return directory.call("CityDirectory", "changeThreshold", approvals)


@propose.command("replace-key")
@click.argument("code")
@click.argument("old_signer")
@click.argument("new_signer")
@_proposing
def propose_replace_key(directory: Directory, code: str, old_signer: str, new_signer: str):
    """Replace a department's lost or compromised key OLD_SIGNER with NEW_SIGNER."""
    department = directory.department(code)
    return directory.call("CityDirectory", "rotateSigner", bytes.fromhex(department.id[2:]),
                          directory.city.w3.to_checksum_address(old_signer), directory.city.w3.to_checksum_address(new_signer))


@propose.command("unpause")
@_proposing
def propose_unpause(directory: Directory):
    """Lift the city's emergency pause."""
    return directory.call("CityDirectory", "unpause")


@propose.command("allow-contracts")
@_proposing
def propose_allow_contracts(directory: Directory):
    """Let proposals call the city's registries (a new city's first proposal)."""
    return directory.allow_city_contracts_call()


@propose.command("voucher-type")
@click.argument("name")
@click.option("--issuer", "issuers", multiple=True, type=click.Choice(KINDS), help="A kind that may issue it (repeat).")
@click.option("--receiver", "receivers", multiple=True, type=click.Choice(KINDS), required=True,
              help="A kind that may receive and redeem it (repeat).")
@_proposing
def propose_voucher_type(directory: Directory, name: str, issuers: tuple[str, ...], receivers: tuple[str, ...]):
    """Say which department kinds may issue and receive the voucher type NAME (e.g. MORTGAGE_RELEASE);
    no --issuer closes the type to new vouchers."""
    from chaincity.departments.vouchers import type_id

    def mask(labels):
        return sum(1 << int(DepartmentKind.from_label(label)) for label in set(labels))
    return directory.call("VoucherRegistry", "setVoucherType", type_id(name), mask(issuers), mask(receivers))


@propose.command("add-county")
@click.argument("county")
@_proposing
def propose_add_county(directory: Directory, county: str):
    """Declare a county-level division (GB/T 2260, six digits) whose real estate the city registers."""
    if len(county) != 6 or not county.isdigit():
        raise click.BadParameter(f"{county!r} is not a six-digit division code", param_hint="COUNTY")
    return directory.call("PropertyRegistry", "addCounty", county.encode())


def _acting(act: str, doc: str):
    @directory_group.command(act, help=doc)
    @click.argument("proposal_id", type=click.IntRange(1))
    @RPC_OPTION
    @ADMIN_KEY
    @JSON_OPTION
    def command(proposal_id, rpc_url, keystore, devnet_account, as_json):
        with one_line_errors():
            directory = _directory(rpc_url, keystore, devnet_account)
            with one_line_errors(_decoder(directory)):
                proposal = getattr(directory, act)(proposal_id)
        _print_proposal(proposal, as_json, {"approve": "approved ", "execute": "executed ", "cancel": "cancelled "}[act])
    return command


_acting("approve", "Approve proposal PROPOSAL_ID.")
_acting("execute", "Execute proposal PROPOSAL_ID once k administrators approved it (its call is read from the chain).")
_acting("cancel", "Cancel proposal PROPOSAL_ID.")


@directory_group.command("proposals")
@click.option("--all", "everything", is_flag=True, help="Executed, cancelled and expired ones too.")
@RPC_OPTION
@JSON_OPTION
def proposals(everything: bool, rpc_url: str | None, as_json: bool) -> None:
    """List open proposals with their approvals and expiry."""
    with one_line_errors():
        found = _directory(rpc_url, signing=False).proposals(open_only=not everything)
    if as_json:
        echo_json([p.as_dict() for p in found])
        return
    if not found:
        click.echo("no open proposals" if not everything else "no proposals")
    for proposal in found:
        _print_proposal(proposal, False)


@directory_group.command("list")
@RPC_OPTION
@JSON_OPTION
def list_departments(rpc_url: str | None, as_json: bool) -> None:
    """Every department with its kind, status and signing keys."""
    with one_line_errors():
        departments = _directory(rpc_url, signing=False).departments()
    if as_json:
        echo_json([d.as_dict() for d in departments])
        return
    for department in departments:
        _print_department(department, False)


@directory_group.command("show")
@click.argument("code")
@RPC_OPTION
@JSON_OPTION
def show(code: str, rpc_url: str | None, as_json: bool) -> None:
    """One department: kind, status, name and signing keys."""
    with one_line_errors():
        _print_department(_directory(rpc_url, signing=False).department(code), as_json)


@directory_group.command("suspend")
@click.argument("code")
@click.option("--reason", required=True, help="Why (recorded on chain as keccak256 of the upper-case text).")
@RPC_OPTION
@ADMIN_KEY
@JSON_OPTION
def suspend(code: str, reason: str, rpc_url: str | None, keystore, devnet_account, as_json: bool) -> None:
    """Suspend a department at once (one administrator may: it only takes powers away)."""
    with one_line_errors():
        directory = _directory(rpc_url, keystore, devnet_account)
        with one_line_errors(_decoder(directory)):
            _print_department(directory.suspend(code, reason), as_json)


@directory_group.command("pause")
@RPC_OPTION
@ADMIN_KEY
@JSON_OPTION
def pause(rpc_url: str | None, keystore, devnet_account, as_json: bool) -> None:
    """Pause the whole city at once: no department writes until k administrators lift it."""
    with one_line_errors():
        directory = _directory(rpc_url, keystore, devnet_account)
        with one_line_errors(_decoder(directory)):
            paused = directory.pause()
    if as_json:
        echo_json({"paused": paused})
    else:
        click.echo("the city is paused: lift it with `chaincity directory propose unpause` (k of n)")


@main.group("department")
def department_group() -> None:
    """A department's own commands on the directory."""


@department_group.command("rotate-key")
@click.argument("new_signer")
@click.option("--as", "code", envvar="CHAINCITY_DEPARTMENT", required=True,
              help="The department code (env CHAINCITY_DEPARTMENT).")
@RPC_OPTION
@_signing("CHAINCITY", "the department's current key")
@JSON_OPTION
def rotate_key(new_signer: str, code: str, rpc_url: str | None, keystore, devnet_account, as_json: bool) -> None:
    """Replace the department's current key (the one signing) with NEW_SIGNER; the old key loses
    every power at once. Give the oracle the new key afterwards."""
    with one_line_errors():
        directory = _directory(rpc_url, keystore, devnet_account, password_env="CHAINCITY_KEYSTORE_PASSWORD")
        with one_line_errors(_decoder(directory)):
            _print_department(directory.rotate_key(code, new_signer), as_json)

"""Shared fixtures for the contract tests: the city directory with one department of every
kind registered through 2-of-3 administrator proposals, and a named account per role."""

from __future__ import annotations

from enum import IntEnum

import brownie
import pytest
from brownie import CityDirectory, accounts, web3

from chaincity.onboard import DepartmentKind as Kind  # mirror of DepartmentKind in ICityDirectory.sol


class Status(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2


def department_id(code: str) -> bytes:
    """A department id as the deploy script makes it: keccak256 of its code."""
    return web3.keccak(text=code)


def plain(value):
    """Brownie's return values and event fields as plain Python, for exact comparisons.

    Brownie 1.22's compiled `Wei` and `HexString` refuse to compare with plain ints and
    bytes inside lists, so both sides of a structured assertion go through this: numbers
    become int, bytes and hex strings lowercase "0x…" text, accounts and contracts their
    lowercase address, sequences lists.
    """
    if hasattr(value, "address"):
        return value.address.lower()
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, str):
        return value.lower() if value.startswith("0x") else value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "__iter__"):
        return [plain(v) for v in value]
    return value


def typed_error(name: str, *args) -> str:
    """The revert message Brownie makes of a custom error, for `brownie.reverts(...)`.

    Brownie decodes a typed error with the project's ABIs into "Name: arg, arg" with each
    argument as eth-abi decodes it (lowercase addresses, bytes as Python bytes), so this
    matches the exact error and its exact arguments.
    """

    def render(arg) -> str:
        if hasattr(arg, "address"):
            arg = arg.address
        if isinstance(arg, str) and arg.startswith("0x") and len(arg) == 42:
            return arg.lower()
        if isinstance(arg, (bytes, bytearray)):
            return str(bytes(arg))
        if isinstance(arg, bool):
            return str(arg)
        return str(int(arg)) if isinstance(arg, int) else str(arg)

    return f"{name}: {', '.join(render(a) for a in args)}"


def kind_mask(*kinds: Kind) -> int:
    mask = 0
    for kind in kinds:
        mask |= 1 << int(kind)
    return mask


def run_proposal(directory, calldata: str, admins) -> object:
    """Propose `calldata` with the first admin, approve with the rest, execute; returns the execute tx."""
    proposal_id = directory.propose(calldata, {"from": admins[0]}).return_value
    for admin in admins[1 : directory.threshold()]:
        directory.approve(proposal_id, {"from": admin})
    return directory.execute(proposal_id, calldata, {"from": admins[0]})


# One department per kind: (code, kind, account index).
DEPARTMENTS = {
    "registrar": ("LD-REC", Kind.REAL_ESTATE_REGISTRATION, 3),
    "bank": ("LD-BANK-ICBC", Kind.BANK, 4),
    "bank2": ("LD-BANK-CCB", Kind.BANK, 5),
    "court": ("LD-COURT-INT", Kind.COURT, 6),
    "court2": ("LD-COURT-LX", Kind.COURT, 7),
    "market_regulator": ("LD-AMR", Kind.MARKET_REGULATION, 8),
    "tax_bureau": ("LD-TAX", Kind.TAX_BUREAU, 9),
    "credit_office": ("LD-CREDIT", Kind.CREDIT_OFFICE, 10),
    "finance_bureau": ("LD-FIN", Kind.FINANCE, 11),
    "provident_fund": ("LD-HPF", Kind.HOUSING_PROVIDENT_FUND, 12),
    "other_department": ("LD-OTHER", Kind.OTHER, 13),
}


# ---- permission matrices: every mutating function x every one of these roles ----

ROLES = ["city_admin", *DEPARTMENTS, "stranger"]


def caller_for(role, city_admins, stranger):
    """The account acting in `role` in a permission matrix."""
    if role == "city_admin":
        return city_admins[0]
    if role == "stranger":
        return stranger
    return accounts[DEPARTMENTS[role][2]]


def mutating_functions(contract) -> set[str]:
    """Every function of the contract that can change state: a matrix must cover them all."""
    return {
        abi["name"]
        for abi in contract.abi
        if abi["type"] == "function" and abi["stateMutability"] not in ("view", "pure")
    }


# Every department kind but None (bits 1 to 9): what DepartmentUnauthorized names for
# functions open to any active department.
ALL_KINDS = 0x3FE


def department_rule(allowed, error, key):
    """Matrix rule: `allowed` roles succeed, other departments get `error(key, their id)`, and
    accounts that sign for no active department get DepartmentUnauthorized."""

    def expected(role):
        if role in allowed:
            return None
        if role in ("city_admin", "stranger"):
            return ("DepartmentUnauthorized", "caller", ALL_KINDS)
        return (error, key, department_id(DEPARTMENTS[role][0]))

    return expected


def check_permission(contract, function, args, caller, expected):
    """Call `function` from `caller`: it succeeds and emits, or reverts with exactly `expected`
    (an error name and arguments, "caller" standing for the caller's address)."""
    if expected is None:
        tx = getattr(contract, function)(*args, {"from": caller})
        assert tx.status == 1
        assert tx.events  # every allowed write changed something and said so
        return
    name, *error_args = expected
    error_args = [caller if a == "caller" else a for a in error_args]
    with brownie.reverts(typed_error(name, *error_args)):
        getattr(contract, function)(*args, {"from": caller})


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="module")
def city_admins():
    return [accounts[0], accounts[1], accounts[2]]


@pytest.fixture(scope="module")
def stranger():
    return accounts[19]


@pytest.fixture(scope="module")
def directory(city_admins):
    """A directory with 2-of-3 administrators and every department in DEPARTMENTS registered."""
    city = CityDirectory.deploy(city_admins, 2, {"from": city_admins[0]})
    for code, kind, index in DEPARTMENTS.values():
        calldata = city.registerDepartment.encode_input(
            department_id(code), kind, web3.keccak(text=f"name of {code}"), [accounts[index]]
        )
        run_proposal(city, calldata, city_admins)
    return city


def _role_fixture(role: str):
    def account(directory):
        return accounts[DEPARTMENTS[role][2]]

    return pytest.fixture(scope="module", name=role)(account)


for _role in DEPARTMENTS:
    globals()[_role] = _role_fixture(_role)


@pytest.fixture(scope="module")
def department_accounts():
    """Every department signer by role name, for permission matrices."""
    return {role: accounts[index] for role, (_, _, index) in DEPARTMENTS.items()}


# ---- PropertyRegistry fixtures ----

PROPERTY_COUNTIES = [b"431302", b"431321", b"431381"]


@pytest.fixture(scope="module")
def property_registry(directory, city_admins):
    """A PropertyRegistry on the shared directory, with three Loudi counties declared."""
    from brownie import PropertyRegistry

    registry = PropertyRegistry.deploy(directory, {"from": city_admins[0]})
    for county in PROPERTY_COUNTIES:
        registry.addCounty(county, {"from": city_admins[0]})
    return registry


# ---- CompanyRegistry / CreditLists / BiddingEligibility fixtures ----


class CompanyStatus(IntEnum):
    """Mirror of `CompanyStatus` in interfaces/ICompanyRegistry.sol."""

    NONE = 0
    ACTIVE = 1
    ABNORMAL = 2
    REVOKED = 3
    DEREGISTERED = 4


class TaxGrade(IntEnum):
    NONE = 0
    A = 1
    B = 2
    M = 3
    C = 4
    D = 5


class ListType(IntEnum):
    """Mirror of `CreditListType` in interfaces/ICreditLists.sol."""

    NONE = 0
    DISHONEST_JUDGMENT_DEBTOR = 1
    MAJOR_TAX_VIOLATION = 2
    SERIOUS_VIOLATION = 3
    PROCUREMENT_DISHONESTY = 4


class SubjectKind(IntEnum):
    NONE = 0
    COMPANY = 1
    PERSON = 2


class Bar(IntEnum):
    """Mirror of `BiddingBar` in interfaces/IBiddingEligibility.sol."""

    NONE = 0
    NOT_REGISTERED = 1
    NOT_ACTIVE = 2
    DISHONEST_JUDGMENT_DEBTOR = 3
    MAJOR_TAX_VIOLATION_LISTED = 4
    SERIOUS_VIOLATION = 5
    PROCUREMENT_DISHONESTY = 6
    TAX_GRADE_D = 7
    MAJOR_TAX_VIOLATION_FLAGGED = 8


# The department role that owns each credit list type.
LIST_OWNER = {
    ListType.DISHONEST_JUDGMENT_DEBTOR: "court",
    ListType.MAJOR_TAX_VIOLATION: "tax_bureau",
    ListType.SERIOUS_VIOLATION: "market_regulator",
    ListType.PROCUREMENT_DISHONESTY: "finance_bureau",
}


def uscc(body: str) -> bytes:
    """A valid USCC (as the bytes18 the contracts take) with organisation-code body `body`."""
    from chaincity.formats import build_uscc

    return build_uscc(body).encode()


def company_subject(code: bytes) -> bytes:
    """The credit-list subject of a company: its USCC left-aligned in 32 bytes."""
    return code + b"\x00" * 14


def company_data(seed: int = 1, capital: int = 10_000_000_00) -> tuple:
    """CompanyData(nameDigest, legalRepresentativeHash, addressDigest, businessScopeDigest, registeredCapital)."""
    return (
        web3.keccak(text=f"name {seed}"),
        web3.keccak(text=f"salted legal representative {seed}"),
        web3.keccak(text=f"address {seed}"),
        web3.keccak(text=f"scope {seed}"),
        capital,
    )


@pytest.fixture(scope="module")
def credit_lists(directory, city_admins):
    from brownie import CreditLists

    return CreditLists.deploy(directory, {"from": city_admins[0]})


@pytest.fixture(scope="module")
def company_registry(directory, credit_lists, city_admins):
    from brownie import CompanyRegistry

    return CompanyRegistry.deploy(directory, credit_lists, {"from": city_admins[0]})


@pytest.fixture(scope="module")
def bidding(company_registry, city_admins):
    from brownie import BiddingEligibility

    return BiddingEligibility.deploy(company_registry, {"from": city_admins[0]})


def block_time() -> int:
    """The latest block's timestamp (chain.time() can run ahead of it after a revert)."""
    from brownie import chain

    return chain[-1].timestamp


# ---- VoucherRegistry fixtures ----

# Voucher types of the tests: name -> (issuer kinds, receiver kinds).
VOUCHER_TYPES = {
    "MORTGAGE_RELEASE": ((Kind.BANK,), (Kind.REAL_ESTATE_REGISTRATION, Kind.BANK)),
    "HPF_WITHDRAWAL": ((Kind.HOUSING_PROVIDENT_FUND,), (Kind.BANK, Kind.REAL_ESTATE_REGISTRATION)),
    "COURT_ENFORCEMENT": (
        (Kind.COURT,),
        (Kind.REAL_ESTATE_REGISTRATION, Kind.BANK, Kind.MARKET_REGULATION, Kind.HOUSING_PROVIDENT_FUND, Kind.COURT),
    ),
    "TAX_PAYMENT_CERT": ((Kind.TAX_BUREAU,), (Kind.REAL_ESTATE_REGISTRATION, Kind.BANK)),
    "REGISTRATION_RECEIPT": (
        (Kind.REAL_ESTATE_REGISTRATION,),
        (Kind.BANK, Kind.COURT, Kind.HOUSING_PROVIDENT_FUND, Kind.TAX_BUREAU),
    ),
}


def voucher_type_id(name: str) -> bytes:
    return web3.keccak(text=f"voucher.{name}")


@pytest.fixture(scope="module")
def vouchers(directory, city_admins):
    """A VoucherRegistry with every type in VOUCHER_TYPES set by the first city admin."""
    from brownie import VoucherRegistry

    registry = VoucherRegistry.deploy(directory, {"from": city_admins[0]})
    for name, (issuers, receivers) in VOUCHER_TYPES.items():
        registry.setVoucherType(voucher_type_id(name), kind_mask(*issuers), kind_mask(*receivers), {"from": city_admins[0]})
    return registry


# ---- DataAccessGrants fixtures ----


@pytest.fixture(scope="module")
def grants(directory, city_admins):
    """A DataAccessGrants registry on the shared directory."""
    from brownie import DataAccessGrants

    return DataAccessGrants.deploy(directory, {"from": city_admins[0]})

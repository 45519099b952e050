"""Shared fixtures for the contract tests: the city directory with one department of every
kind registered through 2-of-3 administrator proposals, a named account per role, the
registries allow-listed as city contracts, and the shared permission-matrix helpers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import brownie
from hexbytes import HexBytes
import pytest
from brownie import CityDirectory, accounts, web3
from brownie.network.transaction import TransactionReceipt
from web3.exceptions import TransactionNotFound

from chaincity.chain.enums import DepartmentKind as Kind  # the one mirror of the contracts' enums
from chaincity.chain.enums import DepartmentStatus as Status
from chaincity.chain.enums import department_id as chaincity_department_id
# The company and credit enum mirrors, under the tests' short names.
from chaincity.chain.enums import BiddingBar as Bar  # noqa: F401
from chaincity.chain.enums import CompanyStatus, ListingEnding, SubjectKind, TaxGrade  # noqa: F401
from chaincity.chain.enums import CreditListType as ListType


def department_id(code: str) -> HexBytes:
    """A department id as the directory computes it (chaincity's one definition), as Brownie returns bytes32."""
    return HexBytes(chaincity_department_id(code))


def department_name(code: str) -> str:
    """The public name the fixtures register a department code under."""
    return f"Name of {code}"


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


_brownie_await_confirmation = TransactionReceipt._await_confirmation


def _await_confirmation_past_the_receipt_race(self, block_number=None, required_confs: int = 1) -> None:
    """Brownie takes a transaction for dropped when the sender's nonce has moved on but no
    receipt is found; a loaded Anvil answers exactly that for a moment after mining (the CI run
    of 2026-11-30: 256 setup errors, "Tx dropped without known replacement"). Wait, bounded,
    until the node finds the receipt, then let Brownie confirm as usual."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if web3.eth.get_transaction_receipt(self.txid)["blockHash"] is not None:
                break
        except TransactionNotFound:
            pass
        time.sleep(0.05)
    _brownie_await_confirmation(self, block_number, required_confs)


TransactionReceipt._await_confirmation = _await_confirmation_past_the_receipt_race


def kind_mask(*kinds: Kind) -> int:
    mask = 0
    for kind in kinds:
        mask |= 1 << int(kind)
    return mask


def propose_and_execute(directory, admins, target, data: str) -> object:
    """Propose calling `target` with `data` with the first admin, approve with the next ones
    up to the threshold (the second, at 2 of 3), execute; returns the execute tx."""
    proposal_id = directory.propose(target, data, {"from": admins[0]}).return_value
    for admin in admins[1 : directory.threshold()]:
        directory.approve(proposal_id, {"from": admin})
    return directory.execute(proposal_id, target, data, {"from": admins[0]})


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

# ---- permission matrices generated from the compiled ABIs ----
#
# A matrix module parametrizes over `abi_functions(ContractType)` (read from the compiled ABI)
# and looks each function up with `matrix_row`, so a new mutating function without a row fails
# the suite. Roles beyond ROLES: the city quorum (the directory running a k-of-n proposal that
# targets the contract) and three degraded states of the department a row lets act.

SPECIAL_ROLES = ["suspended_department", "rotated_out_key", "paused_city"]
MATRIX_ROLES = [*ROLES, "city_quorum", *SPECIAL_ROLES]
# Accounts that sign for no active department: they get DepartmentUnauthorized.
NOT_A_DEPARTMENT = ("city_admin", "stranger", "city_quorum", *SPECIAL_ROLES)


def abi_functions(container) -> list[str]:
    """The rows a permission matrix of this contract type must have: every function of its
    compiled ABI that is neither view nor pure, sorted."""
    return sorted(mutating_functions(container))


def matrix_row(matrix: dict, container, function: str):
    """The one check that every mutating ABI function has a row: the row of `function`, or a
    failure naming the function that lacks one."""
    if function not in matrix:
        pytest.fail(f"{container._name}.{function} is in the compiled ABI but has no row in its permission matrix")
    return matrix[function]


def assert_matrix_matches_abi(container, matrix: dict) -> None:
    """No row for a function the contract no longer has, and no ABI function without a row."""
    assert set(matrix) == set(abi_functions(container))


@dataclass(frozen=True)
class Row:
    """A function's row: `args(role)` (or a list) builds arguments valid for `role`;
    `expect(role)` is None for success or (error name, *arguments), "caller" standing for the
    calling account; the degraded roles act as `owner` (the role allowed to act) would."""

    args: Callable | list
    expect: Callable
    owner: str

    def arguments(self, role: str) -> list:
        return self.args(role) if callable(self.args) else self.args


def department_rule(allowed, error, key, mask=ALL_KINDS):
    """Matrix rule: `allowed` roles succeed, other departments get `error(key, their id)`, and
    accounts that sign for no active department get DepartmentUnauthorized(caller, mask)."""

    def expected(role):
        if role in allowed:
            return None
        if role in NOT_A_DEPARTMENT:
            return ("DepartmentUnauthorized", "caller", mask)
        return (error, key, department_id(DEPARTMENTS[role][0]))

    return expected


def kind_rule(mask):
    """Matrix rule of a function gated by department kind: departments of a kind in `mask`
    succeed, every other caller gets DepartmentUnauthorized(caller, mask)."""

    def expected(role):
        if role in DEPARTMENTS and mask & (1 << DEPARTMENTS[role][1]):
            return None
        return ("DepartmentUnauthorized", "caller", mask)

    return expected


def quorum_rule(role):
    """Matrix rule of a city-level setter: only the directory, running a proposal, succeeds
    (also while the city is paused: a pause stops departments, not the quorum)."""
    if role in ("city_quorum", "paused_city"):
        return None
    return ("DepartmentGatedOnlyByProposal", "caller")


def enter_role(role: str, owner: str, directory, city_admins, stranger):
    """Bring the chain into the state `role` stands for; returns the account acting in it (the
    directory for the quorum). The degraded roles start from `owner`'s department (the bank's
    when `owner` is not a department): suspended, its key rotated out (the old key acts), or
    the city paused (`owner` itself acts)."""
    if role == "city_quorum":
        return directory
    if role in SPECIAL_ROLES:
        code, _, index = DEPARTMENTS[owner if owner in DEPARTMENTS else "bank"]
        key = accounts[index]
        if role == "suspended_department":
            directory.suspendDepartment(department_id(code), b"\x01" * 32, {"from": city_admins[0]})
            return key
        if role == "rotated_out_key":
            directory.rotateSigner(department_id(code), key, accounts.add(), {"from": key})
            return key
        if not directory.paused():
            directory.pause({"from": city_admins[0]})
        return enter_role(owner, owner, directory, city_admins, stranger)
    return caller_for(role, city_admins, stranger)


def check_permission(contract, function, args, caller, expected, directory=None, run_proposal=None):
    """Call `function` as `caller` (through a proposal when the caller is the directory): it
    succeeds and emits, or reverts with exactly `expected` (an error name and arguments,
    "caller" standing for the caller's address)."""

    def call():
        if directory is not None and getattr(caller, "address", caller) == directory.address:
            return run_proposal(contract, getattr(contract, function).encode_input(*args))
        return getattr(contract, function)(*args, {"from": caller})

    if expected is None:
        tx = call()
        assert tx.status == 1
        assert tx.events  # every allowed write changed something and said so
        return
    name, *error_args = expected
    error_args = [caller if a == "caller" else a for a in error_args]
    with brownie.reverts(typed_error(name, *error_args)):
        call()


def check_matrix_cell(contract, matrix: dict, function: str, role: str, *, directory, city_admins, stranger, run_proposal):
    """One cell of a generated matrix: `function`'s row (or a failure for a missing row), the
    chain brought into `role`'s state, then success or the exact typed error."""
    row = matrix_row(matrix, contract, function)
    caller = enter_role(role, row.owner, directory, city_admins, stranger)
    args = row.arguments(row.owner if role in SPECIAL_ROLES else role)
    check_permission(contract, function, args, caller, row.expect(role), directory, run_proposal)


def matrix_tests(container, matrix: dict):
    """A registry's two permission-matrix tests over its module's `scene` fixture: a row for
    every mutating ABI function and no other, and every cell (function x role)."""

    def test_matrix_has_a_row_for_every_mutating_function_and_no_other():
        assert_matrix_matches_abi(container, matrix)

    @pytest.mark.parametrize("role", MATRIX_ROLES)
    @pytest.mark.parametrize("function", abi_functions(container))
    def test_permission(scene, directory, city_admins, stranger, run_proposal, function, role):
        check_matrix_cell(scene, matrix, function, role, directory=directory, city_admins=city_admins,
                          stranger=stranger, run_proposal=run_proposal)

    return test_matrix_has_a_row_for_every_mutating_function_and_no_other, test_permission


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
        calldata = city.registerDepartment.encode_input(code, kind, department_name(code), [accounts[index]])
        propose_and_execute(city, city_admins, city, calldata)
    return city


@pytest.fixture(scope="module")
def run_proposal(directory, city_admins) -> Callable:
    """`run_proposal(target, data)`: propose with admin 1, approve with admin 2, execute;
    returns the execute transaction (the target's events are in it)."""

    def run(target, data: str):
        return propose_and_execute(directory, city_admins, target, data)

    return run


def allow_city_contracts(run_proposal, directory, *contracts) -> None:
    """Put registries on the directory's allow-list, so proposals may call their setters."""
    run_proposal(directory, directory.setCityContracts.encode_input(list(contracts), True))


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
def property_registry(directory, city_admins, run_proposal):
    """A PropertyRegistry on the shared directory, with three Loudi counties declared."""
    from brownie import PropertyRegistry

    registry = PropertyRegistry.deploy(directory, {"from": city_admins[0]})
    allow_city_contracts(run_proposal, directory, registry)
    for county in PROPERTY_COUNTIES:
        run_proposal(registry, registry.addCounty.encode_input(county))
    return registry


# ---- CompanyRegistry / CreditLists / BiddingEligibility fixtures ----


DAY = 86_400
CST = 8 * 3600  # China Standard Time, UTC+8: the registry's calendar


def cst(year: int, month: int, day: int) -> int:
    """00:00 UTC+8 of a civil date, as the oracle passes an export's date."""
    from datetime import date

    return (date(year, month, day) - date(1970, 1, 1)).days * DAY - CST


def day_start(timestamp: int) -> int:
    """00:00 UTC+8 of the day (UTC+8) holding `timestamp`."""
    return (timestamp + CST) // DAY * DAY - CST


def cst_date(timestamp: int):
    """The civil date (UTC+8) of `timestamp`."""
    from datetime import date, timedelta

    return date(1970, 1, 1) + timedelta(days=(timestamp + CST) // DAY)


def listing_id(list_type: int, subject: bytes, case_digest: bytes) -> bytes:
    """`CreditLists.listingIdOf`: keccak256(abi.encode(listType, subject, caseDigest))."""
    return bytes(web3.keccak(int(list_type).to_bytes(32, "big") + bytes(subject) + bytes(case_digest)))


def case(text: str) -> bytes:
    """A case digest, as an oracle makes it of a case number."""
    return web3.keccak(text=text)


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


# A date of establishment before every date the tests use (the 2020 leap day included).
ESTABLISHED = 1_546_272_000  # 2019-01-01 00:00 UTC+8


def company_data(seed: int = 1, capital: int = 10_000_000_00, division: bytes = b"431302") -> tuple:
    """CompanyData(nameDigest, legalRepresentativeHash, addressDigest, businessScopeDigest,
    registeredCapital, division)."""
    return (
        web3.keccak(text=f"name {seed}"),
        web3.keccak(text=f"salted legal representative {seed}"),
        web3.keccak(text=f"address {seed}"),
        web3.keccak(text=f"scope {seed}"),
        capital,
        division,
    )


@pytest.fixture(scope="module")
def credit_lists(directory, city_admins, run_proposal):
    """The credit lists, an allow-listed city contract (the quorum lifts and repairs listings)."""
    from brownie import CreditLists

    lists = CreditLists.deploy(directory, {"from": city_admins[0]})
    allow_city_contracts(run_proposal, directory, lists)
    return lists


@pytest.fixture(scope="module")
def company_registry(directory, credit_lists, city_admins, run_proposal):
    """The company registry, an allow-listed city contract."""
    from brownie import CompanyRegistry

    registry = CompanyRegistry.deploy(directory, credit_lists, {"from": city_admins[0]})
    allow_city_contracts(run_proposal, directory, registry)
    return registry


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
def vouchers(directory, city_admins, run_proposal):
    """An allow-listed VoucherRegistry with every type in VOUCHER_TYPES set by proposal."""
    from brownie import VoucherRegistry

    registry = VoucherRegistry.deploy(directory, {"from": city_admins[0]})
    allow_city_contracts(run_proposal, directory, registry)
    for name, (issuers, receivers) in VOUCHER_TYPES.items():
        data = registry.setVoucherType.encode_input(voucher_type_id(name), kind_mask(*issuers), kind_mask(*receivers))
        run_proposal(registry, data)
    return registry


# ---- DataAccessGrants fixtures ----


@pytest.fixture(scope="module")
def grants(directory, city_admins, run_proposal):
    """An allow-listed DataAccessGrants registry on the shared directory."""
    from brownie import DataAccessGrants

    registry = DataAccessGrants.deploy(directory, {"from": city_admins[0]})
    allow_city_contracts(run_proposal, directory, registry)
    return registry

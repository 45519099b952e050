"""Shared fixtures for the contract tests: the city directory with one department of every
kind registered through 2-of-3 administrator proposals, and a named account per role."""

from __future__ import annotations

from enum import IntEnum

import pytest
from brownie import CityDirectory, accounts, web3


class Kind(IntEnum):
    """Mirror of `DepartmentKind` in interfaces/ICityDirectory.sol."""

    NONE = 0
    REAL_ESTATE_REGISTRATION = 1
    BANK = 2
    COURT = 3
    MARKET_REGULATION = 4
    TAX_BUREAU = 5
    CREDIT_OFFICE = 6
    FINANCE = 7
    HOUSING_PROVIDENT_FUND = 8
    OTHER = 9


class Status(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2


def department_id(code: str) -> bytes:
    """A department id as the deploy script makes it: keccak256 of its code."""
    return web3.keccak(text=code)


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

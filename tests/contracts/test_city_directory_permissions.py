"""Permission matrix: every mutating function of CityDirectory (read from its compiled ABI) ×
every role, the city quorum (an executed proposal) and a suspended department, a rotated-out
key and a paused city.

Each cell calls the function with arguments that are valid for the role that may call it,
so the only thing that can differ between roles is the permission check, and expects either
success or the exact typed error for that caller.
"""

import pytest
from brownie import CityDirectory, DepartmentGatedMock, accounts, web3

from conftest import (
    DEPARTMENTS,
    MATRIX_ROLES,
    Kind,
    Row,
    abi_functions,
    assert_matrix_matches_abi,
    check_matrix_cell,
    department_id,
)

CITY_ADMIN_ROLE = web3.keccak(text="CITY_ADMIN_ROLE")
DEFAULT_ADMIN_ROLE = b"\x00" * 32
BANK_ID = department_id(DEPARTMENTS["bank"][0])
BANK_INDEX = DEPARTMENTS["bank"][2]


@pytest.fixture(scope="module")
def city_contract(directory, city_admins):
    """A contract that is not yet on the directory's allow-list."""
    return DepartmentGatedMock.deploy(directory, {"from": city_admins[0]})


@pytest.fixture(scope="module")
def pending(directory, city_admins):
    """A pending proposal by the second admin that the third approved (made once per module;
    each test runs from a snapshot)."""
    data = directory.registerDepartment.encode_input("LD-PENDING", Kind.OTHER, "Pending", [accounts[16]])
    proposal_id = directory.propose(directory, data, {"from": city_admins[1]}).return_value
    directory.approve(proposal_id, {"from": city_admins[2]})
    return proposal_id, data


def admin_rule(role):
    """A city administrator acts alone (also while the city is paused)."""
    if role in ("city_admin", "paused_city"):
        return None
    return ("AccessControlUnauthorizedAccount", "caller", CITY_ADMIN_ROLE)


def pause_rule(role):
    if role == "paused_city":
        return ("EnforcedPause",)
    return admin_rule(role)


def proposal_rule(role):
    """Only an executed proposal (also while the city is paused)."""
    if role in ("city_quorum", "paused_city"):
        return None
    return ("CityDirectoryOnlyByProposal", "caller")


def unpause_rule(role):
    if role == "city_quorum":
        return ("ExpectedPause",)  # the city is running
    return proposal_rule(role)


def bank_key_rule(role):
    """The bank's own key, or a proposal; no one else, and not the bank suspended, paused or rotated out."""
    if role in ("bank", "city_quorum"):
        return None
    return ("CityDirectoryUnauthorizedSigner", BANK_ID, "caller")


def role_admin_rule(role):
    """Administrators are added and removed only by proposal."""
    if role in ("city_quorum", "paused_city"):
        return None
    return ("AccessControlUnauthorizedAccount", "caller", DEFAULT_ADMIN_ROLE)


def self_confirmation_rule(role):
    return None if role in ("city_admin", "paused_city") else ("AccessControlBadConfirmation",)


def matrix(directory, pending, city_contract, city_admins) -> dict:
    """function name -> Row(arguments, expected-error rule by role, the role the degraded roles start from)"""
    proposal_id, data = pending
    return {
        "propose": Row([directory, directory.pause.encode_input()], admin_rule, "city_admin"),
        "approve": Row([proposal_id], admin_rule, "city_admin"),
        "execute": Row([proposal_id, directory, data], admin_rule, "city_admin"),
        "cancel": Row([proposal_id], admin_rule, "city_admin"),
        "suspendDepartment": Row([BANK_ID, b"\x01" * 32], admin_rule, "city_admin"),
        "pause": Row([], pause_rule, "city_admin"),
        "registerDepartment": Row(["LD-MATRIX", Kind.OTHER, "Matrix", [accounts[17]]], proposal_rule, "city_quorum"),
        "setCityContracts": Row([[city_contract], True], proposal_rule, "city_quorum"),
        "reinstateDepartment": Row([BANK_ID], proposal_rule, "city_quorum"),
        "changeThreshold": Row([1], proposal_rule, "city_quorum"),
        "unpause": Row([], unpause_rule, "city_quorum"),
        "rotateSigner": Row([BANK_ID, accounts[BANK_INDEX], accounts[18]], bank_key_rule, "bank"),
        "grantRole": Row([CITY_ADMIN_ROLE, accounts[18]], role_admin_rule, "city_quorum"),
        "revokeRole": Row([CITY_ADMIN_ROLE, city_admins[2]], role_admin_rule, "city_quorum"),
        "renounceRole": Row([CITY_ADMIN_ROLE, city_admins[0]], self_confirmation_rule, "city_admin"),
    }


def test_matrix_has_a_row_for_every_mutating_function_and_no_other(directory, city_admins):
    assert_matrix_matches_abi(CityDirectory, matrix(directory, (1, "0x"), directory, city_admins))


@pytest.mark.parametrize("role", MATRIX_ROLES)
@pytest.mark.parametrize("function", abi_functions(CityDirectory))
def test_permission(directory, city_admins, stranger, pending, city_contract, run_proposal, function, role):
    check_matrix_cell(
        directory, matrix(directory, pending, city_contract, city_admins), function, role,
        directory=directory, city_admins=city_admins, stranger=stranger, run_proposal=run_proposal,
    )

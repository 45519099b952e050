"""Permission matrix: every mutating function of CityDirectory × every role.

Each cell calls the function with arguments that are valid for the role that may call it,
so the only thing that can differ between roles is the permission check, and expects either
success or the exact typed error for that caller.
"""

import brownie
import pytest
from brownie import accounts, web3

from conftest import DEPARTMENTS, Kind, ROLES, caller_for, department_id, mutating_functions, typed_error

CITY_ADMIN_ROLE = web3.keccak(text="CITY_ADMIN_ROLE")
DEFAULT_ADMIN_ROLE = b"\x00" * 32
BANK_ID = department_id(DEPARTMENTS["bank"][0])
NEW_ID = department_id("LD-MATRIX")




@pytest.fixture
def pending(directory, city_admins):
    """A pending proposal by the second admin that the second and third approved."""
    data = directory.registerDepartment.encode_input(NEW_ID, Kind.OTHER, b"\x01" * 32, [accounts[16]])
    proposal_id = directory.propose(data, {"from": city_admins[1]}).return_value
    directory.approve(proposal_id, {"from": city_admins[2]})
    return proposal_id, data


def admin_only(caller, city_admins):
    return None if caller == city_admins[0] else typed_error("AccessControlUnauthorizedAccount", caller, CITY_ADMIN_ROLE)


def proposal_only(caller, city_admins):
    return typed_error("CityDirectoryOnlyByProposal", caller)


def bank_signer_only(caller, city_admins):
    bank = accounts[DEPARTMENTS["bank"][2]]
    return None if caller == bank else typed_error("CityDirectoryUnauthorizedSigner", BANK_ID, caller)


def role_admin_only(caller, city_admins):
    return typed_error("AccessControlUnauthorizedAccount", caller, DEFAULT_ADMIN_ROLE)


def self_confirmation_only(caller, city_admins):
    return None if caller == city_admins[0] else typed_error("AccessControlBadConfirmation")


# function name -> (arguments builder, expected-error rule)
MATRIX = {
    "propose": (lambda d, p, a: [d.pause.encode_input()], admin_only),
    "approve": (lambda d, p, a: [p[0]], admin_only),
    "execute": (lambda d, p, a: [p[0], p[1]], admin_only),
    "cancel": (lambda d, p, a: [p[0]], admin_only),
    "suspendDepartment": (lambda d, p, a: [BANK_ID, b"\x01" * 32], admin_only),
    "pause": (lambda d, p, a: [], admin_only),
    "registerDepartment": (lambda d, p, a: [NEW_ID, Kind.OTHER, b"\x01" * 32, [accounts[17]]], proposal_only),
    "reinstateDepartment": (lambda d, p, a: [BANK_ID], proposal_only),
    "changeThreshold": (lambda d, p, a: [1], proposal_only),
    "unpause": (lambda d, p, a: [], proposal_only),
    "rotateSigner": (lambda d, p, a: [BANK_ID, accounts[DEPARTMENTS["bank"][2]], accounts[18]], bank_signer_only),
    "grantRole": (lambda d, p, a: [CITY_ADMIN_ROLE, accounts[18]], role_admin_only),
    "revokeRole": (lambda d, p, a: [CITY_ADMIN_ROLE, a[2]], role_admin_only),
    "renounceRole": (lambda d, p, a: [CITY_ADMIN_ROLE, a[0]], self_confirmation_only),
}


def test_matrix_covers_every_mutating_function(directory):
    assert mutating_functions(directory) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", sorted(MATRIX))
def test_permission(directory, city_admins, stranger, pending, function, role):
    build_args, rule = MATRIX[function]
    caller = caller_for(role, city_admins, stranger)
    args = build_args(directory, pending, city_admins)
    expected_error = rule(caller, city_admins)
    if expected_error is None:
        tx = getattr(directory, function)(*args, {"from": caller})
        assert tx.status == 1
    else:
        with brownie.reverts(expected_error):
            getattr(directory, function)(*args, {"from": caller})

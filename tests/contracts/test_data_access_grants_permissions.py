"""Permission matrix: every mutating function of DataAccessGrants × every role.

The scene: the bank asked the registrar for two grants, PENDING (not decided) and LIVE
(granted). Each cell calls a function with arguments valid for the role that may call it and
expects success or the exact typed error for that caller.
"""

import brownie
import pytest
from brownie import web3

from conftest import DEPARTMENTS, ROLES, caller_for, department_id, mutating_functions, typed_error

ALL_KINDS = 0x3FE
PENDING = web3.keccak(text="pending request")
LIVE = web3.keccak(text="live grant")
NEW = web3.keccak(text="new request")
CATEGORY = web3.keccak(text="property.status")
SUBJECT = web3.keccak(text="unit")
PURPOSE = web3.keccak(text="MORTGAGE_APPROVAL")
REASON = web3.keccak(text="reason")
QUERY = web3.keccak(text="query")
ANSWER = web3.keccak(text="answer")
REGISTRAR = department_id(DEPARTMENTS["registrar"][0])
FAR_FUTURE = 2**40




@pytest.fixture(scope="module")
def scene(grants, bank, registrar):
    grants.requestAccess(PENDING, REGISTRAR, CATEGORY, SUBJECT, PURPOSE, {"from": bank})
    grants.requestAccess(LIVE, REGISTRAR, CATEGORY, SUBJECT, PURPOSE, {"from": bank})
    grants.grantAccess(LIVE, FAR_FUTURE, {"from": registrar})
    return grants


def departments(allowed, error, key):
    """Rule: `allowed` roles succeed, other departments get `error(key, their id)`, and
    accounts that sign for no active department get DepartmentUnauthorized."""

    def expected(role):
        if role in allowed:
            return None
        if role in ("city_admin", "stranger"):
            return ("DepartmentUnauthorized", "caller", ALL_KINDS)
        return (error, key, department_id(DEPARTMENTS[role][0]))

    return expected


def any_department_but_the_owner(role):
    """Any department may request; the owner asking itself is an invalid owner."""
    if role in ("city_admin", "stranger"):
        return ("DepartmentUnauthorized", "caller", ALL_KINDS)
    return ("DataAccessGrantsInvalidOwner", NEW, REGISTRAR) if role == "registrar" else None


# function name -> (arguments, expected-error rule by role)
MATRIX = {
    "requestAccess": ([NEW, REGISTRAR, CATEGORY, SUBJECT, PURPOSE], any_department_but_the_owner),
    "grantAccess": ([PENDING, FAR_FUTURE], departments({"registrar"}, "DataAccessGrantsNotOwner", PENDING)),
    "refuseAccess": ([PENDING, REASON], departments({"registrar"}, "DataAccessGrantsNotOwner", PENDING)),
    "revokeAccess": ([LIVE, REASON], departments({"bank", "registrar"}, "DataAccessGrantsNotParty", LIVE)),
    "recordReceipt": ([(LIVE, QUERY, ANSWER)], departments({"registrar"}, "DataAccessGrantsNotOwner", LIVE)),
    "recordReceipts": ([[(LIVE, QUERY, ANSWER)]], departments({"registrar"}, "DataAccessGrantsNotOwner", LIVE)),
}


def test_matrix_covers_every_mutating_function(grants):
    assert mutating_functions(grants) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", sorted(MATRIX))
def test_permission(scene, city_admins, stranger, function, role):
    args, rule = MATRIX[function]
    caller = caller_for(role, city_admins, stranger)
    expected = rule(role)
    if expected is None:
        tx = getattr(scene, function)(*args, {"from": caller})
        assert tx.status == 1
        assert tx.events  # every allowed write changed something and said so
    else:
        name, *error_args = expected
        error_args = [caller if a == "caller" else a for a in error_args]
        with brownie.reverts(typed_error(name, *error_args)):
            getattr(scene, function)(*args, {"from": caller})

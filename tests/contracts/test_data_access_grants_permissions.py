"""Permission matrix: every mutating function of DataAccessGrants × every role.

The scene: the bank asked the registrar for two grants, PENDING (not decided) and LIVE
(granted). Each cell calls a function with arguments valid for the role that may call it and
expects success or the exact typed error for that caller.
"""

import pytest
from brownie import web3

from conftest import ALL_KINDS, DEPARTMENTS, ROLES, caller_for, check_permission, department_id, department_rule, mutating_functions

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




def any_department_but_the_owner(role):
    """Any department may request; the owner asking itself is an invalid owner."""
    if role in ("city_admin", "stranger"):
        return ("DepartmentUnauthorized", "caller", ALL_KINDS)
    return ("DataAccessGrantsInvalidOwner", NEW, REGISTRAR) if role == "registrar" else None


# function name -> (arguments, expected-error rule by role)
MATRIX = {
    "requestAccess": ([NEW, REGISTRAR, CATEGORY, SUBJECT, PURPOSE], any_department_but_the_owner),
    "grantAccess": ([PENDING, FAR_FUTURE], department_rule({"registrar"}, "DataAccessGrantsNotOwner", PENDING)),
    "refuseAccess": ([PENDING, REASON], department_rule({"registrar"}, "DataAccessGrantsNotOwner", PENDING)),
    "revokeAccess": ([LIVE, REASON], department_rule({"bank", "registrar"}, "DataAccessGrantsNotParty", LIVE)),
    "recordReceipt": ([(LIVE, QUERY, ANSWER)], department_rule({"registrar"}, "DataAccessGrantsNotOwner", LIVE)),
    "recordReceipts": ([[(LIVE, QUERY, ANSWER)]], department_rule({"registrar"}, "DataAccessGrantsNotOwner", LIVE)),
}


def test_matrix_covers_every_mutating_function(grants):
    assert mutating_functions(grants) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", sorted(MATRIX))
def test_permission(scene, city_admins, stranger, function, role):
    args, rule = MATRIX[function]
    caller = caller_for(role, city_admins, stranger)
    check_permission(scene, function, args, caller, rule(role))

"""Permission matrix: every mutating function of DataAccessGrants (read from its compiled ABI)
× every role, the city quorum and a suspended department, a rotated-out key and a paused city.

The scene: the bank asked the registrar for two grants, PENDING (not decided) and LIVE
(granted). Each cell calls a function with arguments valid for the role that may call it and
expects success or the exact typed error for that caller.
"""

import pytest
from brownie import DataAccessGrants, web3

from conftest import (
    ALL_KINDS,
    DEPARTMENTS,
    NOT_A_DEPARTMENT,
    Row,
    matrix_tests,
    department_id,
    department_rule,
    kind_rule,
)

PENDING = web3.keccak(text="pending request")
LIVE = web3.keccak(text="live grant")
NEW = web3.keccak(text="new request")
CATEGORY = web3.keccak(text="property.status")
SUBJECT = web3.keccak(text="unit")
PURPOSE = web3.keccak(text="MORTGAGE_APPROVAL")
REASON = web3.keccak(text="reason")
QUERY = web3.keccak(text="query")
ANSWER = web3.keccak(text="answer")
READ = web3.keccak(text="read")
X25519_KEY = web3.keccak(text="x25519 public key")
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
    if role in NOT_A_DEPARTMENT:
        return ("DepartmentUnauthorized", "caller", ALL_KINDS)
    return ("DataAccessGrantsInvalidOwner", NEW, REGISTRAR) if role == "registrar" else None


# function name -> Row(arguments, expected-error rule by role, the role the degraded roles start from)
MATRIX = {
    "requestAccess": Row([NEW, REGISTRAR, CATEGORY, SUBJECT, PURPOSE], any_department_but_the_owner, "bank"),
    "grantAccess": Row(
        [PENDING, FAR_FUTURE], department_rule({"registrar"}, "DataAccessGrantsNotOwner", PENDING), "registrar"
    ),
    "refuseAccess": Row(
        [PENDING, REASON], department_rule({"registrar"}, "DataAccessGrantsNotOwner", PENDING), "registrar"
    ),
    "revokeAccess": Row(
        [LIVE, REASON], department_rule({"bank", "registrar"}, "DataAccessGrantsNotParty", LIVE), "bank"
    ),
    "recordReceipt": Row(
        [(READ, LIVE, QUERY, ANSWER)], department_rule({"registrar"}, "DataAccessGrantsNotOwner", LIVE), "registrar"
    ),
    "recordReceipts": Row(
        [[(READ, LIVE, QUERY, ANSWER)]], department_rule({"registrar"}, "DataAccessGrantsNotOwner", LIVE), "registrar"
    ),
    # Each department sets its own key only (the key is stored under the caller's department).
    "setEncryptionKey": Row([X25519_KEY], kind_rule(ALL_KINDS), "court"),
}


test_matrix_has_a_row_for_every_mutating_function_and_no_other, test_permission = matrix_tests(DataAccessGrants, MATRIX)

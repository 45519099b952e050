"""Permission matrix: every mutating function of PropertyRegistry × every role.

Each cell calls the function with arguments that are valid for the roles that may call it
(a lender releases its own mortgage, a court lifts its own seizure), so the only thing that
differs between roles is the permission check: success or the exact typed error.
"""

import brownie
import pytest

from conftest import ROLES, caller_for, mutating_functions, typed_error
from property_helpers import (
    COURT_MASK,
    LENDER_MASK,
    REGISTRAR_MASK,
    UNIT,
    YEAR,
    Notice,
    digest,
    mortgage,
    owners,
    person,
    title,
    unit_no,
)

LENDERS = ["bank", "bank2", "provident_fund"]
COURTS = ["court", "court2"]
SEIZED = unit_no(40)
FREE = unit_no(41)
FREE2 = unit_no(42)




@pytest.fixture(scope="module")
def prepared(property_registry, registrar, department_accounts):
    """UNIT with a mortgage of every lender and an objection; SEIZED with a seizure of each
    court (court2's queued); FREE and FREE2 unencumbered."""
    property_registry.registerTitles([title(), title(code=SEIZED), title(code=FREE), title(code=FREE2)], {"from": registrar})
    for role in LENDERS:
        property_registry.registerMortgage(mortgage(proof=f"m-{role}"), {"from": department_accounts[role]})
    for role in COURTS:
        property_registry.seize(SEIZED, digest(f"o-{role}"), YEAR, {"from": department_accounts[role]})
    property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    return property_registry


def own(role, allowed, prefix):
    """The record of `role` when it may act, else the first allowed role's."""
    return digest(f"{prefix}-{role if role in allowed else allowed[0]}")


def gate(allowed_roles, mask):
    def rule(role, caller):
        return None if role in allowed_roles else typed_error("DepartmentUnauthorized", caller, mask)

    return rule


def city_admin_only(role, caller):
    """Counties are set only by an executed directory proposal: no role below may call alone."""
    return typed_error("DepartmentGatedOnlyByProposal", caller)


registrar_only = gate(["registrar"], REGISTRAR_MASK)
lenders_only = gate(LENDERS, LENDER_MASK)
courts_only = gate(COURTS, COURT_MASK)

# function name -> (arguments builder(registry, role), expected-error rule)
MATRIX = {
    "addCounty": (lambda r, role: [b"431322"], city_admin_only),
    "registerTitle": (lambda r, role: [title(code=unit_no(50))], registrar_only),
    "registerTitles": (lambda r, role: [[title(code=unit_no(51)), title(code=unit_no(52))]], registrar_only),
    "transferTitle": (lambda r, role: [FREE, owners(("carol", 10_000)), digest("sale")], registrar_only),
    "cancelTitle": (lambda r, role: [FREE, digest("demolition"), digest("R")], registrar_only),
    "splitTitle": (
        lambda r, role: [FREE, [title(code=unit_no(60)), title(code=unit_no(61))], digest("survey")],
        registrar_only,
    ),
    "mergeTitles": (lambda r, role: [[FREE, FREE2], title(code=unit_no(62)), digest("survey")], registrar_only),
    "reissueCertificate": (lambda r, role: [UNIT, digest("replacement")], registrar_only),
    "revokeCertificate": (lambda r, role: [r.titleOf(UNIT)["certificate"], digest("R")], registrar_only),
    "registerNotice": (lambda r, role: [UNIT, Notice.ADVANCE, person("carol"), digest("presale")], registrar_only),
    "removeNotice": (lambda r, role: [UNIT, Notice.OBJECTION], registrar_only),
    "registerMortgage": (lambda r, role: [mortgage(proof="new")], lenders_only),
    "registerMortgages": (lambda r, role: [[mortgage(proof="new"), mortgage(code=FREE, proof="new")]], lenders_only),
    "releaseMortgage": (lambda r, role: [UNIT, own(role, LENDERS, "m")], lenders_only),
    "seize": (lambda r, role: [UNIT, digest("new order"), YEAR], courts_only),
    "renewSeizure": (lambda r, role: [SEIZED, own(role, COURTS, "o"), 2 * YEAR], courts_only),
    "liftSeizure": (lambda r, role: [SEIZED, own(role, COURTS, "o")], courts_only),
}


def test_matrix_covers_every_mutating_function(property_registry):
    assert mutating_functions(property_registry) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", sorted(MATRIX))
def test_permission(prepared, city_admins, stranger, function, role):
    build_args, rule = MATRIX[function]
    caller = caller_for(role, city_admins, stranger)
    args = build_args(prepared, role)
    expected_error = rule(role, caller)
    if expected_error is None:
        tx = getattr(prepared, function)(*args, {"from": caller})
        assert tx.status == 1
        assert len(tx.events) > 0
    else:
        with brownie.reverts(expected_error):
            getattr(prepared, function)(*args, {"from": caller})

"""Permission matrix: every mutating function of PropertyRegistry × every role, plus rows for a
suspended department, a rotated-out key and a paused city.

The functions come from the compiled ABI (`mutating_functions`): a new mutating function
without a row in MATRIX fails `test_matrix_covers_every_mutating_function`.

Each cell calls the function with arguments that are valid for the roles that may call it
(a lender releases its own mortgage, a court lifts its own seizure), so the only thing that
differs between roles is the permission check: success or the exact typed error.
"""

import brownie
import pytest

from conftest import DEPARTMENTS, ROLES, caller_for, department_id, mutating_functions, typed_error
from brownie import accounts, chain
from conftest import Kind, kind_mask
from property_helpers import (
    COURT_MASK,
    LENDER_MASK,
    REGISTRAR_MASK,
    UNIT,
    YEAR,
    Notice,
    digest,
    maximum_mortgage,
    mortgage,
    owners,
    person,
    title,
    unit_no,
)

LENDERS = ["bank", "bank2", "provident_fund"]
COURTS = ["court", "court2"]
SEIZED = unit_no(40)
SEIZED2 = unit_no(43)
PRESOLD = unit_no(44)
FREE = unit_no(41)
FREE2 = unit_no(42)




@pytest.fixture(scope="module")
def prepared(property_registry, registrar, department_accounts):
    """UNIT with a mortgage of every lender and an objection; SEIZED with a seizure of each
    court (court2's queued), SEIZED2 with court2's alone; FREE and FREE2 unencumbered."""
    property_registry.registerTitles(
        [title(), title(code=SEIZED), title(code=FREE), title(code=FREE2), title(code=SEIZED2)], {"from": registrar}
    )
    property_registry.seize(SEIZED2, digest("o2-court2"), YEAR, {"from": department_accounts["court2"]})
    for role in LENDERS:
        property_registry.registerMortgages([mortgage(proof=f"m-{role}")], {"from": department_accounts[role]})
    for role in COURTS:
        property_registry.seize(SEIZED, digest(f"o-{role}"), YEAR, {"from": department_accounts[role]})
    property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    property_registry.registerAdvanceNotice(PRESOLD, [person("carol"), person("dan")], digest("presale"), {"from": registrar})
    return property_registry


def own(role, allowed, prefix):
    """The record of `role` when it may act, else the first allowed role's."""
    return digest(f"{prefix}-{role if role in allowed else allowed[0]}")


def gate(allowed_roles, mask):
    def rule(role, caller):
        return None if role in allowed_roles else typed_error("DepartmentUnauthorized", caller, mask)

    rule.allowed = allowed_roles
    rule.mask = mask
    return rule


def city_admin_only(role, caller):
    """Counties are set only by an executed directory proposal: no role below may call alone."""
    return typed_error("DepartmentGatedOnlyByProposal", caller)


registrar_only = gate(["registrar"], REGISTRAR_MASK)
lenders_only = gate(LENDERS, LENDER_MASK)
courts_only = gate(COURTS, COURT_MASK)
courts_or_registrar = gate(["registrar", *COURTS], kind_mask(Kind.COURT, Kind.REAL_ESTATE_REGISTRATION))

# function name -> (arguments builder(registry, role), expected-error rule)
MATRIX = {
    "addCounty": (lambda r, role: [b"431322"], city_admin_only),
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
    "registerAdvanceNotice": (lambda r, role: [unit_no(45), [person("fay"), person("gus")], digest("presale")], registrar_only),
    "setRegistrationPossibleSince": (lambda r, role: [PRESOLD, chain[-1].timestamp - 10], registrar_only),
    "consentToDisposal": (lambda r, role: [PRESOLD, digest("consent")], registrar_only),
    "recordObjectionSuit": (lambda r, role: [UNIT, digest("suit")], courts_or_registrar),
    "removeNotice": (lambda r, role: [UNIT, Notice.OBJECTION], registrar_only),
    "registerMaximumMortgages": (lambda r, role: [[maximum_mortgage(proof="max")]], lenders_only),
    "registerMortgages": (lambda r, role: [[mortgage(proof="new"), mortgage(code=FREE, proof="new")]], lenders_only),
    "releaseMortgage": (lambda r, role: [UNIT, own(role, LENDERS, "m")], lenders_only),
    "transferMortgage": (
        lambda r, role: [UNIT, own(role, LENDERS, "m"), department_id(DEPARTMENTS["bank2" if role != "bank2" else "bank"][0]), digest("sale of claim")],
        lenders_only,
    ),
    "cancelMortgageByDecision": (lambda r, role: [UNIT, digest("m-bank"), digest("judgment")], registrar_only),
    "judicialSale": (
        lambda r, role: [SEIZED2 if role == "court2" else SEIZED, owners(("dora", 10_000)), digest("auction"), digest("ruling")],
        courts_only,
    ),
    "seize": (lambda r, role: [UNIT, digest("new order"), YEAR], courts_only),
    "renewSeizure": (lambda r, role: [SEIZED, own(role, COURTS, "o"), 2 * YEAR], courts_only),
    "liftSeizure": (lambda r, role: [SEIZED, own(role, COURTS, "o")], courts_only),
    # Each call keeps its own guard: a batch of seizures is a court's only.
    "multicall": (lambda r, role: [[r.seize.encode_input(UNIT, digest("new order"), YEAR)]], courts_only),
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


# ---- rows for a suspended department, a rotated-out key and a paused city ----
# addCounty is the city administrators' (its check moves to the directory's quorum on branch gov).
DEPARTMENT_FUNCTIONS = sorted(name for name in MATRIX if name != "addCounty")


def _first_allowed(function):
    rule = MATRIX[function][1]
    return rule.allowed[0], rule.mask


def _every_row_refused(prepared, department_accounts, caller_of=None):
    """Each department function, called by its first allowed role (or `caller_of(role)`), reverts
    with DepartmentUnauthorized naming that caller. One test per condition: the condition is set
    once and every row checked under it (reverted calls change nothing)."""
    for function in DEPARTMENT_FUNCTIONS:
        role, mask = _first_allowed(function)
        caller = caller_of(role) if caller_of else department_accounts[role]
        with brownie.reverts(typed_error("DepartmentUnauthorized", caller, mask)):
            getattr(prepared, function)(*MATRIX[function][0](prepared, role), {"from": caller})


def _first_roles():
    return sorted({_first_allowed(function)[0] for function in DEPARTMENT_FUNCTIONS})


def test_suspended_department_is_refused_every_row(prepared, directory, city_admins, department_accounts):
    for role in _first_roles():
        directory.suspendDepartment(department_id(DEPARTMENTS[role][0]), digest("audit"), {"from": city_admins[0]})
    _every_row_refused(prepared, department_accounts)


def test_rotated_out_key_is_refused_every_row(prepared, directory, department_accounts):
    new_keys = {}
    for index, role in enumerate(_first_roles()):
        old_key, new_keys[role] = department_accounts[role], accounts[14 + index]
        directory.rotateSigner(department_id(DEPARTMENTS[role][0]), old_key, new_keys[role], {"from": old_key})
    _every_row_refused(prepared, department_accounts)


def test_paused_city_refuses_every_row(prepared, directory, city_admins, department_accounts):
    directory.pause({"from": city_admins[0]})
    _every_row_refused(prepared, department_accounts)

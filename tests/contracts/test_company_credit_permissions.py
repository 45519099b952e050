"""Permission matrix: every mutating function of CompanyRegistry and CreditLists × every role.

Each cell calls the function with arguments valid for the role that may call it, so only the
permission check differs between roles: success for the owning department kind, else the
exact `DepartmentUnauthorized(caller, allowedKinds)`. BiddingEligibility has no writes.
"""

import brownie
import pytest
from brownie import accounts, web3

from conftest import (
    DEPARTMENTS,
    ROLES,
    caller_for,
    mutating_functions,
    LIST_OWNER,
    Kind,
    ListType,
    SubjectKind,
    TaxGrade,
    block_time,
    company_data,
    kind_mask,
    typed_error,
    uscc,
)

CODE = uscc("MA4L0000")
NEW = uscc("12345678")
ABNORMAL = uscc("YXWUTRQP")
PERSON = web3.keccak(text="salted person")
NEW_PERSON = web3.keccak(text="salted new person")
DIGEST = web3.keccak(text="digest")
OWNER_KIND = {
    ListType.DISHONEST_JUDGMENT_DEBTOR: Kind.COURT,
    ListType.MAJOR_TAX_VIOLATION: Kind.TAX_BUREAU,
    ListType.SERIOUS_VIOLATION: Kind.MARKET_REGULATION,
    ListType.PROCUREMENT_DISHONESTY: Kind.FINANCE,
}




@pytest.fixture(scope="module")
def world(company_registry, credit_lists, department_accounts):
    """A registered company, an abnormal one, and a person on every list (to be lifted)."""
    regulator = department_accounts["market_regulator"]
    company_registry.register(CODE, company_data(1), {"from": regulator})
    company_registry.register(ABNORMAL, company_data(4), {"from": regulator})
    company_registry.listAbnormal(ABNORMAL, DIGEST, {"from": regulator})
    start = block_time() - 1
    for list_type, role in LIST_OWNER.items():
        entry = (list_type, SubjectKind.PERSON, PERSON, DIGEST, DIGEST, start, 0)
        credit_lists.list(entry, {"from": department_accounts[role]})
    return start


def new_listing(list_type, start):
    return (list_type, SubjectKind.PERSON, NEW_PERSON, DIGEST, DIGEST, start, 0)


AMR = kind_mask(Kind.MARKET_REGULATION)
TAX = kind_mask(Kind.TAX_BUREAU)

# name -> (contract fixture, function, arguments builder, allowed kinds mask)
MATRIX = {
    "register": ("company_registry", "register", lambda s: [NEW, company_data(2)], AMR),
    "registerBatch": ("company_registry", "registerBatch", lambda s: [[NEW], [company_data(2)]], AMR),
    "amend": ("company_registry", "amend", lambda s: [CODE, company_data(3)], AMR),
    "listAbnormal": ("company_registry", "listAbnormal", lambda s: [CODE, DIGEST], AMR),
    "delistAbnormal": ("company_registry", "delistAbnormal", lambda s: [ABNORMAL, DIGEST], AMR),
    "revokeLicense": ("company_registry", "revokeLicense", lambda s: [CODE, DIGEST], AMR),
    "deregister": ("company_registry", "deregister", lambda s: [CODE, DIGEST], AMR),
    "setTaxGrade": ("company_registry", "setTaxGrade", lambda s: [CODE, 2025, TaxGrade.A], TAX),
    "setTaxGradeBatch": ("company_registry", "setTaxGradeBatch", lambda s: [[CODE], [2025], [TaxGrade.A]], TAX),
    "setMajorTaxViolation": ("company_registry", "setMajorTaxViolation", lambda s: [CODE, True, DIGEST], TAX),
    "listBatch": (
        "credit_lists",
        "listBatch",
        lambda s: [[new_listing(ListType.DISHONEST_JUDGMENT_DEBTOR, s)]],
        kind_mask(Kind.COURT),
    ),
}
for _type, _kind in OWNER_KIND.items():
    MATRIX[f"list:{_type.name}"] = ("credit_lists", "list", lambda s, t=_type: [new_listing(t, s)], kind_mask(_kind))
    MATRIX[f"lift:{_type.name}"] = ("credit_lists", "lift", lambda s, t=_type: [t, PERSON, DIGEST], kind_mask(_kind))




def test_matrix_covers_every_mutating_function(company_registry, credit_lists, bidding):
    covered = {(contract, function) for contract, function, _, _ in MATRIX.values()}
    assert {f for c, f in covered if c == "company_registry"} == mutating_functions(company_registry)
    assert {f for c, f in covered if c == "credit_lists"} == mutating_functions(credit_lists)
    assert mutating_functions(bidding) == set()


@pytest.mark.parametrize("cell", sorted(MATRIX))
def test_permission(request, world, city_admins, stranger, cell):
    """Every role as an eth_call (allowed: no revert and a true result; denied: the exact
    error), then a real transaction from the first allowed role."""
    contract_name, function, build_args, allowed = MATRIX[cell]
    method = getattr(request.getfixturevalue(contract_name), function)
    args = build_args(world)
    allowed_callers = []
    for role in ROLES:
        caller = caller_for(role, city_admins, stranger)
        kind = DEPARTMENTS[role][1] if role in DEPARTMENTS else Kind.NONE
        if allowed & (1 << kind):
            assert method.call(*args, {"from": caller}), role
            allowed_callers.append(caller)
        else:
            with brownie.reverts(typed_error("DepartmentUnauthorized", caller, allowed)):
                method.call(*args, {"from": caller})
    assert allowed_callers
    assert method(*args, {"from": allowed_callers[0]}).status == 1

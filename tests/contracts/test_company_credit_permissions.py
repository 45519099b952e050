"""Permission matrix: every mutating function of CompanyRegistry and CreditLists (read from
their compiled ABIs) × every role, the city quorum and a suspended department, a rotated-out
key and a paused city.

Each cell calls the function with arguments valid for the role that may call it, so only the
permission check differs between roles: success for the owning department kind, else the
exact `DepartmentUnauthorized(caller, allowedKinds)`. BiddingEligibility has no writes.
"""

import brownie
import pytest
from brownie import BiddingEligibility, CompanyRegistry, CreditLists, web3

from conftest import (
    ROLES,
    SPECIAL_ROLES,
    Row,
    abi_functions,
    assert_matrix_matches_abi,
    caller_for,
    check_permission,
    enter_role,
    kind_rule,
    matrix_row,
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


def row(build_args, mask, owner):
    return Row(build_args, kind_rule(mask), owner)


# contract fixture -> function -> Row (arguments builder(world start), rule, the role the
# degraded roles start from), or one Row per credit list type.
MATRIX = {
    "company_registry": {
        "register": row(lambda s: [NEW, company_data(2)], AMR, "market_regulator"),
        "registerBatch": row(lambda s: [[NEW], [company_data(2)]], AMR, "market_regulator"),
        "amend": row(lambda s: [CODE, company_data(3)], AMR, "market_regulator"),
        "listAbnormal": row(lambda s: [CODE, DIGEST], AMR, "market_regulator"),
        "delistAbnormal": row(lambda s: [ABNORMAL, DIGEST], AMR, "market_regulator"),
        "revokeLicense": row(lambda s: [CODE, DIGEST], AMR, "market_regulator"),
        "deregister": row(lambda s: [CODE, DIGEST], AMR, "market_regulator"),
        "setTaxGrade": row(lambda s: [CODE, 2025, TaxGrade.A], TAX, "tax_bureau"),
        "setTaxGradeBatch": row(lambda s: [[CODE], [2025], [TaxGrade.A]], TAX, "tax_bureau"),
        "setMajorTaxViolation": row(lambda s: [CODE, True, DIGEST], TAX, "tax_bureau"),
    },
    "credit_lists": {
        "listBatch": row(
            lambda s: [[new_listing(ListType.DISHONEST_JUDGMENT_DEBTOR, s)]], kind_mask(Kind.COURT), "court"
        ),
        "list": [
            row(lambda s, t=list_type: [new_listing(t, s)], kind_mask(kind), LIST_OWNER[list_type])
            for list_type, kind in OWNER_KIND.items()
        ],
        "lift": [
            row(lambda s, t=list_type: [t, PERSON, DIGEST], kind_mask(kind), LIST_OWNER[list_type])
            for list_type, kind in OWNER_KIND.items()
        ],
    },
}
CONTRACTS = {"company_registry": CompanyRegistry, "credit_lists": CreditLists}
CELLS = [(name, function) for name, container in CONTRACTS.items() for function in abi_functions(container)]


def test_matrix_has_a_row_for_every_mutating_function_and_no_other():
    for name, container in CONTRACTS.items():
        assert_matrix_matches_abi(container, MATRIX[name])
    assert abi_functions(BiddingEligibility) == []


@pytest.mark.parametrize("role", ["every_role", "city_quorum", *SPECIAL_ROLES])
@pytest.mark.parametrize("contract_name, function", CELLS)
def test_permission(request, world, directory, city_admins, stranger, run_proposal, contract_name, function, role):
    """For "every_role", each of ROLES as an eth_call (allowed: no revert and a true result;
    denied: the exact error), then a real transaction from the first allowed role; for the
    quorum and the degraded roles, a transaction in that state expecting the exact error."""
    contract = request.getfixturevalue(contract_name)
    rows = matrix_row(MATRIX[contract_name], contract, function)
    method = getattr(contract, function)
    for cell in rows if isinstance(rows, list) else [rows]:
        args = cell.args(world)
        if role != "every_role":
            caller = enter_role(role, cell.owner, directory, city_admins, stranger)
            check_permission(contract, function, args, caller, cell.expect(role), directory, run_proposal)
            continue
        allowed_callers = []
        for each in ROLES:
            caller = caller_for(each, city_admins, stranger)
            expected = cell.expect(each)
            if expected is None:
                assert method.call(*args, {"from": caller}), each
                allowed_callers.append(caller)
            else:
                with brownie.reverts(typed_error(expected[0], caller, *expected[2:])):
                    method.call(*args, {"from": caller})
        assert allowed_callers
        assert method(*args, {"from": allowed_callers[0]}).status == 1

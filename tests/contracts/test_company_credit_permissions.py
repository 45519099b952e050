"""Permission matrix: every mutating function of CompanyRegistry and CreditLists (read from
their compiled ABIs) × every role, the city quorum and a suspended department, a rotated-out
key and a paused city.

Each cell calls the function with arguments valid for the role that may call it, so only the
permission check differs between roles: success for the owning department kind, else the
exact `DepartmentUnauthorized(caller, allowedKinds)`; a listing is lifted or repaired only by
the department that made it (another court: `CreditListsNotListingMaker`) or by the
administrators' quorum (SPC provisions on publishing the list of dishonest judgment debtors,
2017, Art. 10). BiddingEligibility has no writes.
"""

from dataclasses import dataclass

import brownie
import pytest
from brownie import BiddingEligibility, CompanyRegistry, CreditLists, web3

from conftest import (
    DEPARTMENTS,
    ESTABLISHED,
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
    case,
    company_data,
    day_start,
    department_id,
    kind_mask,
    listing_id,
    typed_error,
    uscc,
)

CODE = uscc("MA4L0000")
NEW = uscc("12345678")
ABNORMAL = uscc("YXWUTRQP")
SUSPENDED = uscc("MA4L0001")
PERSON = web3.keccak(text="salted person")
NEW_PERSON = web3.keccak(text="salted new person")
DIGEST = web3.keccak(text="digest")
CASE = case("(2026)湘13执1号")
OWNER_KIND = {
    ListType.DISHONEST_JUDGMENT_DEBTOR: Kind.COURT,
    ListType.MAJOR_TAX_VIOLATION: Kind.TAX_BUREAU,
    ListType.SERIOUS_VIOLATION: Kind.MARKET_REGULATION,
    ListType.PROCUREMENT_DISHONESTY: Kind.FINANCE,
}


@dataclass(frozen=True)
class World:
    today: int  # 00:00 UTC+8 of the fixture's day: the date of every act
    year: int  # the current tax year; CODE is graded C for the year before


@pytest.fixture(scope="module")
def world(company_registry, credit_lists, department_accounts):
    """An existing company (graded last year), an abnormal one, a suspended one, and a person
    on every list in one case (to be lifted or repaired)."""
    regulator = {"from": department_accounts["market_regulator"]}
    today = day_start(block_time())
    company_registry.registerBatch([(c, company_data(1), ESTABLISHED) for c in (CODE, ABNORMAL, SUSPENDED)], regulator)
    company_registry.listAbnormal(ABNORMAL, DIGEST, today, regulator)
    company_registry.suspendBusiness(SUSPENDED, DIGEST, today, regulator)
    year = company_registry.yearOf(block_time())
    company_registry.setTaxGrade(CODE, year - 1, TaxGrade.C, today, {"from": department_accounts["tax_bureau"]})
    for list_type, role in LIST_OWNER.items():
        entry = (list_type, SubjectKind.PERSON, PERSON, CASE, DIGEST, DIGEST, today, 0)
        credit_lists.list(entry, {"from": department_accounts[role]})
    return World(today, year)


def new_listing(list_type, w):
    return (list_type, SubjectKind.PERSON, NEW_PERSON, CASE, DIGEST, DIGEST, w.today, 0)


AMR = kind_mask(Kind.MARKET_REGULATION)
TAX = kind_mask(Kind.TAX_BUREAU)


def row(build_args, mask, owner):
    return Row(build_args, kind_rule(mask), owner)


def maker_rule(list_type):
    """Lift and repair: the listing's maker and the administrators' quorum succeed; another
    department of the owning kind (the second court) gets CreditListsNotListingMaker; every
    other caller DepartmentUnauthorized (a paused city stops the maker, not the quorum)."""
    maker = LIST_OWNER[list_type]
    mask = kind_mask(OWNER_KIND[list_type])

    def expected(role):
        if role in (maker, "city_quorum"):
            return None
        if role in DEPARTMENTS and DEPARTMENTS[role][1] == OWNER_KIND[list_type]:
            maker_id = department_id(DEPARTMENTS[maker][0])
            return ("CreditListsNotListingMaker", listing_id(list_type, PERSON, CASE), list_type, PERSON, CASE, maker_id)
        return ("DepartmentUnauthorized", "caller", mask)

    return expected


def market_act(code):
    return row(lambda w: [code, DIGEST, w.today], AMR, "market_regulator")


# contract fixture -> function -> Row (arguments builder(world), rule, the role the degraded
# roles start from), or one Row per credit list type.
MATRIX = {
    "company_registry": {
        "register": row(lambda w: [NEW, company_data(2), ESTABLISHED], AMR, "market_regulator"),
        "registerBatch": row(lambda w: [[(NEW, company_data(2), ESTABLISHED)]], AMR, "market_regulator"),
        "amend": row(lambda w: [CODE, company_data(3), w.today], AMR, "market_regulator"),
        "listAbnormal": market_act(CODE),
        "removeAbnormal": market_act(ABNORMAL),
        "suspendBusiness": market_act(CODE),
        "resumeBusiness": market_act(SUSPENDED),
        "revokeLicense": market_act(CODE),
        "revokeRegistration": market_act(CODE),
        "moveOut": market_act(CODE),
        "deregister": market_act(CODE),
        "setTaxGrade": row(lambda w: [CODE, w.year, TaxGrade.A, w.today], TAX, "tax_bureau"),
        "setTaxGradeBatch": row(lambda w: [[(CODE, w.year, TaxGrade.A, w.today)]], TAX, "tax_bureau"),
        "correctTaxGrade": row(lambda w: [CODE, w.year - 1, TaxGrade.B, DIGEST, w.today], TAX, "tax_bureau"),
        # Each call keeps its own guard: a batch of market acts is market regulation's only.
        "multicall": row(lambda w: [[CompanyRegistry[-1].listAbnormal.encode_input(CODE, DIGEST, w.today)]], AMR,
                         "market_regulator"),
    },
    "credit_lists": {
        "listBatch": row(
            lambda w: [[new_listing(ListType.DISHONEST_JUDGMENT_DEBTOR, w)]], kind_mask(Kind.COURT), "court"
        ),
        "list": [
            row(lambda w, t=list_type: [new_listing(t, w)], kind_mask(kind), LIST_OWNER[list_type])
            for list_type, kind in OWNER_KIND.items()
        ],
        **{
            function: [
                Row(lambda w, t=list_type: [t, PERSON, CASE, DIGEST, w.today], maker_rule(list_type), LIST_OWNER[list_type])
                for list_type in OWNER_KIND
            ]
            for function in ("lift", "repair")
        },
        # Each call keeps its own guard: a batch of endings is the listing maker's (or the quorum's).
        "multicall": Row(lambda w: [[CreditLists[-1].lift.encode_input(ListType.DISHONEST_JUDGMENT_DEBTOR, PERSON, CASE,
                                                                        DIGEST, w.today)]],
                         maker_rule(ListType.DISHONEST_JUDGMENT_DEBTOR), LIST_OWNER[ListType.DISHONEST_JUDGMENT_DEBTOR]),
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
                error_args = [caller if a == "caller" else a for a in expected[1:]]
                with brownie.reverts(typed_error(expected[0], *error_args)):
                    method.call(*args, {"from": caller})
        assert allowed_callers
        assert method(*args, {"from": allowed_callers[0]}).status == 1

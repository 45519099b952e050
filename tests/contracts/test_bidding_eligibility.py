"""BiddingEligibility: every reason that bars a company, evaluated at block.timestamp."""

import pytest
from brownie import chain, web3

from conftest import (
    LIST_OWNER,
    Bar,
    ListType,
    SubjectKind,
    TaxGrade,
    block_time,
    company_data,
    company_subject,
    uscc,
)

CODE = uscc("MA4L0000")
REASON = web3.keccak(text="reason")
LIST_BAR = {
    ListType.DISHONEST_JUDGMENT_DEBTOR: Bar.DISHONEST_JUDGMENT_DEBTOR,
    ListType.MAJOR_TAX_VIOLATION: Bar.MAJOR_TAX_VIOLATION_LISTED,
    ListType.SERIOUS_VIOLATION: Bar.SERIOUS_VIOLATION,
    ListType.PROCUREMENT_DISHONESTY: Bar.PROCUREMENT_DISHONESTY,
}


@pytest.fixture
def registered(company_registry, market_regulator):
    company_registry.register(CODE, company_data(1), {"from": market_regulator})
    return CODE


def bars(bidding, code=CODE):
    return [int(b) for b in bidding.biddingBarsOf(code)]


def put_on(credit_lists, department_accounts, list_type, start, end=0):
    entry = (list_type, SubjectKind.COMPANY, company_subject(CODE), REASON, REASON, start, end)
    credit_lists.list(entry, {"from": department_accounts[LIST_OWNER[list_type]]})


def test_an_unregistered_company_is_barred(bidding):
    assert bars(bidding) == [Bar.NOT_REGISTERED]
    assert bidding.isEligibleForBidding(CODE) is False


def test_an_active_company_with_a_clean_record_is_eligible(bidding, registered):
    assert bars(bidding) == []
    assert bidding.isEligibleForBidding(CODE) is True


@pytest.mark.parametrize("action", ["listAbnormal", "revokeLicense", "deregister"])
def test_a_company_that_is_not_active_is_barred(bidding, company_registry, market_regulator, registered, action):
    getattr(company_registry, action)(CODE, REASON, {"from": market_regulator})
    assert bars(bidding) == [Bar.NOT_ACTIVE]
    assert bidding.isEligibleForBidding(CODE) is False


@pytest.mark.parametrize("list_type", list(LIST_OWNER))
def test_each_effective_list_bars(bidding, credit_lists, department_accounts, registered, list_type):
    put_on(credit_lists, department_accounts, list_type, block_time() - 1)
    assert bars(bidding) == [LIST_BAR[list_type]]
    assert bidding.isEligibleForBidding(CODE) is False


def test_an_expired_listing_stops_counting_without_a_transaction(
    bidding, credit_lists, department_accounts, registered
):
    now = block_time()
    put_on(credit_lists, department_accounts, ListType.DISHONEST_JUDGMENT_DEBTOR, now, now + 300)
    assert bidding.isEligibleForBidding(CODE) is False
    chain.sleep(301)
    chain.mine()
    assert bidding.isEligibleForBidding(CODE) is True


def test_a_future_listing_counts_from_its_start(bidding, credit_lists, department_accounts, registered):
    put_on(credit_lists, department_accounts, ListType.SERIOUS_VIOLATION, block_time() + 300)
    assert bidding.isEligibleForBidding(CODE) is True
    chain.sleep(301)
    chain.mine()
    assert bars(bidding) == [Bar.SERIOUS_VIOLATION]


def test_a_lifted_listing_stops_counting(bidding, credit_lists, department_accounts, court, registered):
    put_on(credit_lists, department_accounts, ListType.DISHONEST_JUDGMENT_DEBTOR, block_time() - 1)
    credit_lists.lift(ListType.DISHONEST_JUDGMENT_DEBTOR, company_subject(CODE), REASON, {"from": court})
    assert bidding.isEligibleForBidding(CODE) is True


def test_the_latest_tax_grade_d_bars(bidding, company_registry, tax_bureau, registered):
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.D, {"from": tax_bureau})
    assert bars(bidding) == [Bar.TAX_GRADE_D]
    company_registry.setTaxGrade(CODE, 2025, TaxGrade.C, {"from": tax_bureau})
    assert bidding.isEligibleForBidding(CODE) is True


def test_the_major_tax_violation_flag_bars(bidding, company_registry, tax_bureau, registered):
    company_registry.setMajorTaxViolation(CODE, True, REASON, {"from": tax_bureau})
    assert bars(bidding) == [Bar.MAJOR_TAX_VIOLATION_FLAGGED]


def test_every_reason_is_returned(
    bidding, company_registry, credit_lists, department_accounts, market_regulator, tax_bureau, registered
):
    for list_type in LIST_OWNER:
        put_on(credit_lists, department_accounts, list_type, block_time() - 1)
    company_registry.setTaxGrade(CODE, 2025, TaxGrade.D, {"from": tax_bureau})
    company_registry.setMajorTaxViolation(CODE, True, REASON, {"from": tax_bureau})
    company_registry.revokeLicense(CODE, REASON, {"from": market_regulator})
    assert bars(bidding) == list(range(Bar.NOT_ACTIVE, Bar.MAJOR_TAX_VIOLATION_FLAGGED + 1))


def test_a_listed_unregistered_company_shows_both_reasons(bidding, credit_lists, department_accounts):
    put_on(credit_lists, department_accounts, ListType.PROCUREMENT_DISHONESTY, block_time() - 1)
    assert bars(bidding) == [Bar.NOT_REGISTERED, Bar.PROCUREMENT_DISHONESTY]


def test_wiring(bidding, company_registry, credit_lists):
    assert bidding.registry() == company_registry
    assert bidding.creditLists() == credit_lists

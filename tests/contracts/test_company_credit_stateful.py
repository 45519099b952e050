"""Stateful test of CompanyRegistry, CreditLists and BiddingEligibility against a Python model.

Hypothesis drives registrations, amendments, the abnormal-operations list, revocations,
deregistrations, credit listings (open-ended or with an end, starting now or later), early
lifts, tax grades and time travel. After every step, for every company:
eligibility == (Active and on no effective listing and latest tax grade != D), and the
detailed bars are exactly the model's.

Time travel never lands within ten minutes of a listing's start or end, so what the model
says is effective cannot depend on how a devnet stamps the block an eth_call runs against.
"""

from __future__ import annotations

from dataclasses import dataclass

import brownie
from brownie import chain, web3
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import (
    LIST_OWNER,
    Bar,
    CompanyStatus,
    ListType,
    SubjectKind,
    TaxGrade,
    block_time,
    company_data,
    company_subject,
    typed_error,
    uscc,
)
from stateful import run_machine

DAY = 86_400
MARGIN_BEFORE, MARGIN_AFTER = 60, 600
CODES = [uscc("MA4L0000"), uscc("12345678"), uscc("YXWUTRQP")]
REASONS = [web3.keccak(text="reason 0"), web3.keccak(text="reason 1")]
BASIS = web3.keccak(text="basis")
LIST_TYPES = list(LIST_OWNER)
PRE_REGISTERED = CODES[:2]  # registered before the snapshot, so most steps meet live companies
LIST_BAR = {
    ListType.DISHONEST_JUDGMENT_DEBTOR: Bar.DISHONEST_JUDGMENT_DEBTOR,
    ListType.MAJOR_TAX_VIOLATION: Bar.MAJOR_TAX_VIOLATION_LISTED,
    ListType.SERIOUS_VIOLATION: Bar.SERIOUS_VIOLATION,
    ListType.PROCUREMENT_DISHONESTY: Bar.PROCUREMENT_DISHONESTY,
}


@dataclass
class Listing:
    data: tuple
    start: int
    end: int
    lifted: bool = False

    def expired(self, now):
        return self.end != 0 and self.end <= now

    def open(self, now):
        """Pending or effective: blocks a different listing."""
        return not self.lifted and not self.expired(now)

    def effective(self, now):
        return self.open(now) and self.start <= now


@dataclass
class Company:
    status: int = CompanyStatus.NONE
    seed: int = 0
    abnormal_reason: bytes = b""


class CompanyMachine(RuleBasedStateMachine):
    registry = None
    lists = None
    bidding = None
    roles: dict = {}

    def __init__(self):
        super().__init__()
        chain.revert()
        self.companies = {code: Company() for code in CODES}
        for code in PRE_REGISTERED:
            self.companies[code] = Company(CompanyStatus.ACTIVE, seed=1)
        self.listings: dict[tuple, Listing] = {}
        self.grades: dict[bytes, dict[int, int]] = {code: {} for code in CODES}
        self.boundaries: list[int] = []

    # ---- helpers ------------------------------------------------------------------------

    def _regulator(self):
        return {"from": self.roles["market_regulator"]}

    def _court_effective(self, code, now):
        listing = self.listings.get((ListType.DISHONEST_JUDGMENT_DEBTOR, code))
        return listing is not None and listing.effective(now)

    def _expected_bars(self, code, now):
        company = self.companies[code]
        bars = []
        if company.status == CompanyStatus.NONE:
            bars.append(Bar.NOT_REGISTERED)
        elif company.status != CompanyStatus.ACTIVE:
            bars.append(Bar.NOT_ACTIVE)
        for list_type in LIST_TYPES:
            listing = self.listings.get((list_type, code))
            if listing is not None and listing.effective(now):
                bars.append(LIST_BAR[list_type])
        grades = self.grades[code]
        if grades and grades[max(grades)] == TaxGrade.D:
            bars.append(Bar.TAX_GRADE_D)
        return bars

    # ---- market regulation --------------------------------------------------------------

    @rule(c=st.integers(0, 2), seed=st.integers(1, 2))
    def register(self, c, seed):
        code, company = CODES[c], self.companies[CODES[c]]
        if company.status == CompanyStatus.NONE:
            assert self.registry.register(code, company_data(seed), self._regulator()).return_value is True
            company.status, company.seed = CompanyStatus.ACTIVE, seed
        elif company.status == CompanyStatus.ACTIVE and company.seed == seed:
            assert self.registry.register(code, company_data(seed), self._regulator()).return_value is False
        else:
            with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", code, company.status)):
                self.registry.register(code, company_data(seed), self._regulator())

    @rule(c=st.integers(0, 2), seed=st.integers(1, 3))
    def amend(self, c, seed):
        code, company = CODES[c], self.companies[CODES[c]]
        if company.status == CompanyStatus.NONE:
            with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", code)):
                self.registry.amend(code, company_data(seed), self._regulator())
        elif company.status in (CompanyStatus.REVOKED, CompanyStatus.DEREGISTERED):
            with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", code, company.status)):
                self.registry.amend(code, company_data(seed), self._regulator())
        else:
            tx = self.registry.amend(code, company_data(seed), self._regulator())
            assert tx.return_value is (seed != company.seed)
            company.seed = seed

    @rule(c=st.integers(0, 2), r=st.integers(0, 1))
    def list_abnormal(self, c, r):
        code, company = CODES[c], self.companies[CODES[c]]
        call = lambda: self.registry.listAbnormal(code, REASONS[r], self._regulator())  # noqa: E731
        if company.status == CompanyStatus.NONE:
            with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", code)):
                call()
        elif company.status == CompanyStatus.ACTIVE:
            assert call().return_value is True
            company.status, company.abnormal_reason = CompanyStatus.ABNORMAL, REASONS[r]
        elif company.status == CompanyStatus.ABNORMAL and company.abnormal_reason == REASONS[r]:
            assert call().return_value is False
        elif company.status == CompanyStatus.ABNORMAL:
            with brownie.reverts(typed_error("CompanyRegistryAbnormalReasonConflict", code, company.abnormal_reason)):
                call()
        else:
            with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", code, company.status)):
                call()

    @rule(c=st.integers(0, 2))
    def delist_abnormal(self, c):
        code, company = CODES[c], self.companies[CODES[c]]
        call = lambda: self.registry.delistAbnormal(code, BASIS, self._regulator())  # noqa: E731
        if company.status == CompanyStatus.NONE:
            with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", code)):
                call()
        elif company.status in (CompanyStatus.ACTIVE, CompanyStatus.ABNORMAL):
            assert call().return_value is (company.status == CompanyStatus.ABNORMAL)
            company.status = CompanyStatus.ACTIVE
        else:
            with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", code, company.status)):
                call()

    @rule(c=st.integers(0, 2))
    def revoke(self, c):
        code, company = CODES[c], self.companies[CODES[c]]
        call = lambda: self.registry.revokeLicense(code, BASIS, self._regulator())  # noqa: E731
        if company.status == CompanyStatus.NONE:
            with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", code)):
                call()
        elif company.status == CompanyStatus.DEREGISTERED:
            with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", code, company.status)):
                call()
        else:
            assert call().return_value is (company.status != CompanyStatus.REVOKED)
            company.status = CompanyStatus.REVOKED

    @rule(c=st.integers(0, 2))
    def deregister(self, c):
        code, company = CODES[c], self.companies[CODES[c]]
        call = lambda: self.registry.deregister(code, BASIS, self._regulator())  # noqa: E731
        if company.status == CompanyStatus.NONE:
            with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", code)):
                call()
        elif company.status == CompanyStatus.DEREGISTERED:
            assert call().return_value is False
        elif self._court_effective(code, block_time()):
            with brownie.reverts(typed_error("CompanyRegistryCourtListingEffective", code)):
                call()
        else:
            assert call().return_value is True
            company.status = CompanyStatus.DEREGISTERED

    # ---- tax ----------------------------------------------------------------------------

    @rule(c=st.integers(0, 2), year=st.integers(2023, 2025))
    def grade_d(self, c, year):
        self._set_tax_grade(c, year, TaxGrade.D)

    @rule(c=st.integers(0, 2), year=st.integers(2023, 2025), grade=st.sampled_from(list(TaxGrade)[1:]))
    def set_tax_grade(self, c, year, grade):
        self._set_tax_grade(c, year, grade)

    def _set_tax_grade(self, c, year, grade):
        code, company = CODES[c], self.companies[CODES[c]]
        call = lambda: self.registry.setTaxGrade(code, year, grade, {"from": self.roles["tax_bureau"]})  # noqa: E731
        stored = self.grades[code].get(year)
        if company.status == CompanyStatus.NONE:
            with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", code)):
                call()
        elif company.status == CompanyStatus.DEREGISTERED:
            with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", code, company.status)):
                call()
        elif stored is None or stored == grade:
            assert call().return_value is (stored is None)
            self.grades[code][year] = grade
        else:
            with brownie.reverts(typed_error("CompanyRegistryTaxGradeConflict", code, year, stored)):
                call()

    # ---- credit lists -------------------------------------------------------------------

    @rule(c=st.integers(0, 2), t=st.integers(0, 3), r=st.integers(0, 1), days=st.integers(0, 3))
    def list_company_now(self, c, t, r, days):
        self._list_company(c, t, r, days, later=False)

    @rule(c=st.integers(0, 2), t=st.integers(0, 3), r=st.integers(0, 1), days=st.integers(0, 3))
    def list_company_from_tomorrow(self, c, t, r, days):
        self._list_company(c, t, r, days, later=True)

    def _list_company(self, c, t, r, days, later):
        code, list_type = CODES[c], LIST_TYPES[t]
        now = block_time()
        start = now + DAY if later else now - 1
        end = start + days * DAY if days else 0
        entry = (list_type, SubjectKind.COMPANY, company_subject(code), REASONS[r], BASIS, start, end)
        owner = {"from": self.roles[LIST_OWNER[list_type]]}
        stored = self.listings.get((list_type, code))
        if stored is not None and stored.data == entry:
            assert self.lists.list(entry, owner).return_value is False
        elif stored is not None and stored.open(now):
            with brownie.reverts(typed_error("CreditListsConflictingListing", list_type, company_subject(code))):
                self.lists.list(entry, owner)
        else:
            assert self.lists.list(entry, owner).return_value is True
            self.listings[(list_type, code)] = Listing(entry, start, end)
            self.boundaries += [start, end] if end else [start]

    @rule(pick=st.integers(0, 20))
    def resend_a_listing(self, pick):
        """An oracle resending an old batch: a no-op whatever happened to the listing since."""
        if not self.listings:
            return
        (list_type, _), stored = sorted(self.listings.items())[pick % len(self.listings)]
        owner = {"from": self.roles[LIST_OWNER[list_type]]}
        assert self.lists.list(stored.data, owner).return_value is False

    @rule(c=st.integers(0, 2), t=st.integers(0, 3))
    def lift(self, c, t):
        code, list_type = CODES[c], LIST_TYPES[t]
        owner = {"from": self.roles[LIST_OWNER[list_type]]}
        stored = self.listings.get((list_type, code))
        if stored is None:
            with brownie.reverts(typed_error("CreditListsNotListed", list_type, company_subject(code))):
                self.lists.lift(list_type, company_subject(code), BASIS, owner)
        else:
            expected = stored.open(block_time())
            assert self.lists.lift(list_type, company_subject(code), BASIS, owner).return_value is expected
            stored.lifted = stored.lifted or expected

    # ---- time ---------------------------------------------------------------------------

    @rule(days=st.integers(1, 4))
    def time_passes(self, days):
        target = block_time() + days * DAY
        while any(target - MARGIN_BEFORE <= b <= target + MARGIN_AFTER for b in self.boundaries):
            target += 2 * MARGIN_AFTER
        chain.sleep(target - block_time())
        chain.mine()

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def eligibility_is_active_and_unlisted_and_not_grade_d(self):
        now = block_time()
        for code in CODES:
            expected = self._expected_bars(code, now)
            company = self.companies[code]
            listed = any(
                (t, code) in self.listings and self.listings[(t, code)].effective(now) for t in LIST_TYPES
            )
            grades = self.grades[code]
            grade_d = bool(grades) and grades[max(grades)] == TaxGrade.D
            eligible = company.status == CompanyStatus.ACTIVE and not listed and not grade_d
            assert self.bidding.isEligibleForBidding(code) is eligible
            assert [int(b) for b in self.bidding.biddingBarsOf(code)] == expected
            assert (expected == []) is eligible


def test_company_credit_state_machine(company_registry, credit_lists, bidding, department_accounts):
    CompanyMachine.registry = company_registry
    CompanyMachine.lists = credit_lists
    CompanyMachine.bidding = bidding
    CompanyMachine.roles = department_accounts
    for code in PRE_REGISTERED:
        company_registry.register(code, company_data(1), {"from": department_accounts["market_regulator"]})
    chain.snapshot()
    run_machine(CompanyMachine, examples=5, steps=25)

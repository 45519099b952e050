"""Stateful test of CompanyRegistry, CreditLists and BiddingEligibility against a Python model.

Random programs register companies, write the market acts of the Regulations on the
Registration of Market Entities (2022) dated today, put companies on and off the
abnormal-operations list, grade and correct tax years, list companies per case (two courts
on one company), lift and repair listings as their maker, as another department or by the
administrators' quorum, resend old listings, and let days pass. Invariants after every step:
- a listing is lifted or repaired only by its maker (or the quorum): the chain's ending of
  every listing is the model's, which only the maker or the quorum changes;
- a subject is barred while any live listing remains (SPC provisions 2017; procurement rules);
- every company's bidding bars are exactly the model's.

Time travel never lands within ten minutes of a listing boundary (00:00 UTC+8 of a start or
of the day after a last day), so what the model calls live cannot depend on block stamping.
"""

from __future__ import annotations

from dataclasses import dataclass

import brownie
from brownie import chain, web3
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import (
    DAY,
    DEPARTMENTS,
    ESTABLISHED,
    LIST_OWNER,
    Bar,
    CompanyStatus,
    ListingEnding,
    ListType,
    SubjectKind,
    TaxGrade,
    block_time,
    case,
    company_data,
    company_subject,
    cst_date,
    day_start,
    department_id,
    listing_id,
    plain,
    typed_error,
    uscc,
)
from chaincity.chain.enums import bars_of_mask
from stateful import run_machine

S = CompanyStatus
MARGIN = 600
CODES = [uscc("MA4L0000"), uscc("12345678"), uscc("YXWUTRQP")]
PRE_REGISTERED = CODES[:2]  # registered before the snapshot, so most steps meet existing companies
CASES = [case("(2026)湘13执1号"), case("(2026)湘1302执2号")]
REASONS = [web3.keccak(text="reason 0"), web3.keccak(text="reason 1")]
BASIS = web3.keccak(text="basis")
LIST_TYPES = list(LIST_OWNER)
DEBTOR = ListType.DISHONEST_JUDGMENT_DEBTOR
# A department of another kind than each list's owner: it may not lift that list.
STRANGER_TO = {t: "finance_bureau" if owner != "finance_bureau" else "court" for t, owner in LIST_OWNER.items()}
# act -> (status it leads to, statuses it may start from)
ACTS = {
    "suspendBusiness": (S.SUSPENDED, {S.EXISTING}),
    "resumeBusiness": (S.EXISTING, {S.SUSPENDED}),
    "revokeLicense": (S.LICENSE_REVOKED, {S.EXISTING, S.SUSPENDED}),
    "revokeRegistration": (S.REGISTRATION_REVOKED, {S.EXISTING, S.SUSPENDED, S.LICENSE_REVOKED}),
    "moveOut": (S.MOVED_OUT, {S.EXISTING}),
    "deregister": (S.DEREGISTERED, {S.EXISTING, S.SUSPENDED, S.LICENSE_REVOKED}),
}


@dataclass
class Listing:
    data: tuple
    maker: str
    start: int
    end: int
    ending: int = ListingEnding.NONE
    ended_on: int = 0

    def live(self, now):
        if now < self.start or (self.end and now >= self.end + DAY):
            return False
        return self.ending == ListingEnding.NONE or now < self.ended_on + DAY


@dataclass
class Company:
    status: int = S.NONE
    since: int = 0
    seed: int = 0
    abnormal: tuple = (b"", 0, 0)  # reason, listedAt, removedAt


class CompanyMachine(RuleBasedStateMachine):
    registry = lists = bidding = run_proposal = None
    roles: dict = {}

    def __init__(self):
        super().__init__()
        chain.revert()
        self.companies = {code: Company() for code in CODES}
        for code in PRE_REGISTERED:
            self.companies[code] = Company(S.EXISTING, ESTABLISHED, 1)
        self.listings: dict[tuple, Listing] = {}
        self.grades: dict[bytes, dict[int, list]] = {code: {} for code in CODES}  # year -> [original, current]

    # ---- helpers ------------------------------------------------------------------------

    def _as(self, role):
        return {"from": self.roles[role]}

    def _today(self):
        return day_start(block_time())

    def _live_types(self, code, now):
        return {t for (t, c, _), listing in self.listings.items() if c == code and listing.live(now)}

    def _expected_bars(self, code, now):
        company, bars = self.companies[code], []
        if company.status == S.NONE:
            bars.append(Bar.NOT_REGISTERED)
        elif company.status != S.EXISTING:
            bars.append(Bar.NOT_EXISTING)
        bars += [Bar(int(t) + 2) for t in sorted(self._live_types(code, now))]
        grades = self.grades[code]
        if grades and grades[max(grades)][1] == TaxGrade.D:
            bars.append(Bar.TAX_GRADE_D)
        return bars

    def _expect(self, call, result, error=None):
        if error is not None:
            with brownie.reverts(typed_error(*error)):
                call()
        else:
            assert call().return_value is result

    # ---- market regulation --------------------------------------------------------------

    @rule(c=st.integers(0, 2), seed=st.integers(1, 2))
    def register(self, c, seed):
        code, company = CODES[c], self.companies[CODES[c]]
        call = lambda: self.registry.register(code, company_data(seed), ESTABLISHED, self._as("market_regulator"))  # noqa: E731
        if company.status in (S.NONE, S.MOVED_OUT):
            self._expect(call, True)
            company.status, company.since, company.seed = S.EXISTING, ESTABLISHED, seed
        elif company.status == S.EXISTING and company.seed == seed:
            self._expect(call, False)
        else:
            self._expect(call, None, ("CompanyRegistryAlreadyRegistered", code, company.status))

    @rule(c=st.integers(0, 2), act=st.sampled_from(sorted(ACTS)))
    def market_act(self, c, act):
        code, company, today = CODES[c], self.companies[CODES[c]], self._today()
        to, starts = ACTS[act]
        call = lambda: getattr(self.registry, act)(code, BASIS, today, self._as("market_regulator"))  # noqa: E731
        resend = company.status == to and company.since == today
        if company.status == S.NONE:
            self._expect(call, None, ("CompanyRegistryUnknownCompany", code))
        elif act == "deregister" and not resend and DEBTOR in self._live_types(code, block_time()):
            self._expect(call, None, ("CompanyRegistryCourtListingLive", code))
        elif resend:
            self._expect(call, False)
        elif company.status not in starts:
            self._expect(call, None, ("CompanyRegistryInvalidStatus", code, company.status))
        else:
            self._expect(call, True)
            company.status, company.since = to, today

    @rule(c=st.integers(0, 2), r=st.integers(0, 1))
    def list_abnormal(self, c, r):
        code, company, today = CODES[c], self.companies[CODES[c]], self._today()
        call = lambda: self.registry.listAbnormal(code, REASONS[r], today, self._as("market_regulator"))  # noqa: E731
        reason, listed_at, removed_at = company.abnormal
        if company.status == S.NONE:
            self._expect(call, None, ("CompanyRegistryUnknownCompany", code))
        elif listed_at == today and reason == REASONS[r]:
            self._expect(call, False)
        elif listed_at and not removed_at:
            self._expect(call, None, ("CompanyRegistryAbnormalConflict", code, reason, listed_at))
        elif company.status not in (S.EXISTING, S.SUSPENDED):
            self._expect(call, None, ("CompanyRegistryInvalidStatus", code, company.status))
        else:
            self._expect(call, True)
            company.abnormal = (REASONS[r], today, 0)

    @rule(c=st.integers(0, 2))
    def remove_abnormal(self, c):
        code, company, today = CODES[c], self.companies[CODES[c]], self._today()
        call = lambda: self.registry.removeAbnormal(code, BASIS, today, self._as("market_regulator"))  # noqa: E731
        reason, listed_at, removed_at = company.abnormal
        if company.status == S.NONE:
            self._expect(call, None, ("CompanyRegistryUnknownCompany", code))
        elif not listed_at:
            self._expect(call, None, ("CompanyRegistryNotAbnormal", code))
        else:
            self._expect(call, not removed_at)
            company.abnormal = (reason, listed_at, removed_at or today)

    # ---- tax ----------------------------------------------------------------------------

    @rule(c=st.integers(0, 2), back=st.integers(0, 1), grade=st.sampled_from([TaxGrade.B, TaxGrade.D, TaxGrade.D]))
    def grade(self, c, back, grade):
        code, today = CODES[c], self._today()
        year = cst_date(block_time()).year - back
        call = lambda: self.registry.setTaxGrade(code, year, grade, today, self._as("tax_bureau"))  # noqa: E731
        stored = self.grades[code].get(year)
        if self.companies[code].status == S.NONE:
            self._expect(call, None, ("CompanyRegistryUnknownCompany", code))
        elif stored is None:
            self._expect(call, True)
            self.grades[code][year] = [grade, grade]
        elif grade in stored:
            self._expect(call, False)
        else:
            self._expect(call, None, ("CompanyRegistryTaxGradeConflict", code, year, stored[1]))

    @rule(c=st.integers(0, 2), back=st.integers(0, 1), grade=st.sampled_from([TaxGrade.A, TaxGrade.D]))
    def correct(self, c, back, grade):
        code, today = CODES[c], self._today()
        year = cst_date(block_time()).year - back
        call = lambda: self.registry.correctTaxGrade(code, year, grade, REASONS[0], today, self._as("tax_bureau"))  # noqa: E731
        stored = self.grades[code].get(year)
        if stored is None:
            self._expect(call, None, ("CompanyRegistryTaxYearNotGraded", code, year))
        else:
            self._expect(call, stored[1] != grade)
            stored[1] = grade

    # ---- credit lists -------------------------------------------------------------------

    @rule(c=st.integers(0, 2), t=st.sampled_from([0, 0, 0, 1, 2, 3]), k=st.integers(0, 1), second_court=st.booleans(),
          days=st.integers(0, 3), later=st.booleans())
    def list_company(self, c, t, k, second_court, days, later):
        code, list_type = CODES[c], LIST_TYPES[t]
        maker = "court2" if list_type == DEBTOR and second_court else LIST_OWNER[list_type]
        start = self._today() + (DAY if later else 0)
        end = start + (days - 1) * DAY if days else 0  # a listing of `days` days, or open-ended
        entry = (list_type, SubjectKind.COMPANY, company_subject(code), CASES[k], REASONS[0], BASIS, start, end)
        key = (list_type, code, k)
        stored = self.listings.get(key)
        call = lambda: self.lists.list(entry, self._as(maker))  # noqa: E731
        if stored is None:
            self._expect(call, True)
            self.listings[key] = Listing(entry, maker, start, end)
        elif stored.data == entry and stored.maker == maker:
            self._expect(call, False)
        else:
            subject = company_subject(code)
            self._expect(call, None, ("CreditListsConflictingListing", listing_id(list_type, subject, CASES[k]),
                                      list_type, subject, CASES[k]))

    @rule(pick=st.integers(0, 20))
    def resend_a_listing(self, pick):
        """An oracle resending an old batch: a no-op whatever happened to the listing since."""
        if self.listings:
            stored = list(self.listings.values())[pick % len(self.listings)]
            assert self.lists.listBatch([stored.data], self._as(stored.maker)).return_value == 0

    @rule(pick=st.integers(0, 20), by=st.sampled_from(["maker", "other", "other"]), repair=st.booleans())
    def end_listing(self, pick, by, repair):
        """Lift or repair one of the listings (or, with none yet, an unknown case) as its
        maker, as the other court (court listings) or as a department of another kind."""
        keys = sorted(self.listings) or [(DEBTOR, CODES[0], 0)]
        list_type, code, k = keys[pick % len(keys)]
        subject, stored = company_subject(code), self.listings.get((list_type, code, k))
        if by == "maker":
            caller = stored.maker if stored else LIST_OWNER[list_type]
        elif list_type == DEBTOR:
            caller = "court" if stored and stored.maker == "court2" else "court2"
        else:
            caller = STRANGER_TO[list_type]
        today = self._today()
        ended_on = min(today, stored.end) if stored and stored.end else today
        function = self.lists.repair if repair else self.lists.lift
        call = lambda: function(list_type, subject, CASES[k], BASIS, ended_on, self._as(caller))  # noqa: E731
        key_id = listing_id(list_type, subject, CASES[k])
        if DEPARTMENTS[caller][1] != DEPARTMENTS[LIST_OWNER[list_type]][1]:
            mask = 1 << DEPARTMENTS[LIST_OWNER[list_type]][1]
            self._expect(call, None, ("DepartmentUnauthorized", self.roles[caller].address.lower(), mask))
        elif stored is None:
            self._expect(call, None, ("CreditListsNotListed", key_id, list_type, subject, CASES[k]))
        elif caller != stored.maker:
            maker_id = department_id(DEPARTMENTS[stored.maker][0])
            self._expect(call, None, ("CreditListsNotListingMaker", key_id, list_type, subject, CASES[k], maker_id))
        else:
            self._expect(call, stored.ending == ListingEnding.NONE)
            self._ended(stored, repair, ended_on)

    @rule(pick=st.integers(0, 20))
    def quorum_repairs(self, pick):
        """The administrators' quorum repairs any listing by proposal (three transactions)."""
        live = [(key, listing) for key, listing in self.listings.items() if listing.ending == ListingEnding.NONE]
        if not live:
            return
        (list_type, code, k), stored = live[pick % len(live)]
        ended_on = min(self._today(), stored.end) if stored.end else self._today()
        data = self.lists.repair.encode_input(list_type, company_subject(code), CASES[k], BASIS, ended_on)
        tx = self.run_proposal(self.lists, data)
        assert plain(tx.events["ListingEnded"]["departmentId"]) == "0x" + "00" * 32
        self._ended(stored, True, ended_on)

    def _ended(self, stored, repair, ended_on):
        if stored.ending == ListingEnding.NONE:
            stored.ending = ListingEnding.REPAIRED if repair else ListingEnding.LIFTED
            stored.ended_on = ended_on

    # ---- time ---------------------------------------------------------------------------

    @rule(days=st.integers(1, 3))
    def days_pass(self, days):
        target = block_time() + days * DAY
        # Every boundary is 00:00 UTC+8: stay clear of midnight by the margin.
        offset = (target - self._today_of(target))
        if offset < MARGIN or offset > DAY - MARGIN:
            target += 2 * MARGIN
        chain.sleep(target - block_time())
        chain.mine()

    @staticmethod
    def _today_of(timestamp):
        return day_start(timestamp)

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def a_listing_is_ended_only_by_its_maker_or_the_quorum(self):
        for (list_type, code, k), stored in self.listings.items():
            on_chain = self.lists.getListing(list_type, company_subject(code), CASES[k])
            assert plain(on_chain[0]) == plain(department_id(DEPARTMENTS[stored.maker][0]))
            assert (int(on_chain[8]), int(on_chain[6])) == (stored.ending, stored.ended_on)

    @invariant()
    def a_subject_is_barred_while_any_live_listing_remains(self):
        now = block_time()
        masks = self.bidding.biddingBarsOfBatch(CODES)
        for code, mask in zip(CODES, masks):
            live = self._live_types(code, now)
            if live:
                assert self.bidding.isEligibleForBidding(code) is False
                assert all(mask >> (int(t) + 2) & 1 for t in live)
            assert bars_of_mask(mask) == self._expected_bars(code, now)


def test_company_credit_state_machine(company_registry, credit_lists, bidding, department_accounts, run_proposal):
    CompanyMachine.registry, CompanyMachine.lists, CompanyMachine.bidding = company_registry, credit_lists, bidding
    CompanyMachine.roles, CompanyMachine.run_proposal = department_accounts, staticmethod(run_proposal)
    company_registry.registerBatch(
        [(code, company_data(1), ESTABLISHED) for code in PRE_REGISTERED],
        {"from": department_accounts["market_regulator"]},
    )
    chain.snapshot()
    run_machine(CompanyMachine, examples=5, steps=25)

"""CreditLists: one listing per (list type, subject, case), so one subject is listed in several
cases by several departments at once (REFERENCE.md: dishonest judgment debtors are listed per
case by the court enforcing it); a listing is lifted or repaired only by its maker or the
administrators' quorum (SPC provisions on publishing the list of dishonest judgment debtors,
2017, Art. 10: removal by the court that listed); reason and legal basis required; the export's
`effective_until` is the LAST day a listing is live (inclusive)."""

import brownie
import pytest
from brownie import chain, web3

from conftest import (
    DAY,
    DEPARTMENTS,
    LIST_OWNER,
    ListingEnding,
    ListType,
    SubjectKind,
    block_time,
    case,
    company_subject,
    day_start,
    listing_id,
    department_id,
    plain,
    typed_error,
    uscc,
)

CODE = uscc("MA4L0000")
SUBJECT = company_subject(CODE)
PERSON = web3.keccak(text="salt|430000199001011234")
REASON = web3.keccak(text="judgment unperformed")
BASIS = web3.keccak(text="Civil Procedure Law Art. 262")
PERFORMED = web3.keccak(text="judgment performed")
CASE_1 = case("(2026)湘13执17号")
CASE_2 = case("(2026)湘1302执88号")
CASE_3 = case("(2026)湘1381执5号")  # never listed
COURT_ID = department_id(DEPARTMENTS["court"][0])
COURT2_ID = department_id(DEPARTMENTS["court2"][0])
DEBTOR = ListType.DISHONEST_JUDGMENT_DEBTOR
ZERO32 = b"\0" * 32


def today() -> int:
    return day_start(block_time())


def listing(start, end=0, case_digest=CASE_1, list_type=DEBTOR, kind=SubjectKind.COMPANY, subject=SUBJECT,
            reason=REASON, basis=BASIS):
    return (list_type, kind, subject, case_digest, reason, basis, start, end)


def key_error(name, case_digest, *rest):
    """The typed error about the DEBTOR listing of SUBJECT in a case: its id first, then its key."""
    return typed_error(name, listing_id(DEBTOR, SUBJECT, case_digest), DEBTOR, SUBJECT, case_digest, *rest)


def test_court_lists_a_company_in_a_case(credit_lists, court):
    start, end = today(), today() + 30 * DAY
    tx = credit_lists.list(listing(start, end), {"from": court})
    assert tx.return_value is True
    assert plain(tx.events["Listed"].values()) == plain(
        [SUBJECT, CASE_1, COURT_ID, DEBTOR, SubjectKind.COMPANY, REASON, BASIS, start, end]
    )
    assert plain(credit_lists.getListing(DEBTOR, SUBJECT, CASE_1)) == plain(
        [COURT_ID, REASON, BASIS, ZERO32, start, end, 0, SubjectKind.COMPANY, ListingEnding.NONE]
    )
    assert credit_lists.isLive(DEBTOR, SUBJECT, CASE_1) and credit_lists.isListed(SUBJECT)
    assert credit_lists.liveListTypesOf(SUBJECT) == 1 << DEBTOR
    assert credit_lists.isListed(company_subject(uscc("12345678"))) is False


def test_the_same_listing_again_is_a_no_op_another_under_its_key_is_refused(credit_lists, court):
    credit_lists.list(listing(today()), {"from": court})
    tx = credit_lists.list(listing(today()), {"from": court})
    assert tx.return_value is False and "Listed" not in tx.events
    with brownie.reverts(key_error("CreditListsConflictingListing", CASE_1)):
        credit_lists.list(listing(today(), today() + DAY), {"from": court})


def test_two_courts_list_one_company_in_two_cases_it_stays_listed_until_both_lift(credit_lists, court, court2):
    credit_lists.list(listing(today(), case_digest=CASE_1), {"from": court})
    credit_lists.list(listing(today(), case_digest=CASE_2), {"from": court2})
    keys, listings = credit_lists.listingsOf(SUBJECT)
    assert plain(keys) == plain([[DEBTOR, CASE_1], [DEBTOR, CASE_2]])
    assert [plain(entry[0]) for entry in listings] == plain([COURT_ID, COURT2_ID])
    credit_lists.lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today() - DAY, {"from": court})
    assert credit_lists.hasLiveListing(DEBTOR, SUBJECT) is True  # court2's case is still live
    credit_lists.lift(DEBTOR, SUBJECT, CASE_2, PERFORMED, today() - DAY, {"from": court2})
    assert credit_lists.hasLiveListing(DEBTOR, SUBJECT) is False
    assert len(credit_lists.listingsOf(SUBJECT)[1]) == 2  # past listings stay in the picture


def test_art_10_only_the_court_that_listed_lifts(credit_lists, court, court2, tax_bureau):
    credit_lists.list(listing(today()), {"from": court})
    with brownie.reverts(key_error("CreditListsNotListingMaker", CASE_1, COURT_ID)):
        credit_lists.lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today(), {"from": court2})
    with brownie.reverts(typed_error("DepartmentUnauthorized", tax_bureau, 1 << 3)):
        credit_lists.repair(DEBTOR, SUBJECT, CASE_1, PERFORMED, today(), {"from": tax_bureau})
    tx = credit_lists.lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today(), {"from": court})
    assert plain(tx.events["ListingEnded"].values()) == plain(
        [SUBJECT, CASE_1, COURT_ID, DEBTOR, ListingEnding.LIFTED, PERFORMED, today()]
    )
    # Lifted already: any further lift or repair is a no-op.
    assert credit_lists.lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today(), {"from": court}).return_value is False
    assert credit_lists.repair(DEBTOR, SUBJECT, CASE_1, REASON, today(), {"from": court}).return_value is False


def test_the_administrators_quorum_repairs_any_listing_by_proposal(credit_lists, court, run_proposal):
    credit_lists.list(listing(today()), {"from": court})
    tx = run_proposal(credit_lists, credit_lists.repair.encode_input(DEBTOR, SUBJECT, CASE_1, PERFORMED, today() - DAY))
    assert plain(tx.events["ListingEnded"].values()) == plain(
        [SUBJECT, CASE_1, ZERO32, DEBTOR, ListingEnding.REPAIRED, PERFORMED, today() - DAY]
    )
    assert credit_lists.getListing(DEBTOR, SUBJECT, CASE_1)[8] == ListingEnding.REPAIRED
    assert credit_lists.isListed(SUBJECT) is False


def test_the_end_day_is_inclusive_a_listing_is_live_through_it(credit_lists, court):
    """`effective_until` is the last day live: a one-day listing is live all of that day."""
    day = today()
    credit_lists.list(listing(day, day), {"from": court})
    assert credit_lists.isLive(DEBTOR, SUBJECT, CASE_1) is True
    chain.sleep(day + DAY - block_time() + 1)
    chain.mine()
    assert credit_lists.isLive(DEBTOR, SUBJECT, CASE_1) is False


def test_a_lift_ends_the_listing_after_its_day_and_never_extends_it(credit_lists, court):
    credit_lists.list(listing(today() - DAY, today() + 10 * DAY), {"from": court})
    with brownie.reverts(key_error("CreditListsInvalidPeriod", CASE_1, today() - DAY, today() + 11 * DAY)):
        credit_lists.lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today() + 11 * DAY, {"from": court})
    credit_lists.lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today(), {"from": court})
    assert credit_lists.isLive(DEBTOR, SUBJECT, CASE_1) is True  # live through the lift's day
    chain.sleep(today() + DAY - block_time() + 1)
    chain.mine()
    assert credit_lists.isLive(DEBTOR, SUBJECT, CASE_1) is False


def test_a_listing_from_a_later_day_is_not_live_before_it(credit_lists, court):
    credit_lists.list(listing(today() + DAY), {"from": court})
    assert credit_lists.isListed(SUBJECT) is False


def test_reason_legal_basis_and_case_are_required(credit_lists, court):
    with brownie.reverts(key_error("CreditListsMissingReason", CASE_1)):
        credit_lists.list(listing(today(), reason=ZERO32), {"from": court})
    with brownie.reverts(key_error("CreditListsMissingLegalBasis", CASE_1)):
        credit_lists.list(listing(today(), basis=ZERO32), {"from": court})
    with brownie.reverts(typed_error("CreditListsMissingCase", listing_id(DEBTOR, SUBJECT, ZERO32), DEBTOR, SUBJECT)):
        credit_lists.list(listing(today(), case_digest=ZERO32), {"from": court})
    with brownie.reverts(key_error("CreditListsInvalidPeriod", CASE_1, today(), today() - DAY)):
        credit_lists.list(listing(today(), today() - DAY), {"from": court})


def test_a_lift_needs_a_listing_and_a_reason(credit_lists, court):
    with brownie.reverts(key_error("CreditListsNotListed", CASE_2)):
        credit_lists.lift(DEBTOR, SUBJECT, CASE_2, PERFORMED, today(), {"from": court})
    credit_lists.list(listing(today()), {"from": court})
    with brownie.reverts(key_error("CreditListsMissingReason", CASE_1)):
        credit_lists.lift(DEBTOR, SUBJECT, CASE_1, ZERO32, today(), {"from": court})


def test_a_company_subject_is_a_valid_uscc_with_a_zero_tail(credit_lists, court):
    bad = CODE[:17] + (b"0" if CODE[17:] != b"0" else b"1")
    with brownie.reverts(typed_error("CreditListsInvalidCompanyCode", bad, 4)):
        credit_lists.list(listing(today(), subject=company_subject(bad)), {"from": court})
    tail = SUBJECT[:31] + b"\x01"
    with brownie.reverts(typed_error("CreditListsInvalidSubject", SubjectKind.COMPANY, tail)):
        credit_lists.list(listing(today(), subject=tail), {"from": court})


def test_a_person_is_listed_by_salted_hash(credit_lists, court):
    credit_lists.list(listing(today(), kind=SubjectKind.PERSON, subject=PERSON), {"from": court})
    assert credit_lists.hasLiveListing(DEBTOR, PERSON) is True
    assert credit_lists.isListed(SUBJECT) is False


@pytest.mark.parametrize("list_type", list(LIST_OWNER))
def test_each_list_is_written_by_its_owning_department_kind(credit_lists, department_accounts, list_type):
    credit_lists.list(listing(today(), list_type=list_type), {"from": department_accounts[LIST_OWNER[list_type]]})
    assert credit_lists.liveListTypesOf(SUBJECT) == 1 << list_type


def test_the_listing_id_is_the_hash_of_the_key(credit_lists):
    assert plain(credit_lists.listingIdOf(DEBTOR, SUBJECT, CASE_1)) == plain(listing_id(DEBTOR, SUBJECT, CASE_1))


def test_list_batch_counts_new_listings(credit_lists, court):
    batch = [listing(today(), case_digest=CASE_1), listing(today(), case_digest=CASE_2), listing(today())]
    assert credit_lists.listBatch(batch, {"from": court}).return_value == 2
    assert len(credit_lists.listingsOf(SUBJECT)[0]) == 2


def test_multicall_ends_many_listings_in_order_each_with_its_event_all_or_nothing(credit_lists, court):
    """A court's lifts go many to a transaction: each its own maker check and ListingEnded event;
    one refused (a case never listed) refuses the batch with its own typed error naming it."""
    credit_lists.listBatch([listing(today(), case_digest=CASE_1), listing(today(), case_digest=CASE_2)], {"from": court})
    lift = credit_lists.lift.encode_input
    with brownie.reverts(key_error("CreditListsNotListed", CASE_3)):
        credit_lists.multicall([lift(DEBTOR, SUBJECT, CASE_1, PERFORMED, today()),
                                lift(DEBTOR, SUBJECT, CASE_3, PERFORMED, today())], {"from": court})
    assert credit_lists.isLive(DEBTOR, SUBJECT, CASE_1)  # the lift before it undone
    tx = credit_lists.multicall([lift(DEBTOR, SUBJECT, case, PERFORMED, today() - DAY) for case in (CASE_1, CASE_2)],
                                {"from": court})
    assert [plain(e["caseDigest"]) for e in tx.events["ListingEnded"]] == plain([CASE_1, CASE_2])
    assert credit_lists.hasLiveListing(DEBTOR, SUBJECT) is False

"""CreditLists: listings by the owning department, idempotency and conflicts, periods,
expiry without a transaction, early lifting (credit repair), batch imports."""

import brownie
import pytest
from brownie import chain, web3

from conftest import (
    DEPARTMENTS,
    Kind,
    LIST_OWNER,
    ListType,
    SubjectKind,
    block_time,
    company_subject,
    department_id,
    kind_mask,
    plain,
    typed_error,
    uscc,
)

CODE = uscc("MA4L0000")
SUBJECT = company_subject(CODE)
PERSON = web3.keccak(text="salt|430000199001011234")
REASON = web3.keccak(text="judgment unperformed")
BASIS = web3.keccak(text="(2026) Xiang 13 Zhi 17")
REPAIR = web3.keccak(text="judgment performed")
COURT_ID = department_id(DEPARTMENTS["court"][0])
COURT2_ID = department_id(DEPARTMENTS["court2"][0])
DEBTOR = ListType.DISHONEST_JUDGMENT_DEBTOR
ZERO32 = "0x" + "00" * 32


def listing(start, end=0, list_type=DEBTOR, kind=SubjectKind.COMPANY, subject=SUBJECT, reason=REASON):
    return (list_type, kind, subject, reason, BASIS, start, end)


def test_court_lists_a_company(credit_lists, court):
    start = block_time() - 100
    tx = credit_lists.list(listing(start, start + 10_000), {"from": court})
    assert tx.return_value is True
    assert plain(tx.events["Listed"].values()) == plain(
        [DEBTOR, SUBJECT, COURT_ID, SubjectKind.COMPANY, REASON, BASIS, start, start + 10_000]
    )
    assert plain(credit_lists.getListing(DEBTOR, SUBJECT)) == plain(
        [COURT_ID, REASON, BASIS, ZERO32, start, start + 10_000, 0, SubjectKind.COMPANY]
    )
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is True
    assert credit_lists.isListed(SUBJECT) is True
    assert credit_lists.isListed(company_subject(uscc("12345678"))) is False


def test_a_person_is_listed_by_salted_hash(credit_lists, court):
    credit_lists.list(listing(block_time() - 1, kind=SubjectKind.PERSON, subject=PERSON), {"from": court})
    assert credit_lists.isEffective(DEBTOR, PERSON) is True
    assert credit_lists.getListing(DEBTOR, PERSON)[7] == SubjectKind.PERSON


@pytest.mark.parametrize("list_type", list(LIST_OWNER))
def test_each_owner_lists_its_own_type(credit_lists, department_accounts, list_type):
    owner = department_accounts[LIST_OWNER[list_type]]
    tx = credit_lists.list(listing(block_time() - 1, list_type=list_type), {"from": owner})
    assert tx.events["Listed"]["listType"] == list_type
    assert credit_lists.isEffective(list_type, SUBJECT) is True


def test_the_same_listing_again_is_a_no_op(credit_lists, court):
    start = block_time() - 1
    credit_lists.list(listing(start), {"from": court})
    tx = credit_lists.list(listing(start), {"from": court})
    assert tx.return_value is False
    assert "Listed" not in tx.events


def test_a_different_listing_while_effective_reverts(credit_lists, court, court2):
    start = block_time() - 1
    credit_lists.list(listing(start), {"from": court})
    with brownie.reverts(typed_error("CreditListsConflictingListing", DEBTOR, SUBJECT)):
        credit_lists.list(listing(start, reason=BASIS), {"from": court})
    with brownie.reverts(typed_error("CreditListsConflictingListing", DEBTOR, SUBJECT)):
        credit_lists.list(listing(start), {"from": court2})  # same data, other court


def test_a_pending_listing_is_not_effective_until_its_start(credit_lists, court):
    start = block_time() + 1000
    credit_lists.list(listing(start), {"from": court})
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is False
    with brownie.reverts(typed_error("CreditListsConflictingListing", DEBTOR, SUBJECT)):
        credit_lists.list(listing(start + 1), {"from": court})
    chain.sleep(1001)
    chain.mine()
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is True


def test_a_listing_expires_without_a_transaction(credit_lists, court):
    start = block_time()
    credit_lists.list(listing(start, start + 500), {"from": court})
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is True
    chain.sleep(501)
    chain.mine()
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is False
    assert credit_lists.isListed(SUBJECT) is False


def test_an_expired_listing_is_replaced(credit_lists, court):
    start = block_time()
    credit_lists.list(listing(start, start + 500), {"from": court})
    chain.sleep(501)
    chain.mine()
    tx = credit_lists.list(listing(block_time(), reason=BASIS), {"from": court})
    assert tx.return_value is True
    assert plain(credit_lists.getListing(DEBTOR, SUBJECT)[1]) == plain(BASIS)


def test_lift_ends_a_listing_early(credit_lists, court):
    credit_lists.list(listing(block_time() - 1), {"from": court})
    tx = credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})
    assert tx.return_value is True
    assert plain(tx.events["Lifted"].values()) == plain([DEBTOR, SUBJECT, COURT_ID, REPAIR])
    stored = credit_lists.getListing(DEBTOR, SUBJECT)
    assert (stored[6], plain(stored[3])) == (tx.timestamp, plain(REPAIR))
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is False


def test_another_department_of_the_owning_kind_may_lift(credit_lists, court, court2):
    credit_lists.list(listing(block_time() - 1), {"from": court})
    tx = credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court2})
    assert tx.events["Lifted"]["departmentId"] == plain(COURT2_ID)


def test_lifting_again_is_a_no_op(credit_lists, court):
    credit_lists.list(listing(block_time() - 1), {"from": court})
    credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})
    tx = credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})
    assert tx.return_value is False
    assert "Lifted" not in tx.events


def test_lifting_an_expired_listing_is_a_no_op(credit_lists, court):
    start = block_time()
    credit_lists.list(listing(start, start + 100), {"from": court})
    chain.sleep(101)
    chain.mine()
    tx = credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})
    assert tx.return_value is False
    assert credit_lists.getListing(DEBTOR, SUBJECT)[6] == 0


def test_a_lifted_listing_is_replaced(credit_lists, court):
    credit_lists.list(listing(block_time() - 1), {"from": court})
    credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})
    assert credit_lists.list(listing(block_time()), {"from": court}).return_value is True
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is True
    assert credit_lists.getListing(DEBTOR, SUBJECT)[6] == 0


def test_resending_a_lifted_listing_does_not_revive_it(credit_lists, court):
    start = block_time() - 1
    credit_lists.list(listing(start), {"from": court})
    credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})
    tx = credit_lists.list(listing(start), {"from": court})
    assert tx.return_value is False
    assert "Listed" not in tx.events
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is False


def test_lifting_a_pending_listing_cancels_it(credit_lists, court):
    credit_lists.list(listing(block_time() + 100), {"from": court})
    assert credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court}).return_value is True
    chain.sleep(101)
    chain.mine()
    assert credit_lists.isEffective(DEBTOR, SUBJECT) is False


def test_lifting_what_was_never_listed_reverts(credit_lists, court):
    with brownie.reverts(typed_error("CreditListsNotListed", DEBTOR, SUBJECT)):
        credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": court})


def test_list_type_none_is_rejected(credit_lists, court):
    with brownie.reverts(typed_error("CreditListsInvalidListType", 0)):
        credit_lists.list(listing(1, list_type=ListType.NONE), {"from": court})
    with brownie.reverts(typed_error("CreditListsInvalidListType", 0)):
        credit_lists.lift(ListType.NONE, SUBJECT, REPAIR, {"from": court})


def test_a_company_subject_must_be_a_valid_code(credit_lists, court):
    bad = CODE[:17] + (b"0" if CODE[17:] != b"0" else b"1")
    with brownie.reverts(typed_error("CreditListsInvalidCompanyCode", bad, 4)):
        credit_lists.list(listing(1, subject=company_subject(bad)), {"from": court})
    tail = SUBJECT[:31] + b"\x01"
    with brownie.reverts(typed_error("CreditListsInvalidSubject", SubjectKind.COMPANY, tail)):
        credit_lists.list(listing(1, subject=tail), {"from": court})


def test_a_person_subject_must_be_non_zero_and_the_kind_set(credit_lists, court):
    zero = b"\x00" * 32
    with brownie.reverts(typed_error("CreditListsInvalidSubject", SubjectKind.PERSON, zero)):
        credit_lists.list(listing(1, kind=SubjectKind.PERSON, subject=zero), {"from": court})
    with brownie.reverts(typed_error("CreditListsInvalidSubject", SubjectKind.NONE, PERSON)):
        credit_lists.list(listing(1, kind=SubjectKind.NONE, subject=PERSON), {"from": court})


@pytest.mark.parametrize("start, end", [(0, 0), (0, 100), (100, 100), (100, 50)])
def test_invalid_periods_are_rejected(credit_lists, court, start, end):
    with brownie.reverts(typed_error("CreditListsInvalidPeriod", DEBTOR, SUBJECT, start, end)):
        credit_lists.list(listing(start, end), {"from": court})


def test_a_department_cannot_touch_another_list_type(credit_lists, court, tax_bureau):
    credit_lists.list(listing(block_time() - 1), {"from": court})
    mask = kind_mask(Kind.COURT)
    with brownie.reverts(typed_error("DepartmentUnauthorized", tax_bureau, mask)):
        credit_lists.lift(DEBTOR, SUBJECT, REPAIR, {"from": tax_bureau})
    with brownie.reverts(typed_error("DepartmentUnauthorized", tax_bureau, mask)):
        credit_lists.list(listing(block_time(), subject=PERSON, kind=SubjectKind.PERSON), {"from": tax_bureau})


def test_list_batch_imports_and_skips_stored(credit_lists, court):
    start = block_time() - 1
    people = [web3.keccak(text=f"salted person {i}") for i in range(3)]
    credit_lists.list(listing(start), {"from": court})
    batch = [listing(start)] + [listing(start, kind=SubjectKind.PERSON, subject=p) for p in people]
    tx = credit_lists.listBatch(batch, {"from": court})
    assert tx.return_value == 3
    assert [plain(e["subject"]) for e in tx.events["Listed"]] == plain(people)
    assert all(credit_lists.isEffective(DEBTOR, p) for p in people)


def test_list_batch_is_all_or_nothing(credit_lists, court):
    start = block_time() - 1
    batch = [listing(start, kind=SubjectKind.PERSON, subject=PERSON), listing(0)]
    with brownie.reverts(typed_error("CreditListsInvalidPeriod", DEBTOR, SUBJECT, 0, 0)):
        credit_lists.listBatch(batch, {"from": court})
    assert credit_lists.getListing(DEBTOR, PERSON)[4] == 0


def test_list_batch_checks_the_owner_of_every_entry(credit_lists, court):
    batch = [listing(1), listing(1, list_type=ListType.MAJOR_TAX_VIOLATION)]
    with brownie.reverts(typed_error("DepartmentUnauthorized", court, kind_mask(Kind.TAX_BUREAU))):
        credit_lists.listBatch(batch, {"from": court})


def test_owner_kinds_and_company_subject(credit_lists):
    assert [credit_lists.ownerKindOf(t) for t in ListType] == [
        Kind.NONE,
        Kind.COURT,
        Kind.TAX_BUREAU,
        Kind.MARKET_REGULATION,
        Kind.FINANCE,
    ]
    assert plain(credit_lists.companySubject(CODE)) == plain(SUBJECT)

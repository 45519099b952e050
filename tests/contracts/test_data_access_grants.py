"""DataAccessGrants: requests, grants, refusals, revocations, hasAccess, read receipts (one per
read, keyed by its read id) and the departments' encryption keys."""

import brownie
import pytest
from brownie import chain, web3

from conftest import ALL_KINDS, DEPARTMENTS, department_id, plain, typed_error

ZERO = b"\x00" * 32
ZERO_HEX = "0x" + "00" * 32
DAY = 86_400
GRANT = web3.keccak(text="request letter 2026-17")
GRANT2 = web3.keccak(text="request letter 2026-18")
CATEGORY = web3.keccak(text="property.status")
TAX_GRADE = web3.keccak(text="company.taxGrade")
UNIT = web3.keccak(text="430102001001GB00001F00010001")
OTHER_UNIT = web3.keccak(text="430102001001GB00001F00010002")
PURPOSE = web3.keccak(text="MORTGAGE_APPROVAL")
REASON = web3.keccak(text="NO_LEGAL_BASIS")
QUERY = web3.keccak(text="query 1")
ANSWER = web3.keccak(text="answer 1")
READ = web3.keccak(text="read 1")
READ2 = web3.keccak(text="read 2")
READ3 = web3.keccak(text="read 3")
X25519_KEY = web3.keccak(text="an X25519 public key")

BANK = department_id(DEPARTMENTS["bank"][0])
BANK2 = department_id(DEPARTMENTS["bank2"][0])
REGISTRAR = department_id(DEPARTMENTS["registrar"][0])
COURT = department_id(DEPARTMENTS["court"][0])


class State:
    NONE, REQUESTED, GRANTED, REFUSED, REVOKED, EXPIRED = range(6)


def h(value) -> str:
    return plain(value)


def now() -> int:
    """The latest block's timestamp (`chain.time()` may drift from it after a snapshot revert)."""
    return chain[-1].timestamp


def request(grants, account, grant_id=GRANT, owner=REGISTRAR, category=CATEGORY, subject=UNIT, purpose=PURPOSE):
    return grants.requestAccess(grant_id, owner, category, subject, purpose, {"from": account})


@pytest.fixture
def requested(grants, bank):
    """The bank asks the registrar for the status of one unit."""
    request(grants, bank)
    return GRANT


@pytest.fixture
def granted(grants, requested, registrar):
    """The registrar grants the bank's request for ten days; returns the expiry."""
    expires_at = now() + 10 * DAY
    grants.grantAccess(GRANT, expires_at, {"from": registrar})
    return expires_at


def sleep_past(timestamp):
    chain.sleep(timestamp - now() + 1)
    chain.mine()


# ---- requests ---------------------------------------------------------------------------


def test_request_records_the_grant(grants, bank):
    tx = request(grants, bank)
    assert tx.return_value is True
    assert plain(tx.events["AccessRequested"].values()) == [h(GRANT), h(BANK), h(REGISTRAR), h(CATEGORY), h(UNIT), h(PURPOSE)]
    assert plain(grants.getGrant(GRANT)) == [
        h(BANK), h(REGISTRAR), h(CATEGORY), h(UNIT), h(PURPOSE), tx.timestamp, 0, 0, State.REQUESTED
    ]
    assert grants.grantState(GRANT) == State.REQUESTED
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


def test_the_same_request_again_changes_nothing(grants, requested, bank, registrar):
    grants.refuseAccess(GRANT, REASON, {"from": registrar})
    tx = request(grants, bank)
    assert tx.return_value is False
    assert "AccessRequested" not in tx.events
    assert grants.grantState(GRANT) == State.REFUSED


@pytest.mark.parametrize(
    "change",
    [{"owner": COURT}, {"category": TAX_GRADE}, {"subject": OTHER_UNIT}, {"purpose": REASON}],
    ids=["owner", "category", "subject", "purpose"],
)
def test_a_conflicting_request_under_an_existing_id_reverts(grants, requested, bank, change):
    with brownie.reverts(typed_error("DataAccessGrantsGrantConflict", GRANT)):
        request(grants, bank, **change)


def test_another_requester_cannot_reuse_a_grant_id(grants, requested, bank2):
    with brownie.reverts(typed_error("DataAccessGrantsGrantConflict", GRANT)):
        request(grants, bank2)


def test_zero_grant_id_is_rejected(grants, bank):
    with brownie.reverts(typed_error("DataAccessGrantsInvalidGrant", ZERO)):
        request(grants, bank, grant_id=ZERO)


def test_zero_category_is_rejected(grants, bank):
    with brownie.reverts(typed_error("DataAccessGrantsInvalidCategory", GRANT)):
        request(grants, bank, category=ZERO)


@pytest.mark.parametrize("owner", [BANK, department_id("LD-UNKNOWN"), ZERO], ids=["self", "unknown", "zero"])
def test_owner_must_be_another_known_department(grants, bank, owner):
    with brownie.reverts(typed_error("DataAccessGrantsInvalidOwner", GRANT, owner)):
        request(grants, bank, owner=owner)


def test_suspended_department_cannot_request(grants, directory, city_admins, bank):
    directory.suspendDepartment(BANK, REASON, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DepartmentUnauthorized", bank, ALL_KINDS)):
        request(grants, bank)


# ---- grant, refuse ----------------------------------------------------------------------


def test_owner_grants_access_until_an_expiry(grants, requested, registrar):
    expires_at = now() + 10 * DAY
    tx = grants.grantAccess(GRANT, expires_at, {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["AccessGranted"].values()) == [h(GRANT), h(REGISTRAR), h(BANK), expires_at]
    assert grants.grantState(GRANT) == State.GRANTED
    assert grants.getGrant(GRANT)[6] == expires_at
    assert grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


def test_granting_again_with_the_same_expiry_changes_nothing(grants, granted, registrar):
    tx = grants.grantAccess(GRANT, granted, {"from": registrar})
    assert tx.return_value is False
    assert "AccessGranted" not in tx.events


def test_granting_a_granted_grant_with_another_expiry_reverts(grants, granted, registrar):
    with brownie.reverts(typed_error("DataAccessGrantsGrantNotPending", GRANT, State.GRANTED)):
        grants.grantAccess(GRANT, granted + DAY, {"from": registrar})


@pytest.mark.parametrize("offset", [0, -DAY])
def test_expiry_must_be_in_the_future(grants, requested, registrar, offset):
    expires_at = now() + offset
    with brownie.reverts(typed_error("DataAccessGrantsInvalidExpiry", GRANT, expires_at)):
        grants.grantAccess(GRANT, expires_at, {"from": registrar})


@pytest.mark.parametrize("role", ["bank", "bank2", "court"])
def test_only_the_owner_grants_or_refuses(grants, requested, department_accounts, role):
    dept = department_id(DEPARTMENTS[role][0])
    with brownie.reverts(typed_error("DataAccessGrantsNotOwner", GRANT, dept)):
        grants.grantAccess(GRANT, now() + DAY, {"from": department_accounts[role]})
    with brownie.reverts(typed_error("DataAccessGrantsNotOwner", GRANT, dept)):
        grants.refuseAccess(GRANT, REASON, {"from": department_accounts[role]})


def test_deciding_an_unknown_grant_reverts(grants, registrar):
    with brownie.reverts(typed_error("DataAccessGrantsUnknownGrant", GRANT)):
        grants.grantAccess(GRANT, now() + DAY, {"from": registrar})
    with brownie.reverts(typed_error("DataAccessGrantsUnknownGrant", GRANT)):
        grants.refuseAccess(GRANT, REASON, {"from": registrar})
    with brownie.reverts(typed_error("DataAccessGrantsUnknownGrant", GRANT)):
        grants.revokeAccess(GRANT, REASON, {"from": registrar})


def test_owner_refuses_a_request(grants, requested, registrar):
    tx = grants.refuseAccess(GRANT, REASON, {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["AccessRefused"].values()) == [h(GRANT), h(REGISTRAR), h(BANK), h(REASON)]
    assert grants.grantState(GRANT) == State.REFUSED
    again = grants.refuseAccess(GRANT, REASON, {"from": registrar})
    assert again.return_value is False
    assert "AccessRefused" not in again.events


def test_a_refused_request_cannot_be_granted(grants, requested, registrar):
    grants.refuseAccess(GRANT, REASON, {"from": registrar})
    with brownie.reverts(typed_error("DataAccessGrantsGrantNotPending", GRANT, State.REFUSED)):
        grants.grantAccess(GRANT, now() + DAY, {"from": registrar})


def test_a_granted_grant_cannot_be_refused(grants, granted, registrar):
    with brownie.reverts(typed_error("DataAccessGrantsGrantNotPending", GRANT, State.GRANTED)):
        grants.refuseAccess(GRANT, REASON, {"from": registrar})


def test_a_revoked_request_cannot_be_granted_or_refused(grants, requested, bank, registrar):
    grants.revokeAccess(GRANT, REASON, {"from": bank})
    with brownie.reverts(typed_error("DataAccessGrantsGrantNotPending", GRANT, State.REVOKED)):
        grants.grantAccess(GRANT, now() + DAY, {"from": registrar})
    with brownie.reverts(typed_error("DataAccessGrantsGrantNotPending", GRANT, State.REVOKED)):
        grants.refuseAccess(GRANT, REASON, {"from": registrar})


# ---- revoke -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["bank", "registrar"])
def test_either_side_revokes_and_access_ends(grants, granted, department_accounts, role):
    dept = department_id(DEPARTMENTS[role][0])
    tx = grants.revokeAccess(GRANT, REASON, {"from": department_accounts[role]})
    assert tx.return_value is True
    assert plain(tx.events["AccessRevoked"].values()) == [h(GRANT), h(dept), h(REASON)]
    assert grants.grantState(GRANT) == State.REVOKED
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


def test_requester_withdraws_a_pending_request(grants, requested, bank):
    grants.revokeAccess(GRANT, REASON, {"from": bank})
    assert grants.grantState(GRANT) == State.REVOKED


def test_revoking_again_changes_nothing(grants, granted, bank, registrar):
    grants.revokeAccess(GRANT, REASON, {"from": bank})
    tx = grants.revokeAccess(GRANT, REASON, {"from": registrar})
    assert tx.return_value is False
    assert "AccessRevoked" not in tx.events


def test_a_refused_request_cannot_be_revoked(grants, requested, registrar):
    grants.refuseAccess(GRANT, REASON, {"from": registrar})
    with brownie.reverts(typed_error("DataAccessGrantsGrantClosed", GRANT, State.REFUSED)):
        grants.revokeAccess(GRANT, REASON, {"from": registrar})


def test_an_expired_grant_can_be_revoked(grants, granted, bank):
    sleep_past(granted)
    assert grants.grantState(GRANT) == State.EXPIRED
    grants.revokeAccess(GRANT, REASON, {"from": bank})
    assert grants.grantState(GRANT) == State.REVOKED


@pytest.mark.parametrize("role", ["bank2", "court"])
def test_only_the_parties_revoke(grants, granted, department_accounts, role):
    dept = department_id(DEPARTMENTS[role][0])
    with brownie.reverts(typed_error("DataAccessGrantsNotParty", GRANT, dept)):
        grants.revokeAccess(GRANT, REASON, {"from": department_accounts[role]})


# ---- hasAccess --------------------------------------------------------------------------


def test_access_ends_at_expiry(grants, granted):
    assert grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)
    sleep_past(granted)
    assert grants.grantState(GRANT) == State.EXPIRED
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


def test_a_grant_covers_only_its_requester_owner_category_and_subject(grants, granted):
    assert not grants.hasAccess(BANK2, REGISTRAR, CATEGORY, UNIT)
    assert not grants.hasAccess(BANK, COURT, CATEGORY, UNIT)
    assert not grants.hasAccess(BANK, REGISTRAR, TAX_GRADE, UNIT)
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, OTHER_UNIT)
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, ZERO)
    assert not grants.hasAccess(REGISTRAR, BANK, CATEGORY, UNIT)


def test_a_grant_for_all_subjects_covers_any_subject(grants, bank, registrar):
    request(grants, bank, subject=ZERO)
    grants.grantAccess(GRANT, now() + DAY, {"from": registrar})
    for subject in (UNIT, OTHER_UNIT, ZERO):
        assert grants.hasAccess(BANK, REGISTRAR, CATEGORY, subject)


def test_access_lasts_while_any_grant_for_the_key_is_live(grants, granted, bank, registrar):
    request(grants, bank, grant_id=GRANT2)
    grants.grantAccess(GRANT2, granted + 10 * DAY, {"from": registrar})
    grants.revokeAccess(GRANT, REASON, {"from": registrar})
    assert grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)
    sleep_past(granted + 10 * DAY)
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


def test_expired_grants_do_not_block_a_new_grant_for_the_same_key(grants, granted, bank, registrar):
    sleep_past(granted)
    request(grants, bank, grant_id=GRANT2)
    grants.grantAccess(GRANT2, now() + DAY, {"from": registrar})
    assert grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)
    grants.revokeAccess(GRANT2, REASON, {"from": bank})
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


# ---- hasAccess and the directory: a suspension takes effect everywhere at once ----------


@pytest.mark.parametrize("who", ["requester", "owner"])
def test_no_access_while_either_department_is_suspended(grants, granted, directory, city_admins, who):
    dept = BANK if who == "requester" else REGISTRAR
    directory.suspendDepartment(dept, REASON, {"from": city_admins[0]})
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)
    assert h(grants.accessGrant(BANK, REGISTRAR, CATEGORY, UNIT)) == ZERO_HEX
    assert grants.grantState(GRANT) == State.GRANTED  # the grant itself stands: reinstating restores access


def test_no_access_while_the_city_is_paused(grants, granted, directory, city_admins):
    directory.pause({"from": city_admins[0]})
    assert not grants.hasAccess(BANK, REGISTRAR, CATEGORY, UNIT)


def test_access_grant_names_the_subjects_own_grant_before_an_all_subjects_one(grants, granted, bank, registrar):
    request(grants, bank, grant_id=GRANT2, subject=ZERO)
    grants.grantAccess(GRANT2, now() + DAY, {"from": registrar})
    assert h(grants.accessGrant(BANK, REGISTRAR, CATEGORY, UNIT)) == h(GRANT)
    assert h(grants.accessGrant(BANK, REGISTRAR, CATEGORY, OTHER_UNIT)) == h(GRANT2)


# ---- read receipts: one per read, keyed by its read id ---------------------------------


def test_owner_records_a_read_receipt(grants, granted, registrar):
    tx = grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["ReceiptRecorded"].values()) == [
        h(READ), h(BANK), h(REGISTRAR), h(GRANT), h(CATEGORY), h(QUERY), h(ANSWER), tx.timestamp
    ]
    assert grants.receiptCount(GRANT) == 1
    assert plain(grants.getReceipt(READ)) == [
        h(GRANT), h(BANK), h(REGISTRAR), h(CATEGORY), h(UNIT), h(QUERY), h(ANSWER), tx.timestamp
    ]


def test_the_same_query_served_twice_is_two_receipts(grants, granted, registrar):
    grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    tx = grants.recordReceipt((READ2, GRANT, QUERY, ANSWER), {"from": registrar})
    assert tx.return_value is True
    assert grants.receiptCount(GRANT) == 2


def test_a_changed_answer_is_a_new_receipt_not_a_revert(grants, granted, registrar):
    grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    other = web3.keccak(text="the title moved on")
    grants.recordReceipt((READ2, GRANT, QUERY, other), {"from": registrar})
    assert [h(grants.getReceipt(r)["answerDigest"]) for r in (READ, READ2)] == [h(ANSWER), h(other)]


def test_the_same_receipt_again_changes_nothing_even_after_the_grant_ends(grants, granted, registrar, bank):
    grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    grants.revokeAccess(GRANT, REASON, {"from": bank})
    tx = grants.recordReceipts([(READ, GRANT, QUERY, ANSWER)], {"from": registrar})
    assert tx.return_value == 0
    assert "ReceiptRecorded" not in tx.events
    assert grants.receiptCount(GRANT) == 1


@pytest.mark.parametrize("field", ["grant", "query", "answer"])
def test_other_data_under_an_existing_read_id_reverts(grants, granted, bank, registrar, field):
    request(grants, bank, grant_id=GRANT2, subject=ZERO)
    grants.grantAccess(GRANT2, now() + DAY, {"from": registrar})
    grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    other = web3.keccak(text="other")
    receipt = {"grant": (READ, GRANT2, QUERY, ANSWER), "query": (READ, GRANT, other, ANSWER),
               "answer": (READ, GRANT, QUERY, other)}[field]
    with brownie.reverts(typed_error("DataAccessGrantsReceiptConflict", READ)):
        grants.recordReceipt(receipt, {"from": registrar})


@pytest.mark.parametrize("zero", ["read", "query", "answer"])
def test_zero_read_id_or_digest_is_rejected(grants, granted, registrar, zero):
    receipt = (ZERO if zero == "read" else READ, GRANT, ZERO if zero == "query" else QUERY,
               ZERO if zero == "answer" else ANSWER)
    with brownie.reverts(typed_error("DataAccessGrantsInvalidReceipt", receipt[0])):
        grants.recordReceipt(receipt, {"from": registrar})


@pytest.mark.parametrize("role", ["bank", "court"])
def test_only_the_owner_records_receipts(grants, granted, department_accounts, role):
    dept = department_id(DEPARTMENTS[role][0])
    with brownie.reverts(typed_error("DataAccessGrantsNotOwner", GRANT, dept)):
        grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": department_accounts[role]})


def test_receipt_for_an_unknown_grant_reverts(grants, registrar):
    with brownie.reverts(typed_error("DataAccessGrantsUnknownGrant", GRANT)):
        grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})


GRACE = 3_600


@pytest.mark.parametrize("ending", ["requested", "refused", "revoked", "expired", "withdrawn"])
def test_no_receipt_without_a_live_grant_or_past_the_grace(grants, requested, bank, registrar, ending):
    """Never for a grant that was not granted; for an ended one, only within RECEIPT_GRACE."""
    if ending == "refused":
        grants.refuseAccess(GRANT, REASON, {"from": registrar})
    elif ending == "withdrawn":
        grants.revokeAccess(GRANT, REASON, {"from": bank})  # revoked while still a request
    elif ending in ("revoked", "expired"):
        expires_at = now() + DAY
        grants.grantAccess(GRANT, expires_at, {"from": registrar})
        if ending == "revoked":
            revoked_at = grants.revokeAccess(GRANT, REASON, {"from": bank}).timestamp
            sleep_past(revoked_at + GRACE - 1)
        else:
            sleep_past(expires_at + GRACE - 1)
    ending = "revoked" if ending == "withdrawn" else ending
    state = {"requested": State.REQUESTED, "refused": State.REFUSED, "revoked": State.REVOKED, "expired": State.EXPIRED}
    with brownie.reverts(typed_error("DataAccessGrantsGrantNotLive", GRANT, state[ending])):
        grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    assert grants.receiptCount(GRANT) == 0


@pytest.mark.parametrize("ending", ["revoked", "expired"])
def test_a_read_served_before_the_grant_ended_is_recorded_within_the_grace(grants, granted, bank, registrar, ending):
    """The gateway answers, then records its receipts in a batch: a grant ending in between
    must not lose the read's receipt (RECEIPT_GRACE after the end)."""
    assert grants.RECEIPT_GRACE() == GRACE
    if ending == "revoked":
        grants.revokeAccess(GRANT, REASON, {"from": bank})
    else:
        sleep_past(granted)
    tx = grants.recordReceipts([(READ, GRANT, QUERY, ANSWER)], {"from": registrar})
    assert tx.return_value == 1
    assert grants.receiptCount(GRANT) == 1


def test_no_receipt_while_the_requester_is_suspended(grants, granted, directory, city_admins, registrar):
    directory.suspendDepartment(BANK, REASON, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DataAccessGrantsRequesterInactive", GRANT, BANK)):
        grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})


def test_batch_records_receipts_under_several_grants_and_counts_new_ones(grants, granted, bank2, registrar):
    request(grants, bank2, grant_id=GRANT2, subject=ZERO)
    grants.grantAccess(GRANT2, now() + DAY, {"from": registrar})
    grants.recordReceipt((READ, GRANT, QUERY, ANSWER), {"from": registrar})
    batch = [(READ, GRANT, QUERY, ANSWER), (READ2, GRANT, QUERY, ANSWER), (READ3, GRANT2, QUERY, ANSWER)]
    tx = grants.recordReceipts(batch, {"from": registrar})
    assert tx.return_value == 2
    assert [(h(e["readId"]), h(e["requester"])) for e in tx.events["ReceiptRecorded"]] == [
        (h(READ2), h(BANK)),
        (h(READ3), h(BANK2)),
    ]
    assert (grants.receiptCount(GRANT), grants.receiptCount(GRANT2)) == (2, 1)


def test_batch_with_one_bad_receipt_reverts_whole_batch(grants, granted, registrar):
    batch = [(READ, GRANT, QUERY, ANSWER), (READ2, GRANT2, QUERY, ANSWER)]
    with brownie.reverts(typed_error("DataAccessGrantsUnknownGrant", GRANT2)):
        grants.recordReceipts(batch, {"from": registrar})
    assert grants.receiptCount(GRANT) == 0


def test_suspended_owner_cannot_record(grants, granted, directory, city_admins, registrar):
    directory.suspendDepartment(REGISTRAR, REASON, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DepartmentUnauthorized", registrar, ALL_KINDS)):
        grants.recordReceipts([(READ, GRANT, QUERY, ANSWER)], {"from": registrar})


def test_unknown_grant_and_read_read_as_empty(grants):
    assert grants.grantState(GRANT) == State.NONE
    assert grants.receiptCount(GRANT) == 0
    assert plain(grants.getReceipt(READ)) == [ZERO_HEX] * 7 + [0]


# ---- encryption keys --------------------------------------------------------------------


def test_a_department_registers_its_encryption_key(grants, court):
    tx = grants.setEncryptionKey(X25519_KEY, {"from": court})
    assert tx.return_value is True
    assert plain(tx.events["EncryptionKeySet"].values()) == [h(COURT), h(X25519_KEY), court.address.lower()]
    assert h(grants.encryptionKey(COURT)) == h(X25519_KEY)
    again = grants.setEncryptionKey(X25519_KEY, {"from": court})
    assert again.return_value is False and "EncryptionKeySet" not in again.events


def test_a_zero_encryption_key_is_rejected(grants, court):
    with brownie.reverts(typed_error("DataAccessGrantsInvalidEncryptionKey", COURT)):
        grants.setEncryptionKey(ZERO, {"from": court})

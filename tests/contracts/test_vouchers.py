"""VoucherRegistry: voucher types, issue, circulation, end of life and verification."""

import brownie
import pytest
from brownie import chain, web3

from conftest import (
    ALL_KINDS,
    DEPARTMENTS,
    Kind,
    department_id,
    kind_mask,
    plain,
    typed_error,
    voucher_type_id,
)

ZERO = b"\x00" * 32
ZERO_HEX = "0x" + "00" * 32
MORTGAGE = voucher_type_id("MORTGAGE_RELEASE")
RECEIPT = voucher_type_id("REGISTRATION_RECEIPT")
DOC = web3.keccak(text="mortgage release notice 2026-0001")
DOC2 = web3.keccak(text="mortgage release notice 2026-0002")
UNIT = web3.keccak(text="430102001001GB00001F00010001")
REMARKS = web3.keccak(text="remarks")
REASON = web3.keccak(text="ISSUED_IN_ERROR")
DAY = 86_400

BANK = department_id(DEPARTMENTS["bank"][0])
BANK2 = department_id(DEPARTMENTS["bank2"][0])
REGISTRAR = department_id(DEPARTMENTS["registrar"][0])
COURT = department_id(DEPARTMENTS["court"][0])
TAX = department_id(DEPARTMENTS["tax_bureau"][0])


class State:
    NONE, ACTIVE, REDEEMED, SURRENDERED, REVOKED, EXPIRED = range(6)


class Action:
    ISSUED, NOMINATED, ACCEPTED, REJECTED, CANCELLED, REDEEMED, SURRENDERED, REVOKED = range(8)


def h(value) -> str:
    return plain(value)


def now() -> int:
    """The latest block's timestamp (the devnets' clock, which `chain.time()` may not match
    after a snapshot revert)."""
    return chain[-1].timestamp


def issue_args(voucher_id=DOC, type_id=MORTGAGE, subject=UNIT, holder=REGISTRAR, expires_at=0):
    return (voucher_id, type_id, subject, holder, expires_at)


@pytest.fixture
def issued(vouchers, bank):
    """A mortgage-release voucher issued by the bank to the registrar, no expiry."""
    vouchers.issueVoucher(issue_args(), {"from": bank})
    return DOC


@pytest.fixture
def nominated(vouchers, issued, registrar):
    """The issued voucher, nominated by the registrar to the second bank."""
    vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": registrar})
    return DOC


def custody(vouchers, voucher_id):
    """The whole custody chain, read in pages of two (so every test reads across pages)."""
    entries, start = [], 0
    while start < vouchers.custodyLength(voucher_id):
        entries += [plain(entry) for entry in vouchers.custodyChain(voucher_id, start, 2)]
        start += 2
    return entries


def entry(action, at, source, target, remarks=ZERO):
    return [action, at, h(source), h(target), h(remarks)]


# ---- voucher types ----------------------------------------------------------------------


def test_registry_asks_the_directory_and_is_allow_listed(vouchers, directory):
    assert vouchers.directory() == directory
    assert directory.isCityContract(vouchers)


def test_a_proposal_sets_a_voucher_type(vouchers, directory, run_proposal):
    type_id = voucher_type_id("NEW")
    issuers, receivers = kind_mask(Kind.COURT), kind_mask(Kind.BANK, Kind.OTHER)
    tx = run_proposal(vouchers, vouchers.setVoucherType.encode_input(type_id, issuers, receivers))
    assert plain(tx.events["VoucherTypeSet"].values()) == [h(type_id), issuers, receivers, h(directory)]
    assert plain(vouchers.getVoucherType(type_id)) == [issuers, receivers]


def test_setting_the_same_type_again_changes_nothing(vouchers, directory, run_proposal):
    issuers, receivers = kind_mask(Kind.BANK), kind_mask(Kind.REAL_ESTATE_REGISTRATION, Kind.BANK)
    tx = run_proposal(vouchers, vouchers.setVoucherType.encode_input(MORTGAGE, issuers, receivers))
    assert "VoucherTypeSet" not in tx.events
    assert vouchers.setVoucherType.call(MORTGAGE, issuers, receivers, {"from": directory.address}) is False


def test_a_proposal_changes_a_voucher_type(vouchers, directory, run_proposal):
    tx = run_proposal(vouchers, vouchers.setVoucherType.encode_input(MORTGAGE, 0, kind_mask(Kind.BANK)))
    assert plain(tx.events["VoucherTypeSet"].values()) == [h(MORTGAGE), 0, kind_mask(Kind.BANK), h(directory)]
    assert plain(vouchers.getVoucherType(MORTGAGE)) == [0, kind_mask(Kind.BANK)]


def test_unknown_type_reads_as_zero_masks(vouchers):
    assert plain(vouchers.getVoucherType(voucher_type_id("NOPE"))) == [0, 0]


@pytest.mark.parametrize("role", ["city_admin", "bank", "registrar", "stranger"])
def test_nobody_but_an_executed_proposal_sets_voucher_types(vouchers, department_accounts, city_admins, stranger, role):
    caller = {"city_admin": city_admins[0], "stranger": stranger}.get(role) or department_accounts.get(role)
    with brownie.reverts(typed_error("DepartmentGatedOnlyByProposal", caller)):
        vouchers.setVoucherType(MORTGAGE, 0, 0, {"from": caller})


def test_zero_type_id_is_rejected_and_the_error_reaches_the_proposal_unchanged(vouchers, run_proposal):
    with brownie.reverts(typed_error("VoucherRegistryInvalidType", ZERO)):
        run_proposal(vouchers, vouchers.setVoucherType.encode_input(ZERO, kind_mask(Kind.BANK), kind_mask(Kind.BANK)))


@pytest.mark.parametrize("issuers, receivers", [(1, 4), (4, 1), (1 << 10, 4), (4, 1 << 10), (4, 0)])
def test_masks_with_none_or_unknown_kinds_or_no_receiver_are_rejected(vouchers, run_proposal, issuers, receivers):
    with brownie.reverts(typed_error("VoucherRegistryInvalidKinds", MORTGAGE, issuers, receivers)):
        run_proposal(vouchers, vouchers.setVoucherType.encode_input(MORTGAGE, issuers, receivers))


# ---- issue ------------------------------------------------------------------------------


def test_issue_records_the_voucher_and_its_first_custody_entry(vouchers, bank):
    expires_at = now() + 30 * DAY
    tx = vouchers.issueVoucher(issue_args(expires_at=expires_at), {"from": bank})
    assert tx.return_value is True
    assert plain(tx.events["VoucherIssued"].values()) == [h(DOC), h(MORTGAGE), h(BANK), h(UNIT), h(REGISTRAR), expires_at]
    assert plain(vouchers.getVoucher(DOC)) == [
        h(MORTGAGE), h(UNIT), h(BANK), h(REGISTRAR), ZERO_HEX, tx.timestamp, expires_at, State.ACTIVE
    ]
    assert custody(vouchers, DOC) == [entry(Action.ISSUED, tx.timestamp, BANK, REGISTRAR)]
    assert plain(vouchers.verifyVoucher(DOC)) == [State.ACTIVE, h(MORTGAGE), h(BANK), h(REGISTRAR), 1]


def test_issuing_the_same_voucher_again_changes_nothing(vouchers, issued, bank, registrar):
    vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": registrar})
    tx = vouchers.issueVoucher(issue_args(), {"from": bank})
    assert tx.return_value is False
    assert "VoucherIssued" not in tx.events
    assert vouchers.custodyLength(DOC) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"type_id": voucher_type_id("COURT_ENFORCEMENT")},
        {"subject": web3.keccak(text="other unit")},
        {"holder": BANK},
        {"expires_at": 2**40},
    ],
    ids=["type", "subject", "holder", "expiry"],
)
def test_issuing_conflicting_data_under_an_existing_id_reverts(vouchers, issued, bank, change):
    with brownie.reverts(typed_error("VoucherRegistryVoucherConflict", DOC)):
        vouchers.issueVoucher(issue_args(**change), {"from": bank})


def test_another_issuer_cannot_reuse_a_voucher_id(vouchers, issued, bank2):
    with brownie.reverts(typed_error("VoucherRegistryVoucherConflict", DOC)):
        vouchers.issueVoucher(issue_args(), {"from": bank2})


def test_zero_voucher_id_is_rejected(vouchers, bank):
    with brownie.reverts(typed_error("VoucherRegistryInvalidVoucher", ZERO)):
        vouchers.issueVoucher(issue_args(voucher_id=ZERO), {"from": bank})


def test_issue_of_unknown_type_reverts(vouchers, bank):
    unknown = voucher_type_id("NOPE")
    with brownie.reverts(typed_error("VoucherRegistryUnknownType", DOC, unknown)):
        vouchers.issueVoucher(issue_args(type_id=unknown), {"from": bank})


def test_issue_of_a_closed_type_reverts(vouchers, city_admins, bank, run_proposal):
    run_proposal(vouchers, vouchers.setVoucherType.encode_input(MORTGAGE, 0, kind_mask(Kind.REAL_ESTATE_REGISTRATION)))
    with brownie.reverts(typed_error("VoucherRegistryUnknownType", DOC, MORTGAGE)):
        vouchers.issueVoucher(issue_args(), {"from": bank})


def test_department_of_a_kind_that_may_not_issue_the_type_is_refused(vouchers, court):
    with brownie.reverts(typed_error("VoucherRegistryIssuerNotAllowed", DOC, COURT)):
        vouchers.issueVoucher(issue_args(), {"from": court})


@pytest.mark.parametrize("holder", [TAX, department_id("LD-UNKNOWN"), ZERO], ids=["wrong-kind", "unknown", "zero"])
def test_first_holder_must_be_a_department_that_may_receive_the_type(vouchers, bank, holder):
    with brownie.reverts(typed_error("VoucherRegistryReceiverNotAllowed", DOC, holder)):
        vouchers.issueVoucher(issue_args(holder=holder), {"from": bank})


def test_issuer_may_be_its_own_first_holder_when_its_kind_receives(vouchers, bank):
    vouchers.issueVoucher(issue_args(holder=BANK), {"from": bank})
    assert h(vouchers.getVoucher(DOC)[3]) == h(BANK)


@pytest.mark.parametrize("offset", [0, -DAY])
def test_expiry_must_be_in_the_future(vouchers, bank, offset):
    expires_at = now() + offset
    with brownie.reverts(typed_error("VoucherRegistryInvalidExpiry", DOC, expires_at)):
        vouchers.issueVoucher(issue_args(expires_at=expires_at), {"from": bank})


def test_suspended_department_cannot_issue(vouchers, directory, city_admins, bank):
    directory.suspendDepartment(BANK, REASON, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DepartmentUnauthorized", bank, ALL_KINDS)):
        vouchers.issueVoucher(issue_args(), {"from": bank})


def test_batch_issue_counts_new_vouchers_and_skips_repeats(vouchers, issued, bank):
    batch = [issue_args(), issue_args(voucher_id=DOC2, holder=BANK2)]
    tx = vouchers.issueVouchers(batch, {"from": bank})
    assert tx.return_value == 1
    assert [h(e["voucherId"]) for e in tx.events["VoucherIssued"]] == [h(DOC2)]
    assert plain(vouchers.verifyVoucher(DOC2)) == [State.ACTIVE, h(MORTGAGE), h(BANK), h(BANK2), 1]


def test_batch_issue_with_one_conflict_reverts_whole_batch(vouchers, issued, bank):
    batch = [issue_args(voucher_id=DOC2), issue_args(subject=web3.keccak(text="other"))]
    with brownie.reverts(typed_error("VoucherRegistryVoucherConflict", DOC)):
        vouchers.issueVouchers(batch, {"from": bank})
    assert vouchers.voucherState(DOC2) == State.NONE


def test_empty_batch_issues_nothing(vouchers, bank):
    assert vouchers.issueVouchers([], {"from": bank}).return_value == 0


# ---- circulation ------------------------------------------------------------------------


def test_holder_nominates_next_holder(vouchers, issued, registrar):
    tx = vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["HandoverNominated"].values()) == [h(DOC), h(REGISTRAR), h(BANK2), h(REMARKS)]
    assert h(vouchers.getVoucher(DOC)[4]) == h(BANK2)
    assert h(vouchers.getVoucher(DOC)[3]) == h(REGISTRAR)
    assert custody(vouchers, DOC)[1] == entry(Action.NOMINATED, tx.timestamp, REGISTRAR, BANK2, REMARKS)


def test_nominating_the_same_department_again_changes_nothing(vouchers, nominated, registrar):
    tx = vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": registrar})
    assert tx.return_value is False
    assert "HandoverNominated" not in tx.events
    assert vouchers.custodyLength(DOC) == 2


def test_nominating_another_while_one_is_pending_reverts(vouchers, nominated, registrar):
    with brownie.reverts(typed_error("VoucherRegistryHandoverPending", DOC, BANK2)):
        vouchers.nominateHolder(DOC, BANK, REMARKS, {"from": registrar})


def test_holder_cannot_nominate_itself(vouchers, issued, registrar):
    with brownie.reverts(typed_error("VoucherRegistrySelfHandover", DOC)):
        vouchers.nominateHolder(DOC, REGISTRAR, REMARKS, {"from": registrar})


@pytest.mark.parametrize("nominee", [TAX, COURT, department_id("LD-UNKNOWN")])
def test_nominee_must_be_a_department_that_may_receive_the_type(vouchers, issued, registrar, nominee):
    with brownie.reverts(typed_error("VoucherRegistryReceiverNotAllowed", DOC, nominee)):
        vouchers.nominateHolder(DOC, nominee, REMARKS, {"from": registrar})


@pytest.mark.parametrize("role", ["bank", "bank2", "court"])
def test_only_the_holder_nominates(vouchers, issued, department_accounts, role):
    caller = department_accounts[role]
    dept = department_id(DEPARTMENTS[role][0])
    with brownie.reverts(typed_error("VoucherRegistryNotHolder", DOC, dept)):
        vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": caller})


def test_circulating_an_unknown_voucher_reverts(vouchers, registrar):
    with brownie.reverts(typed_error("VoucherRegistryUnknownVoucher", DOC)):
        vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": registrar})
    with brownie.reverts(typed_error("VoucherRegistryUnknownVoucher", DOC)):
        vouchers.acceptHandover(DOC, REMARKS, {"from": registrar})


def test_nominee_accepts_and_becomes_holder(vouchers, nominated, bank2):
    tx = vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})
    assert plain(tx.events["HandoverAccepted"].values()) == [h(DOC), h(REGISTRAR), h(BANK2), h(REMARKS)]
    voucher = plain(vouchers.getVoucher(DOC))
    assert (voucher[3], voucher[4]) == (h(BANK2), ZERO_HEX)
    assert custody(vouchers, DOC)[2] == entry(Action.ACCEPTED, tx.timestamp, REGISTRAR, BANK2, REMARKS)
    assert plain(vouchers.verifyVoucher(DOC)) == [State.ACTIVE, h(MORTGAGE), h(BANK), h(BANK2), 3]


def test_new_holder_can_pass_the_voucher_on(vouchers, nominated, bank2, registrar):
    vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})
    vouchers.nominateHolder(DOC, REGISTRAR, REMARKS, {"from": bank2})
    vouchers.acceptHandover(DOC, REMARKS, {"from": registrar})
    assert h(vouchers.getVoucher(DOC)[3]) == h(REGISTRAR)


@pytest.mark.parametrize("role", ["bank", "registrar", "court"])
def test_only_the_nominee_accepts_or_rejects(vouchers, nominated, department_accounts, role):
    caller = department_accounts[role]
    dept = department_id(DEPARTMENTS[role][0])
    with brownie.reverts(typed_error("VoucherRegistryNotNominee", DOC, dept)):
        vouchers.acceptHandover(DOC, REMARKS, {"from": caller})
    with brownie.reverts(typed_error("VoucherRegistryNotNominee", DOC, dept)):
        vouchers.rejectHandover(DOC, REMARKS, {"from": caller})


def test_accept_or_reject_without_a_nomination_reverts(vouchers, issued, bank2):
    with brownie.reverts(typed_error("VoucherRegistryNoPendingHandover", DOC)):
        vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})
    with brownie.reverts(typed_error("VoucherRegistryNoPendingHandover", DOC)):
        vouchers.rejectHandover(DOC, REMARKS, {"from": bank2})


def test_nominee_whose_kind_no_longer_receives_cannot_accept(vouchers, nominated, city_admins, bank2, run_proposal):
    run_proposal(vouchers, vouchers.setVoucherType.encode_input(MORTGAGE, kind_mask(Kind.BANK), kind_mask(Kind.REAL_ESTATE_REGISTRATION)))
    with brownie.reverts(typed_error("VoucherRegistryReceiverNotAllowed", DOC, BANK2)):
        vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})


def test_suspended_nominee_cannot_accept(vouchers, nominated, directory, city_admins, bank2):
    directory.suspendDepartment(BANK2, REASON, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DepartmentUnauthorized", bank2, ALL_KINDS)):
        vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})


def test_nominee_rejects_and_the_voucher_stays(vouchers, nominated, bank2):
    tx = vouchers.rejectHandover(DOC, REMARKS, {"from": bank2})
    assert plain(tx.events["HandoverRejected"].values()) == [h(DOC), h(REGISTRAR), h(BANK2), h(REMARKS)]
    voucher = plain(vouchers.getVoucher(DOC))
    assert (voucher[3], voucher[4]) == (h(REGISTRAR), ZERO_HEX)
    assert custody(vouchers, DOC)[2] == entry(Action.REJECTED, tx.timestamp, REGISTRAR, BANK2, REMARKS)


def test_holder_cancels_its_nomination(vouchers, nominated, registrar, bank2):
    tx = vouchers.cancelNomination(DOC, REMARKS, {"from": registrar})
    assert plain(tx.events["NominationCancelled"].values()) == [h(DOC), h(REGISTRAR), h(BANK2), h(REMARKS)]
    assert h(vouchers.getVoucher(DOC)[4]) == ZERO_HEX
    assert custody(vouchers, DOC)[2] == entry(Action.CANCELLED, tx.timestamp, REGISTRAR, BANK2, REMARKS)
    with brownie.reverts(typed_error("VoucherRegistryNoPendingHandover", DOC)):
        vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})


def test_cancel_without_a_nomination_reverts(vouchers, issued, registrar):
    with brownie.reverts(typed_error("VoucherRegistryNoPendingHandover", DOC)):
        vouchers.cancelNomination(DOC, REMARKS, {"from": registrar})


def test_only_the_holder_cancels_a_nomination(vouchers, nominated, bank2):
    with brownie.reverts(typed_error("VoucherRegistryNotHolder", DOC, BANK2)):
        vouchers.cancelNomination(DOC, REMARKS, {"from": bank2})


# ---- end of life ------------------------------------------------------------------------


def test_holder_redeems_the_voucher(vouchers, nominated, registrar):
    tx = vouchers.redeemVoucher(DOC, REMARKS, {"from": registrar})
    assert plain(tx.events["VoucherRedeemed"].values()) == [h(DOC), h(REGISTRAR), h(REMARKS)]
    voucher = plain(vouchers.getVoucher(DOC))
    assert (voucher[3], voucher[4], voucher[7]) == (h(REGISTRAR), ZERO_HEX, State.REDEEMED)
    assert custody(vouchers, DOC)[2] == entry(Action.REDEEMED, tx.timestamp, REGISTRAR, REGISTRAR, REMARKS)


def test_holder_whose_kind_no_longer_receives_cannot_redeem(vouchers, issued, city_admins, registrar, run_proposal):
    run_proposal(vouchers, vouchers.setVoucherType.encode_input(MORTGAGE, kind_mask(Kind.BANK), kind_mask(Kind.BANK)))
    with brownie.reverts(typed_error("VoucherRegistryReceiverNotAllowed", DOC, REGISTRAR)):
        vouchers.redeemVoucher(DOC, REMARKS, {"from": registrar})


def test_only_the_holder_redeems(vouchers, issued, bank):
    with brownie.reverts(typed_error("VoucherRegistryNotHolder", DOC, BANK)):
        vouchers.redeemVoucher(DOC, REMARKS, {"from": bank})


def test_holder_surrenders_the_voucher_to_its_issuer(vouchers, nominated, registrar):
    tx = vouchers.surrenderVoucher(DOC, REMARKS, {"from": registrar})
    assert plain(tx.events["VoucherSurrendered"].values()) == [h(DOC), h(REGISTRAR), h(BANK), h(REMARKS)]
    assert plain(vouchers.verifyVoucher(DOC)) == [State.SURRENDERED, h(MORTGAGE), h(BANK), h(BANK), 3]
    assert h(vouchers.getVoucher(DOC)[4]) == ZERO_HEX
    assert custody(vouchers, DOC)[2] == entry(Action.SURRENDERED, tx.timestamp, REGISTRAR, BANK, REMARKS)


def test_only_the_holder_surrenders(vouchers, issued, bank):
    with brownie.reverts(typed_error("VoucherRegistryNotHolder", DOC, BANK)):
        vouchers.surrenderVoucher(DOC, REMARKS, {"from": bank})


def test_issuer_revokes_the_voucher_with_a_reason(vouchers, nominated, bank):
    tx = vouchers.revokeVoucher(DOC, REASON, {"from": bank})
    assert plain(tx.events["VoucherRevoked"].values()) == [h(DOC), h(BANK), h(REASON)]
    assert plain(vouchers.verifyVoucher(DOC)) == [State.REVOKED, h(MORTGAGE), h(BANK), h(REGISTRAR), 3]
    assert h(vouchers.getVoucher(DOC)[4]) == ZERO_HEX
    assert custody(vouchers, DOC)[2] == entry(Action.REVOKED, tx.timestamp, BANK, REGISTRAR, REASON)


@pytest.mark.parametrize("role", ["bank2", "registrar"])
def test_only_the_issuer_revokes(vouchers, issued, department_accounts, role):
    dept = department_id(DEPARTMENTS[role][0])
    with brownie.reverts(typed_error("VoucherRegistryNotIssuer", DOC, dept)):
        vouchers.revokeVoucher(DOC, REASON, {"from": department_accounts[role]})


def test_a_revocation_needs_a_reason(vouchers, issued, bank):
    """A revocation without a reason digest is refused, and the voucher stays active."""
    with brownie.reverts(typed_error("VoucherRegistryMissingReason", DOC)):
        vouchers.revokeVoucher(DOC, ZERO, {"from": bank})
    assert vouchers.voucherState(DOC) == State.ACTIVE


def test_revoking_an_unknown_voucher_reverts(vouchers, bank):
    with brownie.reverts(typed_error("VoucherRegistryUnknownVoucher", DOC)):
        vouchers.revokeVoucher(DOC, REASON, {"from": bank})


def test_voucher_expires(vouchers, bank):
    expires_at = now() + DAY
    vouchers.issueVoucher(issue_args(expires_at=expires_at), {"from": bank})
    assert vouchers.voucherState(DOC) == State.ACTIVE
    chain.sleep(DAY + 10)
    chain.mine()
    assert vouchers.voucherState(DOC) == State.EXPIRED
    assert plain(vouchers.verifyVoucher(DOC)) == [State.EXPIRED, h(MORTGAGE), h(BANK), h(REGISTRAR), 1]
    assert vouchers.getVoucher(DOC)[7] == State.ACTIVE


def _end(vouchers, how, accounts_by_role):
    if how == "redeemed":
        vouchers.redeemVoucher(DOC, REMARKS, {"from": accounts_by_role["registrar"]})
    elif how == "surrendered":
        vouchers.surrenderVoucher(DOC, REMARKS, {"from": accounts_by_role["registrar"]})
    elif how == "revoked":
        vouchers.revokeVoucher(DOC, REASON, {"from": accounts_by_role["bank"]})
    else:
        chain.sleep(2 * DAY)
        chain.mine()


END_STATES = {"redeemed": State.REDEEMED, "surrendered": State.SURRENDERED, "revoked": State.REVOKED, "expired": State.EXPIRED}


@pytest.mark.parametrize("how", sorted(END_STATES))
def test_an_ended_voucher_cannot_move(vouchers, bank, department_accounts, how):
    vouchers.issueVoucher(issue_args(expires_at=now() + DAY), {"from": bank})
    vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": department_accounts["registrar"]})
    _end(vouchers, how, department_accounts)
    # Surrender leaves the issuer holding, so try the holder's moves from both.
    holder = department_accounts["bank"] if how == "surrendered" else department_accounts["registrar"]
    error = typed_error("VoucherRegistryVoucherNotLive", DOC, END_STATES[how])
    length = vouchers.custodyLength(DOC)
    attempts = [
        lambda: vouchers.nominateHolder(DOC, BANK2, REMARKS, {"from": holder}),
        lambda: vouchers.cancelNomination(DOC, REMARKS, {"from": holder}),
        lambda: vouchers.acceptHandover(DOC, REMARKS, {"from": department_accounts["bank2"]}),
        lambda: vouchers.rejectHandover(DOC, REMARKS, {"from": department_accounts["bank2"]}),
        lambda: vouchers.redeemVoucher(DOC, REMARKS, {"from": holder}),
        lambda: vouchers.surrenderVoucher(DOC, REMARKS, {"from": holder}),
        lambda: vouchers.revokeVoucher(DOC, REASON, {"from": department_accounts["bank"]}),
    ]
    for attempt in attempts:
        with brownie.reverts(error):
            attempt()
    assert vouchers.custodyLength(DOC) == length


def test_verifying_an_unknown_digest_reports_none(vouchers):
    assert plain(vouchers.verifyVoucher(DOC)) == [State.NONE, ZERO_HEX, ZERO_HEX, ZERO_HEX, 0]
    assert vouchers.custodyChain(DOC, 0, 10) == []


def test_custody_chain_is_read_in_pages(vouchers, nominated, bank2):
    vouchers.acceptHandover(DOC, REMARKS, {"from": bank2})
    whole = custody(vouchers, DOC)
    assert len(whole) == vouchers.custodyLength(DOC) == 3
    assert [plain(e) for e in vouchers.custodyChain(DOC, 1, 1)] == whole[1:2]
    assert [plain(e) for e in vouchers.custodyChain(DOC, 0, 100)] == whole  # a page ends with the chain
    assert vouchers.custodyChain(DOC, 3, 5) == []  # past the end
    assert vouchers.custodyChain(DOC, 1, 0) == []
    assert [plain(e) for e in vouchers.custodyChain(DOC, 2, 2**256 - 1)] == whole[2:]  # no overflow


def test_full_chain_of_custody(vouchers, bank, bank2, registrar):
    t0 = vouchers.issueVoucher(issue_args(), {"from": bank}).timestamp
    t1 = vouchers.nominateHolder(DOC, BANK2, web3.keccak(text="r1"), {"from": registrar}).timestamp
    t2 = vouchers.rejectHandover(DOC, web3.keccak(text="r2"), {"from": bank2}).timestamp
    t3 = vouchers.nominateHolder(DOC, BANK2, web3.keccak(text="r3"), {"from": registrar}).timestamp
    t4 = vouchers.acceptHandover(DOC, web3.keccak(text="r4"), {"from": bank2}).timestamp
    t5 = vouchers.redeemVoucher(DOC, web3.keccak(text="r5"), {"from": bank2}).timestamp
    assert custody(vouchers, DOC) == [
        entry(Action.ISSUED, t0, BANK, REGISTRAR),
        entry(Action.NOMINATED, t1, REGISTRAR, BANK2, web3.keccak(text="r1")),
        entry(Action.REJECTED, t2, REGISTRAR, BANK2, web3.keccak(text="r2")),
        entry(Action.NOMINATED, t3, REGISTRAR, BANK2, web3.keccak(text="r3")),
        entry(Action.ACCEPTED, t4, REGISTRAR, BANK2, web3.keccak(text="r4")),
        entry(Action.REDEEMED, t5, BANK2, BANK2, web3.keccak(text="r5")),
    ]
    assert plain(vouchers.verifyVoucher(DOC)) == [State.REDEEMED, h(MORTGAGE), h(BANK), h(BANK2), 6]


def test_each_voucher_type_flows_from_its_issuer_kind(vouchers, department_accounts):
    flows = [
        ("HPF_WITHDRAWAL", "provident_fund", "bank"),
        ("COURT_ENFORCEMENT", "court", "registrar"),
        ("TAX_PAYMENT_CERT", "tax_bureau", "registrar"),
        ("REGISTRATION_RECEIPT", "registrar", "court"),
    ]
    for i, (name, issuer, holder) in enumerate(flows):
        voucher_id = web3.keccak(text=f"doc {i}")
        holder_id = department_id(DEPARTMENTS[holder][0])
        vouchers.issueVoucher(
            issue_args(voucher_id=voucher_id, type_id=voucher_type_id(name), holder=holder_id),
            {"from": department_accounts[issuer]},
        )
        vouchers.redeemVoucher(voucher_id, REMARKS, {"from": department_accounts[holder]})
        assert vouchers.voucherState(voucher_id) == State.REDEEMED

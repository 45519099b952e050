"""CityDirectory: proposals, departments, suspension, key rotation and the emergency pause."""

import brownie
import pytest
from brownie import CityDirectory, DepartmentGatedMock, accounts, chain, web3
from eth_abi import encode

from conftest import DEPARTMENTS, Kind, Status, department_id, department_name, kind_mask, plain, typed_error

CITY_ADMIN_ROLE = web3.keccak(text="CITY_ADMIN_ROLE")
DEFAULT_ADMIN_ROLE = b"\x00" * 32
NEW_CODE = "LD-NEW"
NEW_DEPARTMENT = department_id(NEW_CODE)
NAME = "Loudi New Department"
NAME_DIGEST = web3.keccak(text=NAME)
WEEK = 7 * 24 * 3600
ZERO_ADDRESS = "0x" + "00" * 20


class ProposalState:
    NONE, PENDING, EXECUTED, CANCELLED = range(4)


def call_hash(target, data: str) -> bytes:
    """What a proposal stores of its call: keccak256(abi.encode(target, data))."""
    return web3.keccak(encode(["address", "bytes"], [getattr(target, "address", target), bytes.fromhex(data[2:])]))


def proposal_state(directory, proposal_id) -> int:
    return int(directory.getProposal(proposal_id)[3])


@pytest.fixture(scope="module")
def fresh_signer():
    return accounts[14]


@pytest.fixture(scope="module")
def gated(directory, city_admins):
    return DepartmentGatedMock.deploy(directory, {"from": city_admins[0]})


def register_calldata(directory, signer, code=NEW_CODE, kind=Kind.BANK, name=NAME):
    return directory.registerDepartment.encode_input(code, kind, name, [signer])


# ---- construction ---------------------------------------------------------------------


def test_constructor_sets_admins_and_threshold(directory, city_admins):
    assert directory.threshold() == 2
    assert directory.getRoleMemberCount(CITY_ADMIN_ROLE) == 3
    assert [directory.getRoleMember(CITY_ADMIN_ROLE, i) for i in range(3)] == city_admins
    assert directory.hasRole(DEFAULT_ADMIN_ROLE, directory)
    assert not directory.hasRole(DEFAULT_ADMIN_ROLE, city_admins[0])


@pytest.mark.parametrize("threshold", [0, 4])
def test_constructor_rejects_threshold_outside_one_to_n(city_admins, threshold):
    with brownie.reverts(typed_error("CityDirectoryInvalidThreshold", threshold, 3)):
        CityDirectory.deploy(city_admins, threshold, {"from": city_admins[0]})


# ---- proposals ------------------------------------------------------------------------


def test_propose_records_proposal_and_counts_proposer_approval(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    count_before = directory.proposalCount()
    tx = directory.propose(directory, data, {"from": city_admins[0]})
    proposal_id = tx.return_value
    assert proposal_id == count_before + 1
    assert plain(tx.events["ProposalCreated"].values()) == plain(
        [proposal_id, city_admins[0], directory, data, tx.timestamp + WEEK]
    )
    assert plain(tx.events["ProposalApproved"].values()) == plain([proposal_id, city_admins[0], 1])
    assert directory.approvalCount(proposal_id) == 1
    assert directory.hasApproved(proposal_id, city_admins[0])
    assert plain(directory.getProposal(proposal_id)) == plain(
        (call_hash(directory, data), directory, tx.timestamp + WEEK, ProposalState.PENDING)
    )


def test_one_approval_is_not_enough_to_execute(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[0]}).return_value
    with brownie.reverts(typed_error("CityDirectoryNotEnoughApprovals", proposal_id, 1, 2)):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})


def test_k_of_n_approvals_register_a_department(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[0]}).return_value
    tx = directory.approve(proposal_id, {"from": city_admins[2]})
    assert plain(tx.events["ProposalApproved"].values()) == plain([proposal_id, city_admins[2], 2])
    tx = directory.execute(proposal_id, directory, data, {"from": city_admins[1]})
    assert plain(tx.events["ProposalExecuted"].values()) == plain([proposal_id, city_admins[1]])
    assert plain(tx.events["DepartmentRegistered"].values()) == plain([NEW_DEPARTMENT, Kind.BANK, NEW_CODE, NAME])
    assert plain(tx.events["DepartmentSignerAdded"].values()) == plain([NEW_DEPARTMENT, fresh_signer])
    record = directory.getDepartment(NEW_DEPARTMENT)
    assert plain(record) == plain((Kind.BANK, Status.ACTIVE, tx.timestamp, tx.timestamp, NAME_DIGEST))
    assert directory.isActiveDepartment(fresh_signer, Kind.BANK)
    assert plain(directory.activeDepartmentOf(fresh_signer)) == plain((NEW_DEPARTMENT, Kind.BANK))
    assert plain(directory.departmentOfSigner(fresh_signer)) == plain(NEW_DEPARTMENT)
    assert proposal_state(directory, proposal_id) == ProposalState.EXECUTED


def test_executed_proposal_cannot_run_twice(directory, city_admins, fresh_signer, run_proposal):
    data = register_calldata(directory, fresh_signer)
    tx = run_proposal(directory, data)
    proposal_id = tx.events["ProposalExecuted"]["proposalId"]
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.approve(proposal_id, {"from": city_admins[2]})


def test_execute_needs_the_proposed_data(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    other = register_calldata(directory, city_admins[0])
    with brownie.reverts(typed_error("CityDirectoryProposalDataMismatch", proposal_id)):
        directory.execute(proposal_id, directory, other, {"from": city_admins[0]})


def test_an_admin_cannot_approve_twice(directory, city_admins, fresh_signer):
    proposal_id = directory.propose(directory, register_calldata(directory, fresh_signer), {"from": city_admins[0]}).return_value
    with brownie.reverts(typed_error("CityDirectoryProposalAlreadyApproved", proposal_id, city_admins[0])):
        directory.approve(proposal_id, {"from": city_admins[0]})


@pytest.mark.parametrize("proposal_id", [0, 999])
def test_unknown_proposals_are_rejected(directory, city_admins, proposal_id):
    with brownie.reverts(typed_error("CityDirectoryUnknownProposal", proposal_id)):
        directory.approve(proposal_id, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryUnknownProposal", proposal_id)):
        directory.execute(proposal_id, directory, "0x", {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryUnknownProposal", proposal_id)):
        directory.cancel(proposal_id, {"from": city_admins[0]})


def test_proposal_expires_after_a_week(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    tx = directory.propose(directory, data, {"from": city_admins[0]})
    proposal_id, expires_at = tx.return_value, tx.timestamp + WEEK
    chain.sleep(WEEK + 1)
    chain.mine()
    with brownie.reverts(typed_error("CityDirectoryProposalExpired", proposal_id, expires_at)):
        directory.approve(proposal_id, {"from": city_admins[1]})
    with brownie.reverts(typed_error("CityDirectoryProposalExpired", proposal_id, expires_at)):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})


def test_cancelled_proposal_cannot_be_executed(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    tx = directory.cancel(proposal_id, {"from": city_admins[2]})
    assert plain(tx.events["ProposalCancelled"].values()) == plain([proposal_id, city_admins[2]])
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.cancel(proposal_id, {"from": city_admins[0]})


def test_failing_proposed_call_reverts_with_its_own_error(directory, city_admins):
    code, _, index = DEPARTMENTS["bank"]
    data = directory.registerDepartment.encode_input(NEW_CODE, Kind.BANK, NAME, [accounts[index]])
    proposal_id = directory.propose(directory, data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    with brownie.reverts(typed_error("CityDirectorySignerInUse", accounts[index], department_id(code))):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})
    assert proposal_state(directory, proposal_id) == ProposalState.PENDING  # the whole execution reverted


def test_approval_of_a_removed_admin_no_longer_counts(directory, city_admins, fresh_signer, run_proposal):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[2]}).return_value
    run_proposal(directory, directory.revokeRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    assert directory.approvalCount(proposal_id) == 0
    assert directory.hasApproved(proposal_id, city_admins[2])
    with brownie.reverts(typed_error("CityDirectoryNotEnoughApprovals", proposal_id, 0, 2)):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})


# ---- administrators and threshold -------------------------------------------------------


def test_proposal_adds_an_admin(directory, city_admins, fresh_signer, run_proposal):
    tx = run_proposal(directory, directory.grantRole.encode_input(CITY_ADMIN_ROLE, fresh_signer))
    assert plain(tx.events["RoleGranted"].values()) == plain([CITY_ADMIN_ROLE, fresh_signer, directory])
    assert directory.hasRole(CITY_ADMIN_ROLE, fresh_signer)


def test_an_admin_alone_cannot_grant_admin(directory, city_admins, fresh_signer):
    with brownie.reverts(typed_error("AccessControlUnauthorizedAccount", city_admins[0], DEFAULT_ADMIN_ROLE)):
        directory.grantRole(CITY_ADMIN_ROLE, fresh_signer, {"from": city_admins[0]})


def test_nobody_can_receive_the_role_that_manages_admins(directory, city_admins, fresh_signer, run_proposal):
    data = directory.grantRole.encode_input(DEFAULT_ADMIN_ROLE, fresh_signer)
    with brownie.reverts(typed_error("CityDirectoryForbiddenRoleGrant", DEFAULT_ADMIN_ROLE, fresh_signer)):
        run_proposal(directory, data)


def test_the_directory_cannot_give_up_the_role_that_manages_admins(directory, city_admins, run_proposal):
    data = directory.renounceRole.encode_input(DEFAULT_ADMIN_ROLE, directory)
    with brownie.reverts(typed_error("CityDirectoryForbiddenRoleGrant", DEFAULT_ADMIN_ROLE, directory)):
        run_proposal(directory, data)


def test_removing_admins_below_threshold_is_refused(directory, city_admins, run_proposal):
    run_proposal(directory, directory.revokeRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    with brownie.reverts(typed_error("CityDirectoryInvalidThreshold", 2, 1)):
        directory.renounceRole(CITY_ADMIN_ROLE, city_admins[1], {"from": city_admins[1]})


def test_admin_may_renounce_while_enough_remain(directory, city_admins):
    tx = directory.renounceRole(CITY_ADMIN_ROLE, city_admins[2], {"from": city_admins[2]})
    assert plain(tx.events["RoleRevoked"].values()) == plain([CITY_ADMIN_ROLE, city_admins[2], city_admins[2]])
    assert directory.getRoleMemberCount(CITY_ADMIN_ROLE) == 2


def test_threshold_changes_by_proposal(directory, city_admins, run_proposal):
    tx = run_proposal(directory, directory.changeThreshold.encode_input(3))
    assert plain(tx.events["ThresholdChanged"].values()) == plain([2, 3])
    assert directory.threshold() == 3


@pytest.mark.parametrize("threshold", [0, 4])
def test_threshold_must_stay_between_one_and_admin_count(directory, city_admins, threshold, run_proposal):
    with brownie.reverts(typed_error("CityDirectoryInvalidThreshold", threshold, 3)):
        run_proposal(directory, directory.changeThreshold.encode_input(threshold))


# ---- registering departments ----------------------------------------------------------


def test_registering_the_same_department_again_is_a_no_op(directory, run_proposal):
    code, kind, index = DEPARTMENTS["court"]
    data = directory.registerDepartment.encode_input(code, kind, department_name(code), [accounts[index]])
    tx = run_proposal(directory, data)
    assert "DepartmentRegistered" not in tx.events
    assert "DepartmentSignerAdded" not in tx.events
    assert directory.registerDepartment.call(code, kind, department_name(code), [accounts[index]], {"from": directory.address}) is False


@pytest.mark.parametrize("change", ["kind", "name", "signer"])
def test_registering_a_conflicting_department_reverts(directory, fresh_signer, change, run_proposal):
    code, kind, index = DEPARTMENTS["court"]
    name = department_name(code)
    signer = accounts[index]
    if change == "kind":
        kind = Kind.BANK
    elif change == "name":
        name = NAME
    else:
        signer = fresh_signer
    data = directory.registerDepartment.encode_input(code, kind, name, [signer])
    with brownie.reverts(typed_error("CityDirectoryDepartmentExists", department_id(code))):
        run_proposal(directory, data)


def test_department_id_is_the_digest_of_its_code_and_the_record_keeps_the_name_digest(directory, fresh_signer, run_proposal):
    tx = run_proposal(directory, register_calldata(directory, fresh_signer, code="LD-431302-RE", name="Louxing Real Estate"))
    dept = web3.keccak(text="LD-431302-RE")
    assert plain(tx.events["DepartmentRegistered"].values()) == plain(
        [dept, Kind.BANK, "LD-431302-RE", "Louxing Real Estate"]
    )
    assert plain(directory.getDepartment(dept)[4]) == plain(web3.keccak(text="Louxing Real Estate"))


@pytest.mark.parametrize("code", ["AB", "0123456789-ABCDEFGHIJKLMNOPQRSTU"])
def test_department_codes_of_two_to_thirty_two_allowed_characters_are_accepted(directory, fresh_signer, run_proposal, code):
    tx = run_proposal(directory, register_calldata(directory, fresh_signer, code=code))
    assert plain(tx.events["DepartmentRegistered"].values()) == plain([department_id(code), Kind.BANK, code, NAME])


@pytest.mark.parametrize("code", ["", "A", "A" * 33, "ld-bank", "LD BANK", "LD_BANK", "LD-银行", "LD-BANK\x00"])
def test_department_code_must_be_two_to_thirty_two_of_upper_letters_digits_and_dashes(
    directory, fresh_signer, run_proposal, code
):
    data = register_calldata(directory, fresh_signer, code=code)
    with brownie.reverts(typed_error("CityDirectoryInvalidDepartmentCode", code)):
        run_proposal(directory, data)


def test_register_rejects_kind_none(directory, city_admins, fresh_signer, run_proposal):
    data = register_calldata(directory, fresh_signer, kind=Kind.NONE)
    with brownie.reverts(typed_error("CityDirectoryInvalidKind", NEW_DEPARTMENT)):
        run_proposal(directory, data)


def test_register_rejects_no_signers_and_zero_signer(directory, city_admins, run_proposal):
    empty = directory.registerDepartment.encode_input(NEW_CODE, Kind.BANK, NAME, [])
    with brownie.reverts(typed_error("CityDirectoryInvalidSigner", NEW_DEPARTMENT, "0x" + "00" * 20)):
        run_proposal(directory, empty)
    zero = register_calldata(directory, "0x" + "00" * 20)
    with brownie.reverts(typed_error("CityDirectoryInvalidSigner", NEW_DEPARTMENT, "0x" + "00" * 20)):
        run_proposal(directory, zero)


def test_a_department_may_have_several_signers(directory, city_admins, run_proposal):
    signers = [accounts[14], accounts[15]]
    tx = run_proposal(directory, directory.registerDepartment.encode_input(NEW_CODE, Kind.COURT, NAME, signers))
    assert plain([e.values() for e in tx.events["DepartmentSignerAdded"]]) == plain([[NEW_DEPARTMENT, s] for s in signers])
    assert all(directory.isActiveDepartment(s, Kind.COURT) for s in signers)


def test_unknown_account_has_no_active_department(directory, stranger):
    assert plain(directory.activeDepartmentOf(stranger)) == plain(("0x" + "00" * 32, Kind.NONE))
    assert not directory.isActiveDepartment(stranger, Kind.NONE)
    assert plain(directory.getDepartment(NEW_DEPARTMENT)) == plain((Kind.NONE, Status.NONE, 0, 0, "0x" + "00" * 32))


def test_kind_must_match(directory, bank):
    assert directory.isActiveDepartment(bank, Kind.BANK)
    assert not directory.isActiveDepartment(bank, Kind.COURT)
    assert not directory.isActiveDepartment(bank, Kind.NONE)


# ---- suspension -----------------------------------------------------------------------


def test_one_admin_suspends_a_department(directory, city_admins, bank):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    reason = web3.keccak(text="audit finding 17")
    tx = directory.suspendDepartment(bank_id, reason, {"from": city_admins[1]})
    assert tx.return_value is True
    assert plain(tx.events["DepartmentSuspended"].values()) == plain([bank_id, city_admins[1], reason])
    assert directory.getDepartment(bank_id)[1] == Status.SUSPENDED
    assert not directory.isActiveDepartment(bank, Kind.BANK)
    assert plain(directory.activeDepartmentOf(bank)) == plain(("0x" + "00" * 32, Kind.NONE))
    assert plain(directory.departmentOfSigner(bank)) == plain(bank_id)


def test_suspending_twice_is_a_no_op(directory, city_admins):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    directory.suspendDepartment(bank_id, b"\x01" * 32, {"from": city_admins[0]})
    tx = directory.suspendDepartment(bank_id, b"\x01" * 32, {"from": city_admins[0]})
    assert tx.return_value is False
    assert "DepartmentSuspended" not in tx.events


def test_suspending_an_unknown_department_reverts(directory, city_admins):
    with brownie.reverts(typed_error("CityDirectoryUnknownDepartment", NEW_DEPARTMENT)):
        directory.suspendDepartment(NEW_DEPARTMENT, b"\x01" * 32, {"from": city_admins[0]})


def test_reinstatement_needs_a_proposal_and_restores_powers(directory, city_admins, bank, run_proposal):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    directory.suspendDepartment(bank_id, b"\x01" * 32, {"from": city_admins[0]})
    tx = run_proposal(directory, directory.reinstateDepartment.encode_input(bank_id))
    assert plain(tx.events["DepartmentReinstated"].values()) == plain([bank_id])
    assert directory.isActiveDepartment(bank, Kind.BANK)


def test_reinstating_an_active_department_is_a_no_op(directory, city_admins, run_proposal):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    tx = run_proposal(directory, directory.reinstateDepartment.encode_input(bank_id))
    assert "DepartmentReinstated" not in tx.events


def test_reinstating_an_unknown_department_reverts(directory, city_admins, run_proposal):
    with brownie.reverts(typed_error("CityDirectoryUnknownDepartment", NEW_DEPARTMENT)):
        run_proposal(directory, directory.reinstateDepartment.encode_input(NEW_DEPARTMENT))


# ---- key rotation ---------------------------------------------------------------------


def test_department_rotates_its_own_key_and_old_key_loses_power(directory, bank, fresh_signer, gated):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    tx = directory.rotateSigner(bank_id, bank, fresh_signer, {"from": bank})
    assert plain(tx.events["DepartmentSignerRemoved"].values()) == plain([bank_id, bank])
    assert plain(tx.events["DepartmentSignerAdded"].values()) == plain([bank_id, fresh_signer])
    assert not directory.isActiveDepartment(bank, Kind.BANK)
    assert directory.isActiveDepartment(fresh_signer, Kind.BANK)
    assert directory.getDepartment(bank_id)[3] == tx.timestamp
    with brownie.reverts(typed_error("DepartmentUnauthorized", bank, kind_mask(Kind.BANK, Kind.HOUSING_PROVIDENT_FUND))):
        gated.writeAsLender({"from": bank})
    assert plain(gated.writeAsLender({"from": fresh_signer}).events["Written"].values()) == plain([bank_id, Kind.BANK])


def test_lost_key_is_rotated_by_proposal(directory, city_admins, bank, fresh_signer, run_proposal):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    data = directory.rotateSigner.encode_input(bank_id, bank, fresh_signer)
    tx = run_proposal(directory, data)
    assert plain(tx.events["DepartmentSignerAdded"].values()) == plain([bank_id, fresh_signer])
    assert plain(directory.departmentOfSigner(bank)) == "0x" + "00" * 32


def test_another_department_cannot_rotate_a_key(directory, bank, court, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, court)):
        directory.rotateSigner(bank_id, bank, fresh_signer, {"from": court})


@pytest.fixture
def two_key_department(directory, run_proposal):
    """LD-TWO-KEYS, a court signed for by accounts 14 and 15."""
    signers = [accounts[14], accounts[15]]
    run_proposal(directory, directory.registerDepartment.encode_input("LD-TWO-KEYS", Kind.COURT, "Two keys", signers))
    return department_id("LD-TWO-KEYS"), signers


def test_a_signer_cannot_rotate_another_signer_of_its_department(directory, two_key_department):
    dept, (first, second) = two_key_department
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", dept, first)):
        directory.rotateSigner(dept, second, accounts[16], {"from": first})
    assert plain(directory.departmentOfSigner(second)) == plain(dept)


def test_a_signer_rotates_its_own_key_while_the_other_signer_keeps_its_own(directory, two_key_department):
    dept, (first, second) = two_key_department
    tx = directory.rotateSigner(dept, second, accounts[16], {"from": second})
    assert plain([tx.events["DepartmentSignerRemoved"].values(), tx.events["DepartmentSignerAdded"].values()]) == plain(
        [[dept, second], [dept, accounts[16]]]
    )
    assert directory.isActiveDepartment(first, Kind.COURT)
    assert directory.isActiveDepartment(accounts[16], Kind.COURT)
    assert not directory.isActiveDepartment(second, Kind.COURT)


def test_another_signer_of_the_department_is_replaced_by_proposal(directory, two_key_department, run_proposal):
    dept, (first, second) = two_key_department
    tx = run_proposal(directory, directory.rotateSigner.encode_input(dept, second, accounts[16]))
    assert plain([tx.events["DepartmentSignerRemoved"].values(), tx.events["DepartmentSignerAdded"].values()]) == plain(
        [[dept, second], [dept, accounts[16]]]
    )
    assert plain(directory.departmentOfSigner(second)) == "0x" + "00" * 32
    assert directory.isActiveDepartment(first, Kind.COURT)


def test_a_rotated_out_key_cannot_rotate_again(directory, bank, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    directory.rotateSigner(bank_id, bank, fresh_signer, {"from": bank})
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, bank)):
        directory.rotateSigner(bank_id, bank, accounts[16], {"from": bank})
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, bank)):
        directory.rotateSigner(bank_id, fresh_signer, accounts[16], {"from": bank})


def test_suspended_department_cannot_rotate_its_key(directory, city_admins, bank, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    directory.suspendDepartment(bank_id, b"\x01" * 32, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, bank)):
        directory.rotateSigner(bank_id, bank, fresh_signer, {"from": bank})


def test_rotation_checks_old_and_new_signers(directory, bank, bank2, fresh_signer, run_proposal):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    with brownie.reverts(typed_error("CityDirectoryNotSigner", bank_id, fresh_signer)):
        run_proposal(directory, directory.rotateSigner.encode_input(bank_id, fresh_signer, accounts[15]))
    with brownie.reverts(typed_error("CityDirectorySignerInUse", bank2, department_id(DEPARTMENTS["bank2"][0]))):
        directory.rotateSigner(bank_id, bank, bank2, {"from": bank})
    with brownie.reverts(typed_error("CityDirectoryInvalidSigner", bank_id, "0x" + "00" * 20)):
        directory.rotateSigner(bank_id, bank, "0x" + "00" * 20, {"from": bank})
    with brownie.reverts(typed_error("CityDirectoryUnknownDepartment", NEW_DEPARTMENT)):
        directory.rotateSigner(NEW_DEPARTMENT, bank, fresh_signer, {"from": bank})


# ---- emergency pause and the registries ------------------------------------------------


def test_pause_stops_every_department_until_a_proposal_unpauses(directory, city_admins, court, gated, run_proposal):
    tx = directory.pause({"from": city_admins[2]})
    assert plain(tx.events["Paused"].values()) == plain([city_admins[2]])
    assert not directory.isActiveDepartment(court, Kind.COURT)
    with brownie.reverts(typed_error("DepartmentUnauthorized", court, kind_mask(Kind.COURT))):
        gated.writeAsCourt({"from": court})
    with brownie.reverts(typed_error("EnforcedPause")):
        directory.pause({"from": city_admins[0]})
    tx = run_proposal(directory, directory.unpause.encode_input())
    assert plain(tx.events["Unpaused"].values()) == plain([directory])
    assert gated.writeAsCourt({"from": court}).events["Written"]


def test_unpausing_a_running_city_reverts(directory, city_admins, run_proposal):
    with brownie.reverts(typed_error("ExpectedPause")):
        run_proposal(directory, directory.unpause.encode_input())


def test_paused_department_cannot_rotate_its_key(directory, city_admins, bank, fresh_signer):
    directory.pause({"from": city_admins[0]})
    bank_id = department_id(DEPARTMENTS["bank"][0])
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, bank)):
        directory.rotateSigner(bank_id, bank, fresh_signer, {"from": bank})


def test_suspension_takes_effect_in_registries_at_once(directory, city_admins, court, gated):
    assert gated.writeAsCourt({"from": court}).events["Written"]
    court_id = department_id(DEPARTMENTS["court"][0])
    directory.suspendDepartment(court_id, b"\x02" * 32, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DepartmentUnauthorized", court, kind_mask(Kind.COURT))):
        gated.writeAsCourt({"from": court})


def test_gated_write_accepts_any_allowed_kind(directory, gated, provident_fund, bank):
    fund_id = department_id(DEPARTMENTS["provident_fund"][0])
    tx = gated.writeAsLender({"from": provident_fund})
    assert plain(tx.events["Written"].values()) == plain([fund_id, Kind.HOUSING_PROVIDENT_FUND])
    assert gated.directory() == directory


def test_gated_write_rejects_other_kinds(gated, court, stranger):
    mask = kind_mask(Kind.BANK, Kind.HOUSING_PROVIDENT_FUND)
    for account in (court, stranger):
        with brownie.reverts(typed_error("DepartmentUnauthorized", account, mask)):
            gated.writeAsLender({"from": account})


def test_rotating_a_key_to_itself_changes_nothing(directory, bank):
    dept = department_id(DEPARTMENTS["bank"][0])
    tx = directory.rotateSigner(dept, bank, bank, {"from": bank})
    assert len(tx.events) == 0
    assert plain(directory.activeDepartmentOf(bank)) == plain([dept, Kind.BANK])


# ---- approvals and administrators' tenures -----------------------------------------------


def test_approval_of_a_removed_and_re_added_admin_does_not_count(directory, city_admins, fresh_signer, run_proposal):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[2]}).return_value
    run_proposal(directory, directory.revokeRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    run_proposal(directory, directory.grantRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    assert directory.hasRole(CITY_ADMIN_ROLE, city_admins[2])
    assert directory.approvalCount(proposal_id) == 0
    assert not directory.hasApproved(proposal_id, city_admins[2])
    directory.approve(proposal_id, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryNotEnoughApprovals", proposal_id, 1, 2)):
        directory.execute(proposal_id, directory, data, {"from": city_admins[0]})


def test_a_re_added_admin_approves_again_in_the_new_tenure(directory, city_admins, fresh_signer, run_proposal):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[2]}).return_value
    run_proposal(directory, directory.revokeRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    run_proposal(directory, directory.grantRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    tx = directory.approve(proposal_id, {"from": city_admins[2]})
    assert plain(tx.events["ProposalApproved"].values()) == plain([proposal_id, city_admins[2], 1])
    assert directory.hasApproved(proposal_id, city_admins[2])
    with brownie.reverts(typed_error("CityDirectoryProposalAlreadyApproved", proposal_id, city_admins[2])):
        directory.approve(proposal_id, {"from": city_admins[2]})
    directory.approve(proposal_id, {"from": city_admins[1]})
    tx = directory.execute(proposal_id, directory, data, {"from": city_admins[1]})
    assert plain(tx.events["ProposalExecuted"].values()) == plain([proposal_id, city_admins[1]])


def test_an_admin_who_renounced_and_was_re_added_starts_a_new_tenure(directory, city_admins, fresh_signer, run_proposal):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(directory, data, {"from": city_admins[2]}).return_value
    directory.renounceRole(CITY_ADMIN_ROLE, city_admins[2], {"from": city_admins[2]})
    run_proposal(directory, directory.grantRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]))
    assert not directory.hasApproved(proposal_id, city_admins[2])
    assert directory.approvalCount(proposal_id) == 0


# ---- proposals to city contracts -------------------------------------------------------------


@pytest.fixture
def listed(directory, gated, run_proposal):
    """The gated mock on the directory's allow-list."""
    run_proposal(directory, directory.setCityContracts.encode_input([gated], True))
    return gated


def test_allow_listing_a_city_contract_emits_once_per_change(directory, gated, city_admins, run_proposal):
    other = DepartmentGatedMock.deploy(directory, {"from": city_admins[0]})
    assert not directory.isCityContract(gated)
    tx = run_proposal(directory, directory.setCityContracts.encode_input([gated], True))
    assert plain(tx.events["CityContractSet"].values()) == plain([gated, True])
    assert directory.isCityContract(gated)
    tx = run_proposal(directory, directory.setCityContracts.encode_input([gated, other], True))
    assert plain([e.values() for e in tx.events["CityContractSet"]]) == plain([[other, True]])
    tx = run_proposal(directory, directory.setCityContracts.encode_input([gated, other], True))
    assert "CityContractSet" not in tx.events
    tx = run_proposal(directory, directory.setCityContracts.encode_input([other, gated], False))
    assert plain([e.values() for e in tx.events["CityContractSet"]]) == plain([[other, False], [gated, False]])
    assert not directory.isCityContract(gated) and not directory.isCityContract(other)


@pytest.mark.parametrize("target", ["directory", "account", "zero"])
def test_only_other_contracts_can_be_allow_listed(directory, stranger, run_proposal, target):
    address = {"directory": directory.address, "account": stranger.address, "zero": ZERO_ADDRESS}[target]
    with brownie.reverts(typed_error("CityDirectoryInvalidCityContract", address)):
        run_proposal(directory, directory.setCityContracts.encode_input([address], True))


def test_removing_a_contract_that_is_not_listed_changes_nothing(directory, stranger, run_proposal):
    tx = run_proposal(directory, directory.setCityContracts.encode_input([stranger], False))
    assert "CityContractSet" not in tx.events


def test_an_admin_alone_cannot_allow_list_a_contract(directory, gated, city_admins):
    with brownie.reverts(typed_error("CityDirectoryOnlyByProposal", city_admins[0])):
        directory.setCityContracts([gated], True, {"from": city_admins[0]})


def test_a_proposal_to_a_contract_not_allow_listed_is_refused(directory, gated, city_admins):
    with brownie.reverts(typed_error("CityDirectoryTargetNotAllowed", gated)):
        directory.propose(gated, gated.setSetting.encode_input(7), {"from": city_admins[0]})


def test_a_proposal_calls_an_allow_listed_contract_as_the_directory(directory, listed, city_admins):
    data = listed.setSetting.encode_input(7)
    tx = directory.propose(listed, data, {"from": city_admins[0]})
    proposal_id = tx.return_value
    assert plain(tx.events["ProposalCreated"].values()) == plain([proposal_id, city_admins[0], listed, data, tx.timestamp + WEEK])
    assert plain(directory.getProposal(proposal_id)) == plain(
        (call_hash(listed, data), listed, tx.timestamp + WEEK, ProposalState.PENDING)
    )
    directory.approve(proposal_id, {"from": city_admins[1]})
    tx = directory.execute(proposal_id, listed, data, {"from": city_admins[2]})
    assert plain(tx.events["ProposalExecuted"].values()) == plain([proposal_id, city_admins[2]])
    assert plain(tx.events["SettingChanged"].values()) == [7]


def test_an_admin_alone_cannot_change_a_city_setting(listed, city_admins):
    with brownie.reverts(typed_error("DepartmentGatedOnlyByProposal", city_admins[0])):
        listed.setSetting(7, {"from": city_admins[0]})


def test_execute_needs_the_proposed_target(directory, listed, city_admins):
    data = directory.pause.encode_input()
    proposal_id = directory.propose(directory, data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    with brownie.reverts(typed_error("CityDirectoryProposalDataMismatch", proposal_id)):
        directory.execute(proposal_id, listed, data, {"from": city_admins[0]})


def test_a_contract_removed_from_the_allow_list_cannot_be_called_by_a_pending_proposal(
    directory, listed, city_admins, run_proposal
):
    data = listed.setSetting.encode_input(7)
    proposal_id = directory.propose(listed, data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    run_proposal(directory, directory.setCityContracts.encode_input([listed], False))
    with brownie.reverts(typed_error("CityDirectoryTargetNotAllowed", listed)):
        directory.execute(proposal_id, listed, data, {"from": city_admins[0]})
    assert proposal_state(directory, proposal_id) == ProposalState.PENDING


def test_a_city_contracts_typed_error_reaches_the_executor_unchanged(directory, listed, run_proposal):
    with brownie.reverts(typed_error("DepartmentGatedMockInvalidSetting", 0)):
        run_proposal(listed, listed.setSetting.encode_input(0))

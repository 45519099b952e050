"""CityDirectory: proposals, departments, suspension, key rotation and the emergency pause."""

import brownie
import pytest
from brownie import CityDirectory, DepartmentGatedMock, accounts, chain, web3

from conftest import DEPARTMENTS, Kind, Status, department_id, kind_mask, plain, run_proposal, typed_error

CITY_ADMIN_ROLE = web3.keccak(text="CITY_ADMIN_ROLE")
DEFAULT_ADMIN_ROLE = b"\x00" * 32
NEW_DEPARTMENT = department_id("LD-NEW")
NAME = web3.keccak(text="Loudi New Department")
WEEK = 7 * 24 * 3600


@pytest.fixture(scope="module")
def fresh_signer():
    return accounts[14]


@pytest.fixture(scope="module")
def gated(directory, city_admins):
    return DepartmentGatedMock.deploy(directory, {"from": city_admins[0]})


def register_calldata(directory, signer, dept=NEW_DEPARTMENT, kind=Kind.BANK, name=NAME):
    return directory.registerDepartment.encode_input(dept, kind, name, [signer])


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
    tx = directory.propose(data, {"from": city_admins[0]})
    proposal_id = tx.return_value
    assert proposal_id == count_before + 1
    created = tx.events["ProposalCreated"]
    assert created["proposalId"] == proposal_id
    assert created["proposer"] == city_admins[0]
    assert created["data"] == data
    assert created["expiresAt"] == tx.timestamp + WEEK
    assert plain(tx.events["ProposalApproved"].values()) == plain([proposal_id, city_admins[0], 1])
    assert directory.approvalCount(proposal_id) == 1
    assert directory.hasApproved(proposal_id, city_admins[0])
    assert plain(directory.getProposal(proposal_id)) == plain((web3.keccak(hexstr=data), tx.timestamp + WEEK, 1))


def test_one_approval_is_not_enough_to_execute(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(data, {"from": city_admins[0]}).return_value
    with brownie.reverts(typed_error("CityDirectoryNotEnoughApprovals", proposal_id, 1, 2)):
        directory.execute(proposal_id, data, {"from": city_admins[0]})


def test_k_of_n_approvals_register_a_department(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(data, {"from": city_admins[0]}).return_value
    tx = directory.approve(proposal_id, {"from": city_admins[2]})
    assert plain(tx.events["ProposalApproved"].values()) == plain([proposal_id, city_admins[2], 2])
    tx = directory.execute(proposal_id, data, {"from": city_admins[1]})
    assert plain(tx.events["ProposalExecuted"].values()) == plain([proposal_id, city_admins[1]])
    assert plain(tx.events["DepartmentRegistered"].values()) == plain([NEW_DEPARTMENT, Kind.BANK, NAME])
    assert plain(tx.events["DepartmentSignerAdded"].values()) == plain([NEW_DEPARTMENT, fresh_signer])
    record = directory.getDepartment(NEW_DEPARTMENT)
    assert plain(record) == plain((Kind.BANK, Status.ACTIVE, tx.timestamp, tx.timestamp, NAME))
    assert directory.isActiveDepartment(fresh_signer, Kind.BANK)
    assert plain(directory.activeDepartmentOf(fresh_signer)) == plain((NEW_DEPARTMENT, Kind.BANK))
    assert plain(directory.departmentOfSigner(fresh_signer)) == plain(NEW_DEPARTMENT)
    assert directory.getProposal(proposal_id)[2] == 2  # Executed


def test_executed_proposal_cannot_run_twice(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    tx = run_proposal(directory, data, city_admins)
    proposal_id = tx.events["ProposalExecuted"]["proposalId"]
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.execute(proposal_id, data, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.approve(proposal_id, {"from": city_admins[2]})


def test_execute_needs_the_proposed_data(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    other = register_calldata(directory, city_admins[0])
    with brownie.reverts(typed_error("CityDirectoryProposalDataMismatch", proposal_id)):
        directory.execute(proposal_id, other, {"from": city_admins[0]})


def test_an_admin_cannot_approve_twice(directory, city_admins, fresh_signer):
    proposal_id = directory.propose(register_calldata(directory, fresh_signer), {"from": city_admins[0]}).return_value
    with brownie.reverts(typed_error("CityDirectoryProposalAlreadyApproved", proposal_id, city_admins[0])):
        directory.approve(proposal_id, {"from": city_admins[0]})


@pytest.mark.parametrize("proposal_id", [0, 999])
def test_unknown_proposals_are_rejected(directory, city_admins, proposal_id):
    with brownie.reverts(typed_error("CityDirectoryUnknownProposal", proposal_id)):
        directory.approve(proposal_id, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryUnknownProposal", proposal_id)):
        directory.execute(proposal_id, "0x", {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryUnknownProposal", proposal_id)):
        directory.cancel(proposal_id, {"from": city_admins[0]})


def test_proposal_expires_after_a_week(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    tx = directory.propose(data, {"from": city_admins[0]})
    proposal_id, expires_at = tx.return_value, tx.timestamp + WEEK
    chain.sleep(WEEK + 1)
    chain.mine()
    with brownie.reverts(typed_error("CityDirectoryProposalExpired", proposal_id, expires_at)):
        directory.approve(proposal_id, {"from": city_admins[1]})
    with brownie.reverts(typed_error("CityDirectoryProposalExpired", proposal_id, expires_at)):
        directory.execute(proposal_id, data, {"from": city_admins[0]})


def test_cancelled_proposal_cannot_be_executed(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    tx = directory.cancel(proposal_id, {"from": city_admins[2]})
    assert plain(tx.events["ProposalCancelled"].values()) == plain([proposal_id, city_admins[2]])
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.execute(proposal_id, data, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryProposalNotPending", proposal_id)):
        directory.cancel(proposal_id, {"from": city_admins[0]})


def test_failing_proposed_call_reverts_with_its_own_error(directory, city_admins):
    code, _, index = DEPARTMENTS["bank"]
    data = directory.registerDepartment.encode_input(NEW_DEPARTMENT, Kind.BANK, NAME, [accounts[index]])
    proposal_id = directory.propose(data, {"from": city_admins[0]}).return_value
    directory.approve(proposal_id, {"from": city_admins[1]})
    with brownie.reverts(typed_error("CityDirectorySignerInUse", accounts[index], department_id(code))):
        directory.execute(proposal_id, data, {"from": city_admins[0]})
    assert directory.getProposal(proposal_id)[2] == 1  # still Pending: the whole execution reverted


def test_approval_of_a_removed_admin_no_longer_counts(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer)
    proposal_id = directory.propose(data, {"from": city_admins[2]}).return_value
    run_proposal(directory, directory.revokeRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]), city_admins)
    assert directory.approvalCount(proposal_id) == 0
    assert directory.hasApproved(proposal_id, city_admins[2])
    with brownie.reverts(typed_error("CityDirectoryNotEnoughApprovals", proposal_id, 0, 2)):
        directory.execute(proposal_id, data, {"from": city_admins[0]})


# ---- administrators and threshold -------------------------------------------------------


def test_proposal_adds_an_admin(directory, city_admins, fresh_signer):
    tx = run_proposal(directory, directory.grantRole.encode_input(CITY_ADMIN_ROLE, fresh_signer), city_admins)
    assert plain(tx.events["RoleGranted"].values()) == plain([CITY_ADMIN_ROLE, fresh_signer, directory])
    assert directory.hasRole(CITY_ADMIN_ROLE, fresh_signer)


def test_an_admin_alone_cannot_grant_admin(directory, city_admins, fresh_signer):
    with brownie.reverts(typed_error("AccessControlUnauthorizedAccount", city_admins[0], DEFAULT_ADMIN_ROLE)):
        directory.grantRole(CITY_ADMIN_ROLE, fresh_signer, {"from": city_admins[0]})


def test_nobody_can_receive_the_role_that_manages_admins(directory, city_admins, fresh_signer):
    data = directory.grantRole.encode_input(DEFAULT_ADMIN_ROLE, fresh_signer)
    with brownie.reverts(typed_error("CityDirectoryForbiddenRoleGrant", DEFAULT_ADMIN_ROLE, fresh_signer)):
        run_proposal(directory, data, city_admins)


def test_the_directory_cannot_give_up_the_role_that_manages_admins(directory, city_admins):
    data = directory.renounceRole.encode_input(DEFAULT_ADMIN_ROLE, directory)
    with brownie.reverts(typed_error("CityDirectoryForbiddenRoleGrant", DEFAULT_ADMIN_ROLE, directory)):
        run_proposal(directory, data, city_admins)


def test_removing_admins_below_threshold_is_refused(directory, city_admins):
    run_proposal(directory, directory.revokeRole.encode_input(CITY_ADMIN_ROLE, city_admins[2]), city_admins)
    with brownie.reverts(typed_error("CityDirectoryInvalidThreshold", 2, 1)):
        directory.renounceRole(CITY_ADMIN_ROLE, city_admins[1], {"from": city_admins[1]})


def test_admin_may_renounce_while_enough_remain(directory, city_admins):
    tx = directory.renounceRole(CITY_ADMIN_ROLE, city_admins[2], {"from": city_admins[2]})
    assert plain(tx.events["RoleRevoked"].values()) == plain([CITY_ADMIN_ROLE, city_admins[2], city_admins[2]])
    assert directory.getRoleMemberCount(CITY_ADMIN_ROLE) == 2


def test_threshold_changes_by_proposal(directory, city_admins):
    tx = run_proposal(directory, directory.changeThreshold.encode_input(3), city_admins)
    assert plain(tx.events["ThresholdChanged"].values()) == plain([2, 3])
    assert directory.threshold() == 3


@pytest.mark.parametrize("threshold", [0, 4])
def test_threshold_must_stay_between_one_and_admin_count(directory, city_admins, threshold):
    with brownie.reverts(typed_error("CityDirectoryInvalidThreshold", threshold, 3)):
        run_proposal(directory, directory.changeThreshold.encode_input(threshold), city_admins)


# ---- registering departments ----------------------------------------------------------


def test_registering_the_same_department_again_is_a_no_op(directory, city_admins):
    code, kind, index = DEPARTMENTS["court"]
    name = web3.keccak(text=f"name of {code}")
    data = directory.registerDepartment.encode_input(department_id(code), kind, name, [accounts[index]])
    tx = run_proposal(directory, data, city_admins)
    assert "DepartmentRegistered" not in tx.events
    assert "DepartmentSignerAdded" not in tx.events


@pytest.mark.parametrize("change", ["kind", "name", "signer"])
def test_registering_a_conflicting_department_reverts(directory, city_admins, fresh_signer, change):
    code, kind, index = DEPARTMENTS["court"]
    name = web3.keccak(text=f"name of {code}")
    signer = accounts[index]
    if change == "kind":
        kind = Kind.BANK
    elif change == "name":
        name = NAME
    else:
        signer = fresh_signer
    data = directory.registerDepartment.encode_input(department_id(code), kind, name, [signer])
    with brownie.reverts(typed_error("CityDirectoryDepartmentExists", department_id(code))):
        run_proposal(directory, data, city_admins)


def test_register_rejects_zero_id(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer, dept=b"\x00" * 32)
    with brownie.reverts(typed_error("CityDirectoryInvalidDepartment", b"\x00" * 32)):
        run_proposal(directory, data, city_admins)


def test_register_rejects_kind_none(directory, city_admins, fresh_signer):
    data = register_calldata(directory, fresh_signer, kind=Kind.NONE)
    with brownie.reverts(typed_error("CityDirectoryInvalidKind", NEW_DEPARTMENT)):
        run_proposal(directory, data, city_admins)


def test_register_rejects_no_signers_and_zero_signer(directory, city_admins):
    empty = directory.registerDepartment.encode_input(NEW_DEPARTMENT, Kind.BANK, NAME, [])
    with brownie.reverts(typed_error("CityDirectoryInvalidSigner", NEW_DEPARTMENT, "0x" + "00" * 20)):
        run_proposal(directory, empty, city_admins)
    zero = register_calldata(directory, "0x" + "00" * 20)
    with brownie.reverts(typed_error("CityDirectoryInvalidSigner", NEW_DEPARTMENT, "0x" + "00" * 20)):
        run_proposal(directory, zero, city_admins)


def test_a_department_may_have_several_signers(directory, city_admins):
    signers = [accounts[14], accounts[15]]
    tx = run_proposal(
        directory, directory.registerDepartment.encode_input(NEW_DEPARTMENT, Kind.COURT, NAME, signers), city_admins
    )
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


def test_reinstatement_needs_a_proposal_and_restores_powers(directory, city_admins, bank):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    directory.suspendDepartment(bank_id, b"\x01" * 32, {"from": city_admins[0]})
    tx = run_proposal(directory, directory.reinstateDepartment.encode_input(bank_id), city_admins)
    assert plain(tx.events["DepartmentReinstated"].values()) == plain([bank_id])
    assert directory.isActiveDepartment(bank, Kind.BANK)


def test_reinstating_an_active_department_is_a_no_op(directory, city_admins):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    tx = run_proposal(directory, directory.reinstateDepartment.encode_input(bank_id), city_admins)
    assert "DepartmentReinstated" not in tx.events


def test_reinstating_an_unknown_department_reverts(directory, city_admins):
    with brownie.reverts(typed_error("CityDirectoryUnknownDepartment", NEW_DEPARTMENT)):
        run_proposal(directory, directory.reinstateDepartment.encode_input(NEW_DEPARTMENT), city_admins)


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


def test_lost_key_is_rotated_by_proposal(directory, city_admins, bank, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    data = directory.rotateSigner.encode_input(bank_id, bank, fresh_signer)
    tx = run_proposal(directory, data, city_admins)
    assert plain(tx.events["DepartmentSignerAdded"].values()) == plain([bank_id, fresh_signer])
    assert plain(directory.departmentOfSigner(bank)) == "0x" + "00" * 32


def test_another_department_cannot_rotate_a_key(directory, bank, court, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, court)):
        directory.rotateSigner(bank_id, bank, fresh_signer, {"from": court})


def test_suspended_department_cannot_rotate_its_key(directory, city_admins, bank, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    directory.suspendDepartment(bank_id, b"\x01" * 32, {"from": city_admins[0]})
    with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", bank_id, bank)):
        directory.rotateSigner(bank_id, bank, fresh_signer, {"from": bank})


def test_rotation_checks_old_and_new_signers(directory, bank, bank2, fresh_signer):
    bank_id = department_id(DEPARTMENTS["bank"][0])
    with brownie.reverts(typed_error("CityDirectoryNotSigner", bank_id, fresh_signer)):
        directory.rotateSigner(bank_id, fresh_signer, accounts[15], {"from": bank})
    with brownie.reverts(typed_error("CityDirectorySignerInUse", bank2, department_id(DEPARTMENTS["bank2"][0]))):
        directory.rotateSigner(bank_id, bank, bank2, {"from": bank})
    with brownie.reverts(typed_error("CityDirectoryInvalidSigner", bank_id, "0x" + "00" * 20)):
        directory.rotateSigner(bank_id, bank, "0x" + "00" * 20, {"from": bank})
    with brownie.reverts(typed_error("CityDirectoryUnknownDepartment", NEW_DEPARTMENT)):
        directory.rotateSigner(NEW_DEPARTMENT, bank, fresh_signer, {"from": bank})


# ---- emergency pause and the registries ------------------------------------------------


def test_pause_stops_every_department_until_a_proposal_unpauses(directory, city_admins, court, gated):
    tx = directory.pause({"from": city_admins[2]})
    assert plain(tx.events["Paused"].values()) == plain([city_admins[2]])
    assert not directory.isActiveDepartment(court, Kind.COURT)
    with brownie.reverts(typed_error("DepartmentUnauthorized", court, kind_mask(Kind.COURT))):
        gated.writeAsCourt({"from": court})
    with brownie.reverts(typed_error("EnforcedPause")):
        directory.pause({"from": city_admins[0]})
    tx = run_proposal(directory, directory.unpause.encode_input(), city_admins)
    assert plain(tx.events["Unpaused"].values()) == plain([directory])
    assert gated.writeAsCourt({"from": court}).events["Written"]


def test_unpausing_a_running_city_reverts(directory, city_admins):
    with brownie.reverts(typed_error("ExpectedPause")):
        run_proposal(directory, directory.unpause.encode_input(), city_admins)


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

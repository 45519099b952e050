"""Stateful test of CityDirectory against a Python model.

Hypothesis drives proposals (register, reinstate, replace a key, unpause, add and remove
administrators), approvals, executions, cancellations, suspensions, key rotations by
departments (their own key, and attempts on another's), pauses and time travel. After every
step the chain must agree with the model on what the step touched (every account, department
and proposal at the first and last step): which account acts for which active department,
every department's status, every proposal's state, approval count and per-administrator
approvals. Invariants: an executed proposal had at least `threshold` approvals from
administrators in their current tenure (an approval from before a removal never counts,
even after a re-grant); a rotated-out key has no department.

Brownie 1.22's `state_machine` fixture is broken, so the machine runs through hypothesis
directly (tests/contracts/stateful.py); each example starts from the same chain snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import brownie
from brownie import accounts, chain, web3
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import DEPARTMENTS, Kind, Status, department_id, department_name, typed_error
from stateful import run_machine

ZERO32 = "0x" + "00" * 32
HOUR = 3_600
# Offset so that up to 40 accumulated sleeps never land within 87 s of a proposal's 7-day
# expiry (k * 87 mod 3600 stays 87 s or more away from 0 for k = 1..40).
SLEEP_OFFSET = 87
NEW_CODES = [f"LD-SM-{i}" for i in range(3)]
NEW_IDS = [department_id(code) for code in NEW_CODES]
CITY_ADMIN_ROLE = web3.keccak(text="CITY_ADMIN_ROLE")
THRESHOLD = 2
# ~20 runs x 40 steps (issue 12), within about two minutes on Ganache.
EXAMPLES, STEPS = 20, 40


@dataclass
class Department:
    kind: int
    status: int
    name: bytes


@dataclass
class Proposal:
    data: str
    effect: tuple
    expires_at: int
    approvals: dict = field(default_factory=dict)  # admin -> tenure the approval was given in
    state: str = "pending"
    executed_with: tuple | None = None  # (current-tenure approvals, threshold) at execution


class DirectoryMachine(RuleBasedStateMachine):
    directory = None
    admin_pool: list = []  # the three first administrators and one candidate
    signer_pool: list = []

    def __init__(self):
        super().__init__()
        chain.revert()
        self.departments: dict[bytes, Department] = {}
        self.signer_of: dict[str, bytes] = {}
        for code, kind, index in DEPARTMENTS.values():
            self.departments[department_id(code)] = Department(kind, Status.ACTIVE, web3.keccak(text=department_name(code)))
            self.signer_of[accounts[index].address] = department_id(code)
        self.admins = {a.address for a in self.admin_pool[:3]}
        self.tenure = {a: 1 for a in self.admins}
        self.paused = False
        self.proposals: dict[int, Proposal] = {}
        self.rotated_out: set[str] = set()
        self.proposals_before = self.directory.proposalCount()  # the fixture's registrations
        self.step = 0
        self._touch_all()

    # ---- what the last step touched: the invariants read only that ---------------------

    def _touch_all(self):
        self.touched_accounts = {a.address for a in self._all_accounts()}
        self.touched_departments = set(self._known_ids())
        self.touched_proposals = set(self.proposals)

    def _begin(self):
        self.step += 1
        self.touched_accounts, self.touched_departments, self.touched_proposals = set(), set(), set()
        if self.step == STEPS:  # the whole state once more at the end of the run
            self._touch_all()

    def _all_accounts(self):
        return [accounts[i] for _, _, i in DEPARTMENTS.values()] + self.signer_pool

    # ---- helpers ------------------------------------------------------------------------

    def _known_ids(self):
        return list(self.departments) + [i for i in NEW_IDS if i not in self.departments]

    def _open(self, proposal_id: int) -> bool:
        proposal = self.proposals[proposal_id]
        return proposal.state == "pending" and chain.time() < proposal.expires_at

    def _has_approved(self, proposal: Proposal, admin: str) -> bool:
        tenure = proposal.approvals.get(admin, 0)
        return tenure != 0 and tenure == self.tenure.get(admin, 0)

    def _approvals(self, proposal: Proposal) -> int:
        """Approvals of current administrators given in their current tenure."""
        return sum(1 for admin in self.admins if self._has_approved(proposal, admin))

    def _not_admin(self, account):
        return typed_error("AccessControlUnauthorizedAccount", account, CITY_ADMIN_ROLE)

    def _actor(self, admin: int, among: list[str] | None = None):
        """Who acts: for 0 to 2 one of the current administrators (of `among`, when given and
        not empty), so that most steps move the city on; for 3 the candidate, an
        administrator or not, so that the refusals are exercised too."""
        candidates = sorted(among) if among else sorted(self.admins)
        if admin == 3:
            return self.admin_pool[3]
        address = candidates[admin % len(candidates)]
        return next(a for a in self.admin_pool if a.address == address)

    def _propose(self, admin_index: int, data: str, effect: tuple) -> None:
        admin = self._actor(admin_index)
        if admin.address not in self.admins:
            with brownie.reverts(self._not_admin(admin)):
                self.directory.propose(self.directory, data, {"from": admin})
            return
        tx = self.directory.propose(self.directory, data, {"from": admin})
        created = tx.events["ProposalCreated"]
        proposal = Proposal(data, effect, created["expiresAt"], {admin.address: self.tenure[admin.address]})
        self.proposals[tx.return_value] = proposal
        self.touched_proposals.add(tx.return_value)

    def _effect_error(self, effect: tuple) -> bool:
        """Whether the proposed call would revert now."""
        action = effect[0]
        if action == "register":
            _, dept, kind, name, signer = effect
            if dept in self.departments:
                record = self.departments[dept]
                return not (record.kind == kind and record.name == name and self.signer_of.get(signer) == dept)
            return signer in self.signer_of
        if action == "reinstate":
            return effect[1] not in self.departments
        if action == "rotate":
            _, dept, old, new = effect
            if dept not in self.departments or self.signer_of.get(old) != dept:
                return True
            return new != old and new in self.signer_of
        if action == "unpause":
            return not self.paused
        if action == "grant":
            return False
        if action == "revoke":
            return effect[1] in self.admins and len(self.admins) - 1 < THRESHOLD
        raise AssertionError(action)

    def _rotate(self, dept: bytes, old: str, new: str) -> None:
        if old == new:
            return
        del self.signer_of[old]
        self.signer_of[new] = dept
        self.rotated_out.add(old)
        self.rotated_out.discard(new)
        self.touched_accounts |= {old, new}
        self.touched_departments.add(dept)

    def _apply(self, effect: tuple) -> None:
        action = effect[0]
        if action == "register":
            _, dept, kind, name, signer = effect
            if dept not in self.departments:
                self.departments[dept] = Department(kind, Status.ACTIVE, name)
                self.signer_of[signer] = dept
                self.rotated_out.discard(signer)
                self.touched_accounts.add(signer)
                self.touched_departments.add(dept)
        elif action == "reinstate":
            self.departments[effect[1]].status = Status.ACTIVE
            self.touched_departments.add(effect[1])
            self.touched_accounts |= {a for a, d in self.signer_of.items() if d == effect[1]}
        elif action == "rotate":
            self._rotate(*effect[1:])
        elif action == "unpause":
            self.paused = False
            self.touched_accounts = {a.address for a in self._all_accounts()}
        elif action in ("grant", "revoke"):
            admin = effect[1]
            if action == "grant" and admin not in self.admins:
                self.admins.add(admin)
                self.tenure[admin] = self.tenure.get(admin, 0) + 1
            elif action == "revoke" and admin in self.admins:
                self.admins.remove(admin)
            self.touched_proposals = set(self.proposals)  # every approval count may change

    # ---- rules --------------------------------------------------------------------------

    @rule(admin=st.integers(0, 3), dept=st.integers(0, 2), kind=st.integers(1, 9), signer=st.integers(0, 4))
    def propose_registration(self, admin, dept, kind, signer):
        self._begin()
        code, signer_account = NEW_CODES[dept], self.signer_pool[signer]
        name = f"SM name {dept}"
        data = self.directory.registerDepartment.encode_input(code, kind, name, [signer_account])
        effect = ("register", NEW_IDS[dept], kind, web3.keccak(text=name), signer_account.address)
        self._propose(admin, data, effect)

    @rule(admin=st.integers(0, 3), dept=st.integers(0, 20))
    def propose_reinstatement(self, admin, dept):
        self._begin()
        dept_id = self._known_ids()[dept % len(self._known_ids())]
        data = self.directory.reinstateDepartment.encode_input(dept_id)
        self._propose(admin, data, ("reinstate", dept_id))

    @rule(admin=st.integers(0, 3), old=st.integers(0, 30), new=st.integers(0, 4))
    def propose_key_replacement(self, admin, old, new):
        self._begin()
        signers = sorted(self.signer_of)
        old_signer = signers[old % len(signers)]
        dept_id = self.signer_of[old_signer]
        new_signer = self.signer_pool[new].address
        data = self.directory.rotateSigner.encode_input(dept_id, old_signer, new_signer)
        self._propose(admin, data, ("rotate", dept_id, old_signer, new_signer))

    @rule(admin=st.integers(0, 3))
    def propose_unpause(self, admin):
        self._begin()
        self._propose(admin, self.directory.unpause.encode_input(), ("unpause",))

    @rule(admin=st.integers(0, 3), who=st.integers(0, 3), grant=st.integers(0, 1))
    def propose_admin_change(self, admin, who, grant):
        self._begin()
        account = self.admin_pool[who]
        function = self.directory.grantRole if grant else self.directory.revokeRole
        data = function.encode_input(CITY_ADMIN_ROLE, account)
        self._propose(admin, data, ("grant" if grant else "revoke", account.address))

    def _pick(self, pick: int, preferred: list[int]) -> int | None:
        """A proposal id: from `preferred` when any (so approvals and executions happen
        often), else any proposal (to exercise the revert paths)."""
        pool = preferred or sorted(self.proposals)
        return pool[pick % len(pool)] if pool else None

    @rule(admin=st.integers(0, 3), pick=st.integers(0, 50))
    def approve(self, admin, pick):
        self._begin()
        approvable = [i for i, p in self.proposals.items() if self._open(i) and self._approvals(p) < len(self.admins)]
        # Those one approval short of a call that would succeed first, so that proposals
        # reach the threshold and run.
        short = [i for i in approvable if self._approvals(self.proposals[i]) == THRESHOLD - 1]
        useful = [i for i in short if not self._effect_error(self.proposals[i].effect)]
        proposal_id = self._pick(pick, useful or short or approvable)
        if proposal_id is None:
            return
        proposal = self.proposals[proposal_id]
        account = self._actor(admin, [a for a in self.admins if not self._has_approved(proposal, a)])
        self.touched_proposals.add(proposal_id)
        if account.address not in self.admins:
            with brownie.reverts(self._not_admin(account)):
                self.directory.approve(proposal_id, {"from": account})
        elif self._open(proposal_id) and not self._has_approved(proposal, account.address):
            self.directory.approve(proposal_id, {"from": account})
            proposal.approvals[account.address] = self.tenure[account.address]
        else:
            with brownie.reverts():
                self.directory.approve(proposal_id, {"from": account})

    @rule(admin=st.integers(0, 3), pick=st.integers(0, 50))
    def execute(self, admin, pick):
        self._begin()
        ready = [i for i, p in self.proposals.items() if self._open(i) and self._approvals(p) >= THRESHOLD]
        useful = [i for i in ready if not self._effect_error(self.proposals[i].effect)]
        proposal_id = self._pick(pick, useful or ready)
        if proposal_id is None:
            return
        proposal = self.proposals[proposal_id]
        account = self._actor(admin)
        self.touched_proposals.add(proposal_id)
        approvals = self._approvals(proposal)
        if account.address not in self.admins:
            with brownie.reverts(self._not_admin(account)):
                self.directory.execute(proposal_id, self.directory, proposal.data, {"from": account})
            return
        ok = self._open(proposal_id) and approvals >= THRESHOLD and not self._effect_error(proposal.effect)
        if ok:
            assert self.directory.approvalCount(proposal_id) == approvals
            self.directory.execute(proposal_id, self.directory, proposal.data, {"from": account})
            proposal.state = "executed"
            proposal.executed_with = (approvals, THRESHOLD)
            self._apply(proposal.effect)
        elif self._open(proposal_id) and approvals < THRESHOLD:
            with brownie.reverts(typed_error("CityDirectoryNotEnoughApprovals", proposal_id, approvals, THRESHOLD)):
                self.directory.execute(proposal_id, self.directory, proposal.data, {"from": account})
        else:
            with brownie.reverts():
                self.directory.execute(proposal_id, self.directory, proposal.data, {"from": account})

    # Rules are drawn uniformly: a second entry each for approving and executing, so that about
    # one step in four moves a proposal on (five of the rules make new ones).
    @rule(admin=st.integers(0, 3), pick=st.integers(0, 50))
    def approve_another(self, admin, pick):
        self.approve(admin, pick)

    @rule(admin=st.integers(0, 3), pick=st.integers(0, 50))
    def execute_another(self, admin, pick):
        self.execute(admin, pick)

    @rule(admin=st.integers(0, 3), pick=st.integers(0, 50))
    def cancel(self, admin, pick):
        self._begin()
        if not self.proposals:
            return
        proposal_id = sorted(self.proposals)[pick % len(self.proposals)]
        proposal = self.proposals[proposal_id]
        account = self._actor(admin)
        self.touched_proposals.add(proposal_id)
        if account.address in self.admins and proposal.state == "pending":
            self.directory.cancel(proposal_id, {"from": account})
            proposal.state = "cancelled"
        else:
            with brownie.reverts():
                self.directory.cancel(proposal_id, {"from": account})

    @rule(admin=st.integers(0, 3), dept=st.integers(0, 20))
    def suspend(self, admin, dept):
        self._begin()
        dept_id = self._known_ids()[dept % len(self._known_ids())]
        account = self._actor(admin)
        if account.address in self.admins and dept_id in self.departments:
            self.directory.suspendDepartment(dept_id, b"\x01" * 32, {"from": account})
            self.departments[dept_id].status = Status.SUSPENDED
            self.touched_departments.add(dept_id)
            self.touched_accounts |= {a for a, d in self.signer_of.items() if d == dept_id}
        else:
            with brownie.reverts():
                self.directory.suspendDepartment(dept_id, b"\x01" * 32, {"from": account})

    @rule(old=st.integers(0, 30), new=st.integers(0, 4))
    def department_rotates_own_key(self, old, new):
        self._begin()
        signers = sorted(self.signer_of)
        old_signer = signers[old % len(signers)]
        dept_id = self.signer_of[old_signer]
        new_signer = self.signer_pool[new].address
        active = self.departments[dept_id].status == Status.ACTIVE and not self.paused
        if active and new_signer == old_signer:  # rotating to the same key changes nothing
            tx = self.directory.rotateSigner(dept_id, old_signer, new_signer, {"from": old_signer})
            assert len(tx.events) == 0
        elif active and new_signer not in self.signer_of:
            self.directory.rotateSigner(dept_id, old_signer, new_signer, {"from": old_signer})
            self._rotate(dept_id, old_signer, new_signer)
        elif not active:
            with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", dept_id, old_signer)):
                self.directory.rotateSigner(dept_id, old_signer, new_signer, {"from": old_signer})
        else:
            with brownie.reverts():
                self.directory.rotateSigner(dept_id, old_signer, new_signer, {"from": old_signer})

    @rule(caller=st.integers(0, 30), old=st.integers(0, 30), new=st.integers(0, 4))
    def signer_tries_to_rotate_another_key(self, caller, old, new):
        """Any signer, of the same department or another, and any rotated-out key."""
        self._begin()
        signers = sorted(self.signer_of)
        old_signer = signers[old % len(signers)]
        callers = sorted((set(self.signer_of) | self.rotated_out) - {old_signer})
        caller_key = callers[caller % len(callers)]
        dept_id = self.signer_of[old_signer]
        with brownie.reverts(typed_error("CityDirectoryUnauthorizedSigner", dept_id, caller_key)):
            self.directory.rotateSigner(dept_id, old_signer, self.signer_pool[new], {"from": caller_key})

    @rule(admin=st.integers(0, 3))
    def pause(self, admin):
        self._begin()
        account = self._actor(admin)
        if self.paused or account.address not in self.admins:
            with brownie.reverts():
                self.directory.pause({"from": account})
        else:
            self.directory.pause({"from": account})
            self.paused = True
            self.touched_accounts = {a.address for a in self._all_accounts()}

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours):
        """Hours to three days: some proposals expire within a run, most live to be executed."""
        self._begin()
        chain.sleep(hours * HOUR + SLEEP_OFFSET)
        chain.mine()

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def signers_act_for_exactly_their_active_department(self):
        for address in sorted(self.touched_accounts):
            dept = self.signer_of.get(address)
            active = dept is not None and not self.paused and self.departments[dept].status == Status.ACTIVE
            dept_id, kind = self.directory.activeDepartmentOf(address)
            if active:
                assert (str(dept_id).lower(), int(kind)) == ("0x" + dept.hex(), self.departments[dept].kind)
            else:
                assert (str(dept_id).lower(), int(kind)) == (ZERO32, Kind.NONE)
            stored = self.directory.departmentOfSigner(address)
            assert str(stored).lower() == ("0x" + dept.hex() if dept else ZERO32)

    @invariant()
    def a_rotated_out_key_has_no_department(self):
        for address in sorted(self.rotated_out):
            assert address not in self.signer_of
            if address in self.touched_accounts:  # read from the chain above; here the model's word
                continue
            assert str(self.directory.departmentOfSigner(address)).lower() == ZERO32

    @invariant()
    def departments_match_the_model(self):
        for dept_id in sorted(self.touched_departments):
            kind, status, _, _, name = self.directory.getDepartment(dept_id)
            record = self.departments.get(dept_id)
            if record is None:
                assert int(kind) == Kind.NONE
            else:
                assert (int(kind), int(status), str(name).lower()) == (record.kind, record.status, "0x" + record.name.hex())

    @invariant()
    def proposals_match_the_model(self):
        states = {"pending": 1, "executed": 2, "cancelled": 3}
        assert self.directory.proposalCount() == self.proposals_before + len(self.proposals)
        for proposal_id in sorted(self.touched_proposals):
            proposal = self.proposals[proposal_id]
            assert int(self.directory.getProposal(proposal_id)[3]) == states[proposal.state]
            assert self.directory.approvalCount(proposal_id) == self._approvals(proposal)
            for admin in self.admin_pool:
                assert self.directory.hasApproved(proposal_id, admin) == self._has_approved(proposal, admin.address)
        assert self.directory.paused() == self.paused

    @invariant()
    def an_executed_proposal_had_threshold_approvals_of_current_tenures(self):
        for proposal in self.proposals.values():
            if proposal.state == "executed":
                approvals, threshold = proposal.executed_with
                assert approvals >= threshold

    @invariant()
    def administrators_match_the_model(self):
        if self.touched_proposals == set(self.proposals):  # after an admin change or at the ends
            for admin in self.admin_pool:
                assert self.directory.hasRole(CITY_ADMIN_ROLE, admin) == (admin.address in self.admins)


def test_directory_state_machine(directory, city_admins):
    DirectoryMachine.directory = directory
    DirectoryMachine.admin_pool = [*city_admins, accounts[19]]
    DirectoryMachine.signer_pool = [accounts[i] for i in range(14, 19)]
    chain.snapshot()
    run_machine(DirectoryMachine, examples=EXAMPLES, steps=STEPS)

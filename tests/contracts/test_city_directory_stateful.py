"""Stateful test of CityDirectory against a Python model.

Hypothesis drives proposals (register, reinstate, rotate a lost key, unpause), approvals,
executions, cancellations, suspensions, key rotations by departments, pauses and time
travel. After every step the chain must agree with the model: which account acts for which
active department, every department's status, every proposal's state and approval count.

Brownie 1.22's `state_machine` fixture is broken, so the machine runs through hypothesis
directly (tests/contracts/stateful.py); each example starts from the same chain snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import brownie
from brownie import accounts, chain, web3
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import DEPARTMENTS, Kind, Status, department_id
from stateful import run_machine

ZERO32 = "0x" + "00" * 32
DAY = 86_400
# Odd offset so accumulated sleeps never land within seconds of a proposal's 7-day expiry.
SLEEP_OFFSET = 3_601
NEW_IDS = [department_id(f"LD-SM-{i}") for i in range(3)]


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
    approvals: set = field(default_factory=set)
    state: str = "pending"


class DirectoryMachine(RuleBasedStateMachine):
    directory = None
    admins: list = []
    signer_pool: list = []

    def __init__(self):
        super().__init__()
        chain.revert()
        self.departments: dict[bytes, Department] = {}
        self.signer_of: dict[str, bytes] = {}
        for code, kind, index in DEPARTMENTS.values():
            self.departments[department_id(code)] = Department(kind, Status.ACTIVE, web3.keccak(text=f"name of {code}"))
            self.signer_of[accounts[index].address] = department_id(code)
        self.paused = False
        self.proposals: dict[int, Proposal] = {}
        self.proposals_before = self.directory.proposalCount()  # the fixture's registrations

    # ---- helpers ------------------------------------------------------------------------

    def _known_ids(self):
        return list(self.departments) + NEW_IDS

    def _open(self, proposal_id: int) -> bool:
        proposal = self.proposals[proposal_id]
        return proposal.state == "pending" and chain.time() < proposal.expires_at

    def _propose(self, admin, data: str, effect: tuple) -> None:
        tx = self.directory.propose(data, {"from": admin})
        created = tx.events["ProposalCreated"]
        self.proposals[tx.return_value] = Proposal(data, effect, created["expiresAt"], {admin.address})

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
            return dept not in self.departments or self.signer_of.get(old) != dept or new in self.signer_of
        if action == "unpause":
            return not self.paused
        raise AssertionError(action)

    def _apply(self, effect: tuple) -> None:
        action = effect[0]
        if action == "register":
            _, dept, kind, name, signer = effect
            if dept not in self.departments:
                self.departments[dept] = Department(kind, Status.ACTIVE, name)
                self.signer_of[signer] = dept
        elif action == "reinstate":
            self.departments[effect[1]].status = Status.ACTIVE
        elif action == "rotate":
            _, dept, old, new = effect
            del self.signer_of[old]
            self.signer_of[new] = dept
        elif action == "unpause":
            self.paused = False

    # ---- rules --------------------------------------------------------------------------

    @rule(admin=st.integers(0, 2), dept=st.integers(0, 2), kind=st.integers(1, 9), signer=st.integers(0, 4))
    def propose_registration(self, admin, dept, kind, signer):
        dept_id, signer_account = NEW_IDS[dept], self.signer_pool[signer]
        name = web3.keccak(text=f"name {dept}")
        data = self.directory.registerDepartment.encode_input(dept_id, kind, name, [signer_account])
        self._propose(self.admins[admin], data, ("register", dept_id, kind, name, signer_account.address))

    @rule(admin=st.integers(0, 2), dept=st.integers(0, 20))
    def propose_reinstatement(self, admin, dept):
        dept_id = self._known_ids()[dept % len(self._known_ids())]
        data = self.directory.reinstateDepartment.encode_input(dept_id)
        self._propose(self.admins[admin], data, ("reinstate", dept_id))

    @rule(admin=st.integers(0, 2), old=st.integers(0, 30), new=st.integers(0, 4))
    def propose_key_replacement(self, admin, old, new):
        signers = sorted(self.signer_of)
        old_signer = signers[old % len(signers)]
        dept_id = self.signer_of[old_signer]
        new_signer = self.signer_pool[new].address
        data = self.directory.rotateSigner.encode_input(dept_id, old_signer, new_signer)
        self._propose(self.admins[admin], data, ("rotate", dept_id, old_signer, new_signer))

    @rule(admin=st.integers(0, 2))
    def propose_unpause(self, admin):
        self._propose(self.admins[admin], self.directory.unpause.encode_input(), ("unpause",))

    def _pick(self, pick: int, preferred: list[int]) -> int | None:
        """A proposal id: from `preferred` when any (so approvals and executions happen
        often), else any proposal (to exercise the revert paths)."""
        pool = preferred or sorted(self.proposals)
        return pool[pick % len(pool)] if pool else None

    @rule(admin=st.integers(0, 2), pick=st.integers(0, 50))
    def approve(self, admin, pick):
        account = self.admins[admin]
        approvable = [i for i, p in self.proposals.items() if self._open(i) and account.address not in p.approvals]
        proposal_id = self._pick(pick, approvable)
        if proposal_id is None:
            return
        proposal = self.proposals[proposal_id]
        if self._open(proposal_id) and account.address not in proposal.approvals:
            self.directory.approve(proposal_id, {"from": account})
            proposal.approvals.add(account.address)
        else:
            with brownie.reverts():
                self.directory.approve(proposal_id, {"from": account})

    @rule(admin=st.integers(0, 2), pick=st.integers(0, 50))
    def execute(self, admin, pick):
        ready = [i for i, p in self.proposals.items() if self._open(i) and len(p.approvals) >= 2]
        proposal_id = self._pick(pick, ready)
        if proposal_id is None:
            return
        proposal = self.proposals[proposal_id]
        ok = self._open(proposal_id) and len(proposal.approvals) >= 2 and not self._effect_error(proposal.effect)
        if ok:
            self.directory.execute(proposal_id, proposal.data, {"from": self.admins[admin]})
            proposal.state = "executed"
            self._apply(proposal.effect)
        else:
            with brownie.reverts():
                self.directory.execute(proposal_id, proposal.data, {"from": self.admins[admin]})

    @rule(admin=st.integers(0, 2), pick=st.integers(0, 50))
    def cancel(self, admin, pick):
        if not self.proposals:
            return
        proposal_id = sorted(self.proposals)[pick % len(self.proposals)]
        proposal = self.proposals[proposal_id]
        if proposal.state == "pending":
            self.directory.cancel(proposal_id, {"from": self.admins[admin]})
            proposal.state = "cancelled"
        else:
            with brownie.reverts():
                self.directory.cancel(proposal_id, {"from": self.admins[admin]})

    @rule(admin=st.integers(0, 2), dept=st.integers(0, 20))
    def suspend(self, admin, dept):
        dept_id = self._known_ids()[dept % len(self._known_ids())]
        if dept_id in self.departments:
            self.directory.suspendDepartment(dept_id, b"\x01" * 32, {"from": self.admins[admin]})
            self.departments[dept_id].status = Status.SUSPENDED
        else:
            with brownie.reverts():
                self.directory.suspendDepartment(dept_id, b"\x01" * 32, {"from": self.admins[admin]})

    @rule(old=st.integers(0, 30), new=st.integers(0, 4))
    def department_rotates_own_key(self, old, new):
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
            del self.signer_of[old_signer]
            self.signer_of[new_signer] = dept_id
        else:
            with brownie.reverts():
                self.directory.rotateSigner(dept_id, old_signer, new_signer, {"from": old_signer})

    @rule(admin=st.integers(0, 2))
    def pause(self, admin):
        if self.paused:
            with brownie.reverts():
                self.directory.pause({"from": self.admins[admin]})
        else:
            self.directory.pause({"from": self.admins[admin]})
            self.paused = True

    @rule(days=st.integers(1, 4))
    def time_passes(self, days):
        chain.sleep(days * DAY + SLEEP_OFFSET)
        chain.mine()

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def signers_act_for_exactly_their_active_department(self):
        for account in [accounts[i] for _, _, i in DEPARTMENTS.values()] + self.signer_pool:
            dept = self.signer_of.get(account.address)
            active = dept is not None and not self.paused and self.departments[dept].status == Status.ACTIVE
            dept_id, kind = self.directory.activeDepartmentOf(account)
            if active:
                assert (str(dept_id).lower(), int(kind)) == ("0x" + dept.hex(), self.departments[dept].kind)
            else:
                assert (str(dept_id).lower(), int(kind)) == (ZERO32, Kind.NONE)
            stored = self.directory.departmentOfSigner(account)
            assert str(stored).lower() == ("0x" + dept.hex() if dept else ZERO32)

    @invariant()
    def departments_match_the_model(self):
        for dept_id in self._known_ids():
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
        for proposal_id, proposal in self.proposals.items():
            assert int(self.directory.getProposal(proposal_id)[2]) == states[proposal.state]
            assert self.directory.approvalCount(proposal_id) == len(proposal.approvals)
        assert self.directory.paused() == self.paused


def test_directory_state_machine(directory, city_admins):
    DirectoryMachine.directory = directory
    DirectoryMachine.admins = city_admins
    DirectoryMachine.signer_pool = [accounts[i] for i in range(14, 19)]
    chain.snapshot()
    run_machine(DirectoryMachine, examples=6, steps=30)

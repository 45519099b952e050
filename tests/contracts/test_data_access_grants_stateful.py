"""Stateful test of DataAccessGrants against a Python model.

Hypothesis has departments request access to each other's data, grant, refuse and revoke,
record read receipts (under a few read ids, so reads repeat queries, resend receipts and reuse
ids with other data) and lets time pass, with the right actor or a wrong one. Each step must
succeed or revert with the exact typed error the model predicts. After every step: every
grant's state and receipt count match the model, every read the model recorded has its own
receipt on chain with its grant and digests, and `hasAccess` agrees with the model for every
requester, owner, category and subject — so there is never access after expiry or revocation,
and a grant for all subjects covers each subject.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import brownie
from brownie import accounts, chain, web3
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import DEPARTMENTS, department_id, typed_error
from stateful import run_machine

ZERO = b"\x00" * 32
DAY = 86_400
# Expiries sit 1800 s past a whole day, sleeps are whole days plus 3601 s: the chain's clock
# never lands within minutes of an expiry, so the model's "expired" is never a close call.
EXPIRY_OFFSET = 1_800
SLEEP_OFFSET = 3_601
RECEIPT_GRACE = 3_600  # DataAccessGrants.RECEIPT_GRACE
ROLES = ["bank", "bank2", "registrar", "court", "tax_bureau"]
REQUESTERS = ["bank", "bank2"]
OWNERS = ["registrar", "court"]
GRANT_IDS = [web3.keccak(text=f"request letter {i}") for i in range(4)]
CATEGORIES = [web3.keccak(text="property.status"), web3.keccak(text="company.taxGrade")]
SUBJECTS = [web3.keccak(text="unit 1"), ZERO, web3.keccak(text="unit 2")]
QUERIES = [web3.keccak(text=f"query {i}") for i in range(3)]
ANSWERS = [web3.keccak(text=f"answer {i}") for i in range(2)]
READ_IDS = [web3.keccak(text=f"read {i}") for i in range(4)]
PURPOSE = web3.keccak(text="MORTGAGE_APPROVAL")
REASON = web3.keccak(text="reason")
OPS = ["request", "grant", "record", "request", "refuse", "record", "revoke", "grant", "record", "time_passes"]

NONE, REQUESTED, GRANTED, REFUSED, REVOKED, EXPIRED = range(6)


def dept(role: str) -> bytes:
    return department_id(DEPARTMENTS[role][0])


def signer(role: str):
    return {"from": accounts[DEPARTMENTS[role][2]]}


@dataclass
class Grant:
    requester: str
    owner: str
    category: bytes
    subject: bytes
    state: int = REQUESTED
    expires_at: int = 0
    revoked_at: int = 0  # when a granted grant was revoked


class GrantsMachine(RuleBasedStateMachine):
    registry = None
    stats: Counter = Counter()  # sent transactions by function, and refused ones, over all examples

    def __init__(self):
        super().__init__()
        chain.revert()
        self.steps = 0
        self.grants: dict[bytes, Grant] = {}
        self.receipts: dict[bytes, tuple[bytes, bytes, bytes]] = {}  # read id -> (grant, query, answer)

    # ---- model helpers ------------------------------------------------------------------

    def _now(self) -> int:
        return chain[-1].timestamp

    def _state(self, grant: Grant) -> int:
        if grant.state == GRANTED and grant.expires_at <= self._now():
            return EXPIRED
        return grant.state

    def _servable(self, grant: Grant) -> bool:
        """Live, or ended by expiry or revocation less than RECEIPT_GRACE ago (no close calls:
        sleeps are 3601 s past whole days, expiries 1800 s past them)."""
        state = self._state(grant)
        ended_at = {GRANTED: None, EXPIRED: grant.expires_at, REVOKED: grant.revoked_at}.get(state, 0)
        return ended_at is None or (ended_at != 0 and self._now() < ended_at + RECEIPT_GRACE)

    def _send(self, error, call, *args, actor: str):
        """Send `call(*args)` from `actor`, expecting `error`; None when it reverted."""
        if error is not None:
            with brownie.reverts(error):
                call(*args, signer(actor))
            self.stats["reverted"] += 1
            return None
        tx = call(*args, signer(actor))
        self.stats[call.abi["name"]] += 1
        return tx

    def _known(self, grant_id: bytes, actor: str, parties: tuple[str, ...]):
        """The first errors of every decision: unknown grant, caller not among `parties`."""
        grant = self.grants.get(grant_id)
        if grant is None:
            return typed_error("DataAccessGrantsUnknownGrant", grant_id)
        if actor not in parties:
            name = "DataAccessGrantsNotOwner" if len(parties) == 1 else "DataAccessGrantsNotParty"
            return typed_error(name, grant_id, dept(actor))
        return None

    # ---- operations ---------------------------------------------------------------------

    def request(self, g, requester, owner, category, subject):
        grant_id = GRANT_IDS[g]
        existing = self.grants.get(grant_id)
        args = (grant_id, dept(owner), CATEGORIES[category], SUBJECTS[subject], PURPOSE)
        noop = False
        if existing:
            same = (existing.requester, existing.owner, existing.category, existing.subject) == (
                requester, owner, CATEGORIES[category], SUBJECTS[subject])
            error = None if same else typed_error("DataAccessGrantsGrantConflict", grant_id)
            noop = same
        else:
            error = typed_error("DataAccessGrantsInvalidOwner", grant_id, dept(owner)) if owner == requester else None
        tx = self._send(error, self.registry.requestAccess, *args, actor=requester)
        if tx is not None:
            assert tx.return_value is (not noop)
            if not noop:
                self.grants[grant_id] = Grant(requester, owner, CATEGORIES[category], SUBJECTS[subject])

    def grant(self, g, actor, days):
        grant_id = GRANT_IDS[g]
        grant = self.grants.get(grant_id)
        error = self._known(grant_id, actor, (grant.owner,) if grant else ())
        expires_at = self._now() + days * DAY + EXPIRY_OFFSET
        noop = False
        if error is None:
            if grant.state == GRANTED and days == 3:  # resend the decision already made
                expires_at, noop = grant.expires_at, True
            elif grant.state != REQUESTED:
                error = typed_error("DataAccessGrantsGrantNotPending", grant_id, self._state(grant))
        tx = self._send(error, self.registry.grantAccess, grant_id, expires_at, actor=actor)
        if tx is not None:
            assert tx.return_value is (not noop)
            grant.state, grant.expires_at = GRANTED, expires_at

    def refuse(self, g, actor):
        grant_id = GRANT_IDS[g]
        grant = self.grants.get(grant_id)
        error = self._known(grant_id, actor, (grant.owner,) if grant else ())
        if error is None and grant.state not in (REQUESTED, REFUSED):
            error = typed_error("DataAccessGrantsGrantNotPending", grant_id, self._state(grant))
        tx = self._send(error, self.registry.refuseAccess, grant_id, REASON, actor=actor)
        if tx is not None:
            assert tx.return_value is (grant.state == REQUESTED)
            grant.state = REFUSED

    def revoke(self, g, actor):
        grant_id = GRANT_IDS[g]
        grant = self.grants.get(grant_id)
        error = self._known(grant_id, actor, (grant.requester, grant.owner) if grant else ())
        if error is None and grant.state == REFUSED:
            error = typed_error("DataAccessGrantsGrantClosed", grant_id, REFUSED)
        tx = self._send(error, self.registry.revokeAccess, grant_id, REASON, actor=actor)
        if tx is not None:
            assert tx.return_value is (grant.state != REVOKED)
            if grant.state == GRANTED:
                grant.revoked_at = tx.timestamp
            grant.state = REVOKED

    def record(self, g, actor, read, query, answer):
        grant_id, read_id = GRANT_IDS[g], READ_IDS[read]
        grant = self.grants.get(grant_id)
        error = self._known(grant_id, actor, (grant.owner,) if grant else ())
        receipt = (read_id, grant_id, QUERIES[query], ANSWERS[answer])
        noop = False
        if error is None:
            stored = self.receipts.get(read_id)
            if stored is not None:
                noop = stored == receipt[1:]
                if not noop:
                    error = typed_error("DataAccessGrantsReceiptConflict", read_id)
            elif not self._servable(grant):
                error = typed_error("DataAccessGrantsGrantNotLive", grant_id, self._state(grant))
        tx = self._send(error, self.registry.recordReceipts, [receipt], actor=actor)
        if tx is not None:
            assert tx.return_value == (0 if noop else 1)
            if not noop:
                assert tx.events["ReceiptRecorded"]["requester"] == "0x" + dept(grant.requester).hex()
                self.receipts[read_id] = receipt[1:]

    def time_passes(self, days):
        chain.sleep(days * DAY + SLEEP_OFFSET)
        chain.mine()

    @rule(op=st.integers(0, 9), g=st.integers(0, 3), a=st.integers(0, 4), b=st.integers(0, 4), c=st.integers(0, 3))
    def step(self, op, g, a, b, c):
        """One operation. Hypothesis 6.27 draws mostly zeros in the first examples, so every
        draw is offset by the step number: an all-zero program then walks the cycle in OPS
        (over each grant id in turn, with the right actors), and random draws mix it up."""
        n = self.steps
        self.steps += 1
        name = OPS[(op + n) % len(OPS)]
        g = (g + n // len(OPS)) % len(GRANT_IDS)
        a, b, right = a + n, b + n, c != 3
        grant = self.grants.get(GRANT_IDS[g])
        wrong_actor = ROLES[b % len(ROLES)]
        owner = grant.owner if grant and right else wrong_actor
        if name == "request":
            requester = REQUESTERS[a % 2] if right else ROLES[a % len(ROLES)]
            self.request(g, requester, OWNERS[b % 2] if right else wrong_actor, a % 2, (a + b) % 3)
        elif name == "grant":
            self.grant(g, owner, (a + c) % 4)
        elif name == "refuse":
            self.refuse(g, owner)
        elif name == "revoke":
            party = (grant.requester if a % 2 else grant.owner) if grant and right else wrong_actor
            self.revoke(g, party)
        elif name == "record":
            self.record(g, owner, (a // 2 + c) % len(READ_IDS), a % len(QUERIES), (a // 3 + c) % len(ANSWERS))
        else:
            self.time_passes(c % 3)

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def grants_match_the_model(self):
        for grant_id in GRANT_IDS:
            grant = self.grants.get(grant_id)
            assert self.registry.grantState(grant_id) == (self._state(grant) if grant else NONE)
            reads = sum(1 for stored in self.receipts.values() if stored[0] == grant_id)
            assert self.registry.receiptCount(grant_id) == reads

    @invariant()
    def every_read_has_its_own_receipt(self):
        """Each read id the model recorded holds exactly its grant and digests; the others none."""
        for read_id in READ_IDS:
            stored = self.registry.getReceipt(read_id)
            expected = self.receipts.get(read_id)
            if expected is None:
                assert stored["recordedAt"] == 0
            else:
                assert (bytes(stored["grantId"]), bytes(stored["queryDigest"]), bytes(stored["answerDigest"])) == expected
                assert stored["recordedAt"] > 0

    @invariant()
    def access_only_under_a_live_grant(self):
        """Checked for every (requester, owner, category) some grant names, and one more, each
        with every subject (keeps the number of calls per step small)."""
        now = self._now()
        keys = {(g.requester, g.owner, g.category) for g in self.grants.values()}
        keys.add((REQUESTERS[0], OWNERS[0], CATEGORIES[0]))
        for requester, owner, category in sorted(keys):
            for subject in SUBJECTS:
                expected = any(
                    g.state == GRANTED and g.expires_at > now
                    and (g.requester, g.owner, g.category) == (requester, owner, category)
                    and g.subject in (subject, ZERO)
                    for g in self.grants.values()
                )
                assert self.registry.hasAccess(dept(requester), dept(owner), category, subject) == expected


def test_grants_state_machine(grants):
    GrantsMachine.registry = grants
    chain.snapshot()
    GrantsMachine.stats = Counter()
    run_machine(GrantsMachine, examples=5, steps=25, draw="hypothesis")
    # The programs reached every kind of step, and some were refused.
    for name in ("requestAccess", "grantAccess", "recordReceipts", "reverted"):
        assert GrantsMachine.stats[name] > 0, dict(GrantsMachine.stats)
    assert GrantsMachine.stats["refuseAccess"] + GrantsMachine.stats["revokeAccess"] > 0


"""Stateful test of VoucherRegistry against a Python model.

Hypothesis issues vouchers of two types between five departments and drives them through
nominations, acceptances, rejections, cancellations, redemptions, surrenders, revocations and
time passing, with the right actor or a wrong one. Each step must succeed or revert with the
exact typed error the model predicts. After every step: each voucher has exactly one holder
and at most one other nominee, matching the model; an ended voucher never moved again; the
custody chain equals the model's, and folding it gives the current holder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import brownie
from brownie import accounts, chain, web3
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import DEPARTMENTS, VOUCHER_TYPES, Kind, department_id, plain, typed_error, voucher_type_id
from stateful import run_machine

ZERO = b"\x00" * 32
DAY = 86_400
# Expiries sit 1800 s past a whole day, sleeps are whole days plus 3601 s: the chain's clock
# never lands within minutes of an expiry, so the model's "expired" is never a close call.
EXPIRY_OFFSET = 1_800
SLEEP_OFFSET = 3_601
OPS = ["issue", "nominate", "answer", "nominate", "answer", "cancel", "nominate", "answer", "end_of_life", "time_passes"]
ROLES = ["registrar", "bank", "bank2", "court", "tax_bureau"]
TYPES = ["MORTGAGE_RELEASE", "COURT_ENFORCEMENT"]
VOUCHER_IDS = [web3.keccak(text=f"voucher document {i}") for i in range(3)]
SUBJECT = web3.keccak(text="unit")

ACTIVE, REDEEMED, SURRENDERED, REVOKED, EXPIRED = 1, 2, 3, 4, 5
ISSUED, NOMINATED, ACCEPTED, REJECTED, CANCELLED, A_REDEEMED, A_SURRENDERED, A_REVOKED = range(8)


def dept(role: str) -> bytes:
    return department_id(DEPARTMENTS[role][0])


def kind_of(role: str) -> Kind:
    return DEPARTMENTS[role][1]


def may_issue(type_name: str, role: str) -> bool:
    return kind_of(role) in VOUCHER_TYPES[type_name][0]


def may_receive(type_name: str, role: str) -> bool:
    return kind_of(role) in VOUCHER_TYPES[type_name][1]


@dataclass
class Voucher:
    type_name: str
    issuer: str
    holder: str
    first_holder: str
    expires_at: int
    nominee: str | None = None
    state: int = ACTIVE
    custody: list = field(default_factory=list)


class VoucherMachine(RuleBasedStateMachine):
    registry = None
    stats: Counter = Counter()  # sent transactions by function, and refused ones, over all examples

    def __init__(self):
        super().__init__()
        chain.revert()
        self.steps = 0
        self.vouchers: dict[bytes, Voucher] = {}

    # ---- model helpers ------------------------------------------------------------------

    def _now(self) -> int:
        return chain[-1].timestamp

    def _state(self, voucher: Voucher) -> int:
        if voucher.state == ACTIVE and voucher.expires_at and voucher.expires_at <= self._now():
            return EXPIRED
        return voucher.state

    def _live_error(self, voucher_id: bytes):
        """The error of `_requireLive`, or None for a live voucher."""
        voucher = self.vouchers.get(voucher_id)
        if voucher is None:
            return typed_error("VoucherRegistryUnknownVoucher", voucher_id)
        state = self._state(voucher)
        if state != ACTIVE:
            return typed_error("VoucherRegistryVoucherNotLive", voucher_id, state)
        return None

    def _send(self, error, call, voucher_id, *args, actor: str):
        """Send `call(voucher_id, *args)` from `actor`, expecting `error` (then nothing moves)."""
        args = (voucher_id, *args)
        if error is not None:
            length = self.registry.custodyLength(voucher_id)
            with brownie.reverts(error):
                call(*args, {"from": accounts[DEPARTMENTS[actor][2]]})
            assert self.registry.custodyLength(voucher_id) == length
            self.stats["reverted"] += 1
            return None
        self.stats[call.abi["name"]] += 1
        return call(*args, {"from": accounts[DEPARTMENTS[actor][2]]})

    def _actor(self, right: bool, correct: str | None, pick: int) -> str:
        return correct if right and correct else ROLES[pick % len(ROLES)]

    def _holder_error(self, voucher_id, actor):
        error = self._live_error(voucher_id)
        if error is None and self.vouchers[voucher_id].holder != actor:
            error = typed_error("VoucherRegistryNotHolder", voucher_id, dept(actor))
        return error

    # ---- rules --------------------------------------------------------------------------

    def issue(self, v, t, issuer, holder, days, right):
        voucher_id, type_name = VOUCHER_IDS[v], TYPES[t]
        issuer_role = ("bank" if t == 0 else "court") if right else ROLES[issuer]
        holder_role = ROLES[holder]
        existing = self.vouchers.get(voucher_id)
        if existing and right:  # resend the same issue
            type_name, issuer_role, holder_role = existing.type_name, existing.issuer, existing.first_holder
            expires_at = existing.expires_at
        else:
            expires_at = self._now() + days * DAY + EXPIRY_OFFSET if days else 0
        issue = (voucher_id, voucher_type_id(type_name), SUBJECT, dept(holder_role), expires_at)
        error = None
        if existing:
            same = (existing.type_name, existing.issuer, existing.first_holder, existing.expires_at) == (
                type_name, issuer_role, holder_role, expires_at)
            error = None if same else typed_error("VoucherRegistryVoucherConflict", voucher_id)
        elif not may_issue(type_name, issuer_role):
            error = typed_error("VoucherRegistryIssuerNotAllowed", voucher_id, dept(issuer_role))
        elif not may_receive(type_name, holder_role):
            error = typed_error("VoucherRegistryReceiverNotAllowed", voucher_id, dept(holder_role))
        if error is not None:
            with brownie.reverts(error):
                self.registry.issueVoucher(issue, {"from": accounts[DEPARTMENTS[issuer_role][2]]})
            self.stats["reverted"] += 1
            return
        tx = self.registry.issueVoucher(issue, {"from": accounts[DEPARTMENTS[issuer_role][2]]})
        if existing:
            assert tx.return_value is False and "VoucherIssued" not in tx.events
            return
        self.stats["issueVoucher"] += 1
        assert tx.return_value is True
        assert plain(tx.events["VoucherIssued"]["holder"]) == plain(dept(holder_role))
        record = Voucher(type_name, issuer_role, holder_role, holder_role, expires_at)
        record.custody.append((ISSUED, issuer_role, holder_role, ZERO))
        self.vouchers[voucher_id] = record

    def nominate(self, v, nominee, pick, right):
        voucher_id, nominee_role = VOUCHER_IDS[v], ROLES[nominee]
        voucher = self.vouchers.get(voucher_id)
        actor = self._actor(right, voucher and voucher.holder, pick)
        remarks = web3.keccak(text=f"nominate {nominee}")
        error = self._holder_error(voucher_id, actor)
        noop = False
        if error is None:
            if nominee_role == voucher.holder:
                error = typed_error("VoucherRegistrySelfHandover", voucher_id)
            elif voucher.nominee == nominee_role:
                noop = True
            elif voucher.nominee is not None:
                error = typed_error("VoucherRegistryHandoverPending", voucher_id, dept(voucher.nominee))
            elif not may_receive(voucher.type_name, nominee_role):
                error = typed_error("VoucherRegistryReceiverNotAllowed", voucher_id, dept(nominee_role))
        tx = self._send(error, self.registry.nominateHolder, voucher_id, dept(nominee_role), remarks, actor=actor)
        if tx is not None:
            assert tx.return_value is (not noop)
            if not noop:
                assert plain(tx.events["HandoverNominated"].values()) == plain(
                    [voucher_id, dept(actor), dept(nominee_role), remarks])
                voucher.nominee = nominee_role
                voucher.custody.append((NOMINATED, actor, nominee_role, remarks))

    def cancel(self, v, pick, right):
        voucher_id = VOUCHER_IDS[v]
        voucher = self.vouchers.get(voucher_id)
        actor = self._actor(right, voucher and voucher.holder, pick)
        remarks = web3.keccak(text="cancel")
        error = self._holder_error(voucher_id, actor)
        if error is None and voucher.nominee is None:
            error = typed_error("VoucherRegistryNoPendingHandover", voucher_id)
        if self._send(error, self.registry.cancelNomination, voucher_id, remarks, actor=actor):
            voucher.custody.append((CANCELLED, actor, voucher.nominee, remarks))
            voucher.nominee = None

    def _nominee_error(self, voucher_id, actor):
        error = self._live_error(voucher_id)
        if error is None:
            nominee = self.vouchers[voucher_id].nominee
            if nominee is None:
                error = typed_error("VoucherRegistryNoPendingHandover", voucher_id)
            elif nominee != actor:
                error = typed_error("VoucherRegistryNotNominee", voucher_id, dept(actor))
        return error

    def answer_nomination(self, v, pick, right, accept):
        voucher_id = VOUCHER_IDS[v]
        voucher = self.vouchers.get(voucher_id)
        actor = self._actor(right, voucher and voucher.nominee, pick)
        remarks = web3.keccak(text=f"answer {accept}")
        error = self._nominee_error(voucher_id, actor)
        call = self.registry.acceptHandover if accept else self.registry.rejectHandover
        tx = self._send(error, call, voucher_id, remarks, actor=actor)
        if tx is None:
            return
        if accept:
            assert plain(tx.events["HandoverAccepted"].values()) == plain(
                [voucher_id, dept(voucher.holder), dept(actor), remarks])
            voucher.custody.append((ACCEPTED, voucher.holder, actor, remarks))
            voucher.holder = actor
        else:
            voucher.custody.append((REJECTED, voucher.holder, actor, remarks))
        voucher.nominee = None

    def end_of_life(self, v, pick, right, how):
        voucher_id = VOUCHER_IDS[v]
        voucher = self.vouchers.get(voucher_id)
        remarks = web3.keccak(text=how)
        if how == "revoke":
            actor = self._actor(right, voucher and voucher.issuer, pick)
            error = self._live_error(voucher_id)
            if error is None and voucher.issuer != actor:
                error = typed_error("VoucherRegistryNotIssuer", voucher_id, dept(actor))
            if self._send(error, self.registry.revokeVoucher, voucher_id, remarks, actor=actor):
                voucher.custody.append((A_REVOKED, actor, voucher.holder, remarks))
                voucher.state, voucher.nominee = REVOKED, None
            return
        actor = self._actor(right, voucher and voucher.holder, pick)
        error = self._holder_error(voucher_id, actor)
        if how == "redeem":
            if error is None and not may_receive(voucher.type_name, actor):
                error = typed_error("VoucherRegistryReceiverNotAllowed", voucher_id, dept(actor))
            if self._send(error, self.registry.redeemVoucher, voucher_id, remarks, actor=actor):
                voucher.custody.append((A_REDEEMED, actor, actor, remarks))
                voucher.state, voucher.nominee = REDEEMED, None
        elif self._send(error, self.registry.surrenderVoucher, voucher_id, remarks, actor=actor):
            voucher.custody.append((A_SURRENDERED, actor, voucher.issuer, remarks))
            voucher.state, voucher.nominee, voucher.holder = SURRENDERED, None, voucher.issuer

    def time_passes(self, days):
        chain.sleep(days * DAY + SLEEP_OFFSET)
        chain.mine()

    @rule(op=st.integers(0, 9), v=st.integers(0, 2), a=st.integers(0, 4), b=st.integers(0, 4), c=st.integers(0, 3))
    def step(self, op, v, a, b, c):
        """One operation. Hypothesis 6.27 draws mostly zeros in the first examples, so every
        draw is offset by the step number: an all-zero program then walks the cycle in OPS
        (over each voucher in turn, with the right actors), and random draws mix it up."""
        n = self.steps
        self.steps += 1
        name = OPS[(op + n) % len(OPS)]
        v = (v + n // len(OPS)) % len(VOUCHER_IDS)
        a, b, right = (a + n) % len(ROLES), (b + n) % len(ROLES), c != 3
        if name == "issue":
            self.issue(v, (a + b) % 2, a, b, (c + n) % 4, right)
        elif name == "nominate":
            self.nominate(v, a, b, right)
        elif name == "answer":
            self.answer_nomination(v, b, right, (a + n) % 3 != 1)
        elif name == "cancel":
            self.cancel(v, b, right)
        elif name == "end_of_life":
            self.end_of_life(v, b, right, ["redeem", "surrender", "revoke"][(a + n // len(OPS)) % 3])
        else:
            self.time_passes(c % 3)

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def vouchers_match_the_model(self):
        for voucher_id in VOUCHER_IDS:
            voucher = self.vouchers.get(voucher_id)
            state, type_id, issuer, holder, length = plain(self.registry.verifyVoucher(voucher_id))
            if voucher is None:
                assert (state, length) == (0, 0)
                continue
            assert state == self._state(voucher)
            assert [type_id, issuer] == plain([voucher_type_id(voucher.type_name), dept(voucher.issuer)])
            # exactly one holder, and at most one other department nominated
            stored = plain(self.registry.getVoucher(voucher_id))
            assert holder == stored[3] == plain(dept(voucher.holder))
            assert stored[4] == plain(dept(voucher.nominee) if voucher.nominee else ZERO)
            assert stored[4] != holder
            assert length == len(voucher.custody)

    @invariant()
    def custody_chain_matches_the_model_and_yields_the_holder(self):
        for voucher_id, voucher in self.vouchers.items():
            chain_entries = plain(self.registry.custodyChain(voucher_id, 0, len(voucher.custody) + 1))
            expected = [
                [action, plain(dept(source)), plain(dept(target)), plain(remarks)]
                for action, source, target, remarks in voucher.custody
            ]
            assert [[e[0], e[2], e[3], e[4]] for e in chain_entries] == expected
            times = [e[1] for e in chain_entries]
            assert times == sorted(times)
            holder = None
            for action, _, target, _, _ in [(e[0], e[1], e[3], e[2], e[4]) for e in chain_entries]:
                if action in (ISSUED, ACCEPTED, A_SURRENDERED):
                    holder = target
            assert holder == plain(dept(voucher.holder))
            ends = [i for i, e in enumerate(chain_entries) if e[0] in (A_REDEEMED, A_SURRENDERED, A_REVOKED)]
            assert ends in ([], [len(chain_entries) - 1])  # nothing after end of life


def test_voucher_state_machine(vouchers):
    VoucherMachine.registry = vouchers
    chain.snapshot()
    VoucherMachine.stats = Counter()
    run_machine(VoucherMachine, examples=5, steps=25, draw="hypothesis")
    # The programs reached every kind of step, and some were refused.
    for name in ("issueVoucher", "nominateHolder", "acceptHandover", "reverted"):
        assert VoucherMachine.stats[name] > 0, dict(VoucherMachine.stats)
    assert sum(VoucherMachine.stats[n] for n in ("redeemVoucher", "surrenderVoucher", "revokeVoucher")) > 0


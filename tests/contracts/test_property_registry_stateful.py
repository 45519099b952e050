"""Stateful test of PropertyRegistry against a Python model.

Hypothesis drives registrations, transfers, mortgages and releases, seizures (queued behind
each other), lifts, advance notices, certificate revocations and time travel past seizure
terms and notice lapses. After every
step the chain must agree with the model, and the invariants hold: shares sum to the whole,
mortgages rank strictly by registration, a frozen title never changes owner, and every
certificate ever issued verifies to exactly the one state the model expects.

Lapses depend on block time, so before and after every step the machine moves time past
any seizure end or notice lapse lying within a minute of now: predictions never sit on a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import brownie
from brownie import chain
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import DEPARTMENTS, department_id, plain, typed_error
from property_helpers import DAY, SHARES, State, certificate_digest, digest, owners, title, unit_no
from stateful import run_machine

UNITS = [unit_no(i) for i in range(3)]  # the first two are registered when a run starts
OWNER_SETS = [
    owners(("alice", SHARES)),
    owners(("bob", 6000), ("carol", 4000)),
    owners(("dan", 2500), ("eve", 2500), ("fay", 2500), ("gus", 2500)),
]
LENDERS = ["bank", "bank2", "provident_fund"]
COURTS = ["court", "court2"]
TERMS = [10 * DAY, 30 * DAY, 400 * DAY]
MARGIN = 60
NOTICE_LIFETIME = 90 * DAY
HOLDER = OWNER_SETS[0][0][0]  # the buyer holding advance notices: alice alone


@dataclass
class Model:
    registered: bool = False
    holders: list = field(default_factory=list)
    documents: bytes = b""
    version: int = 0
    mortgages: list = field(default_factory=list)  # [lender id, proof, sequence, no transfer]
    sequence: int = 0
    seizures: list = field(default_factory=list)  # [court id, order, term]
    since: int = 0
    notice_at: int = 0  # registration time of the advance notice held by HOLDER, 0 if none


class RegistryMachine(RuleBasedStateMachine):
    registry = None
    accounts: dict = {}

    def __init__(self):
        super().__init__()
        chain.revert()
        self.titles = {u: Model() for u in UNITS}
        self.certificates: dict[bytes, list] = {}  # digest -> [unit, state]
        self.frozen_holders: dict[bytes, list] = {}
        self.counter = 0
        for u in (0, 1):
            self.register(u, u)

    @classmethod
    def rules(cls):
        """Transfers first: with few examples, hypothesis's first programs mostly repeat the
        first rule, so let that be one that changes state on the registered titles."""
        return sorted(super().rules(), key=lambda r: r.function.__name__ != "transfer")

    # ---- model helpers ------------------------------------------------------------------

    def _now(self) -> int:
        return chain[-1].timestamp

    def _ends(self, model: Model):
        start = model.since
        for seizure in model.seizures:
            start += seizure[2]
            yield start

    def _live_index(self, model: Model, now: int) -> int:
        for index, end in enumerate(self._ends(model)):
            if end > now:
                return index
        return len(model.seizures)

    def _settle(self, model: Model, now: int) -> None:
        first = self._live_index(model, now)
        if first:
            model.since = list(self._ends(model))[first - 1]
            model.seizures = model.seizures[first:]

    def _frozen(self, model: Model, now: int) -> bool:
        return self._live_index(model, now) < len(model.seizures)

    def _clear_boundaries(self) -> None:
        """Move time so that no seizure ends within MARGIN seconds of now."""
        while True:
            now = self._now()
            ends = [end for m in self.titles.values() for end in self._ends(m)]
            ends += [m.notice_at + NOTICE_LIFETIME for m in self.titles.values() if m.notice_at]
            near = [end for end in ends if now - 5 <= end <= now + MARGIN]
            if not near:
                return
            chain.sleep(max(near) - now + MARGIN + 1)
            chain.mine()

    def _notice_effective(self, model: Model, now: int) -> bool:
        return model.notice_at != 0 and now < model.notice_at + NOTICE_LIFETIME

    def _issue(self, unit: bytes, model: Model) -> bytes:
        for digest_, record in self.certificates.items():
            if record[0] == unit and record[1] == State.VALID:
                record[1] = State.SUPERSEDED
        certificate = certificate_digest(self.registry, unit, model.documents, model.version)
        self.certificates[certificate] = [unit, State.VALID]
        return certificate

    def _account(self, role: str):
        return self.accounts[role]

    # ---- rules --------------------------------------------------------------------------

    @rule(u=st.integers(0, 2), holders=st.integers(0, 2))
    def register(self, u, holders):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if model.registered:
            tx = self.registry.registerTitles([
                (unit, 1, model.documents, model.holders)], {"from": self._account("registrar")}
            )
            assert tx.return_value is False and len(tx.events) == 0
            return
        entry = title(code=unit, holders=OWNER_SETS[holders], documents=f"deed {u}")
        self.registry.registerTitles([entry], {"from": self._account("registrar")})
        model.registered, model.holders, model.documents, model.version = True, OWNER_SETS[holders], entry[2], 1
        self._issue(unit, model)

    @rule(u=st.integers(0, 2), holders=st.integers(0, 2))
    def transfer(self, u, holders):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        self.counter += 1
        documents = digest(f"sale {self.counter}")
        args = (unit, OWNER_SETS[holders], documents, {"from": self._account("registrar")})
        now = self._now()
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                self.registry.transferTitle(*args)
        elif self._frozen(model, now):
            order = model.seizures[self._live_index(model, now)][1]
            with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", unit, order)):
                self.registry.transferTitle(*args)
        elif any(m[3] for m in model.mortgages):
            proof = next(m[1] for m in model.mortgages if m[3])
            with brownie.reverts(typed_error("PropertyRegistryNoTransferAgreement", unit, proof)):
                self.registry.transferTitle(*args)
        elif self._notice_effective(model, now) and OWNER_SETS[holders] != OWNER_SETS[0]:
            with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", unit)):
                self.registry.transferTitle(*args)
        else:
            tx = self.registry.transferTitle(*args)
            assert ("NoticeRemoved" in tx.events) == self._notice_effective(model, now)
            model.notice_at = 0
            lenders = list(dict.fromkeys(m[0] for m in model.mortgages))
            notified = tx.events["MortgageeNotified"] if "MortgageeNotified" in tx.events else []
            assert [plain(e["lender"]) for e in notified] == plain(lenders)
            model.holders, model.documents, model.version = OWNER_SETS[holders], documents, model.version + 1
            self._issue(unit, model)
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), lender=st.integers(0, 2), no_transfer=st.booleans())
    def mortgage(self, u, lender, no_transfer):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        role = LENDERS[lender]
        self.counter += 1
        proof = digest(f"proof {self.counter}")
        entry = (unit, proof, 100_000, chain.time() + 3000 * DAY, no_transfer)
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                self.registry.registerMortgages([entry], {"from": self._account(role)})
        elif self._frozen(model, self._now()):
            order = model.seizures[self._live_index(model, self._now())][1]
            with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", unit, order)):
                self.registry.registerMortgages([entry], {"from": self._account(role)})
        elif len(model.mortgages) >= 16:
            with brownie.reverts(typed_error("PropertyRegistryQueueFull", unit)):
                self.registry.registerMortgages([entry], {"from": self._account(role)})
        else:
            tx = self.registry.registerMortgages([entry], {"from": self._account(role)})
            model.sequence += 1
            assert tx.events["MortgageRegistered"]["sequence"] == model.sequence
            model.mortgages.append([department_id(DEPARTMENTS[role][0]), proof, model.sequence, no_transfer])
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), pick=st.integers(0, 20))
    def release(self, u, pick):
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if not model.mortgages:
            with brownie.reverts(typed_error("PropertyRegistryUnknownMortgage", unit, digest("none"))):
                self.registry.releaseMortgage(unit, digest("none"), {"from": self._account("bank")})
            return
        lender, proof, _, _ = model.mortgages[pick % len(model.mortgages)]
        role = next(r for r in LENDERS if department_id(DEPARTMENTS[r][0]) == lender)
        self.registry.releaseMortgage(unit, proof, {"from": self._account(role)})
        model.mortgages = [m for m in model.mortgages if m[1] != proof]

    @rule(u=st.integers(0, 2), court=st.integers(0, 1), term=st.integers(0, 2))
    def seize(self, u, court, term):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        role = COURTS[court]
        self.counter += 1
        order = digest(f"order {self.counter}")
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                self.registry.seize(unit, order, TERMS[term], {"from": self._account(role)})
            return
        self._settle(model, self._now())
        if len(model.seizures) >= 16:
            with brownie.reverts(typed_error("PropertyRegistryQueueFull", unit)):
                self.registry.seize(unit, order, TERMS[term], {"from": self._account(role)})
            return
        tx = self.registry.seize(unit, order, TERMS[term], {"from": self._account(role)})
        assert tx.events["TitleSeized"]["position"] == len(model.seizures)
        if not model.seizures:
            model.since = tx.timestamp
        model.seizures.append([department_id(DEPARTMENTS[role][0]), order, TERMS[term]])
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), pick=st.integers(0, 20))
    def lift(self, u, pick):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        self._settle(model, self._now())
        if not model.seizures:
            with brownie.reverts(typed_error("PropertyRegistryUnknownSeizure", unit, digest("none"))):
                self.registry.liftSeizure(unit, digest("none"), {"from": self._account("court")})
            return
        index = pick % len(model.seizures)
        court, order, _ = model.seizures[index]
        role = next(r for r in COURTS if department_id(DEPARTMENTS[r][0]) == court)
        tx = self.registry.liftSeizure(unit, order, {"from": self._account(role)})
        if index == 0:
            model.since = tx.timestamp
        del model.seizures[index]
        self._clear_boundaries()

    @rule(u=st.integers(0, 2))
    def revoke_current_certificate(self, u):
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if not model.registered:
            return
        current = certificate_digest(self.registry, unit, model.documents, model.version)
        if self.certificates[current][1] == State.VALID:
            self.registry.revokeCertificate(current, digest("R-LOST"), {"from": self._account("registrar")})
            self.certificates[current][1] = State.REVOKED
        else:
            with brownie.reverts(typed_error("PropertyRegistryCertificateNotValid", current)):
                self.registry.revokeCertificate(current, digest("R-OTHER"), {"from": self._account("registrar")})

    @rule(u=st.integers(0, 2))
    def advance_notice(self, u):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        args = (unit, 1, HOLDER, digest("presale"), {"from": self._account("registrar")})
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                self.registry.registerNotice(*args)
            return
        tx = self.registry.registerNotice(*args)
        if self._notice_effective(model, self._now()):
            assert tx.return_value is False and len(tx.events) == 0
        else:
            model.notice_at = tx.timestamp
        self._clear_boundaries()

    @rule(days=st.integers(1, 45))
    def time_passes(self, days):
        chain.sleep(days * DAY + 3_607)
        chain.mine()
        self._clear_boundaries()

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def owners_and_shares_match_the_model(self):
        for unit, model in self.titles.items():
            view = self.registry.titleOf(unit)
            if not model.registered:
                assert view["status"] == 0
                continue
            assert sum(share for _, share in view["owners"]) == SHARES
            assert plain(view["owners"]) == plain(model.holders)

    @invariant()
    def frozen_title_never_changes_owner(self):
        now = self._now()
        for unit, model in self.titles.items():
            if model.registered and self._frozen(model, now):
                held = self.frozen_holders.setdefault(unit, plain(self.registry.titleOf(unit)["owners"]))
                assert plain(self.registry.titleOf(unit)["owners"]) == held
            else:
                self.frozen_holders.pop(unit, None)

    @invariant()
    def mortgages_rank_strictly_by_registration(self):
        for unit, model in self.titles.items():
            stored = self.registry.titleOf(unit)["mortgages"]
            sequences = [m[5] for m in stored]
            assert sequences == sorted(set(sequences))
            assert [(plain(m[0]), plain(m[1]), m[5], m[6]) for m in stored] == [
                (plain(lender), plain(proof), seq, flag) for lender, proof, seq, flag in model.mortgages
            ]

    @invariant()
    def seizures_match_the_model(self):
        now = self._now()
        for unit, model in self.titles.items():
            first = self._live_index(model, now)
            live = model.seizures[first:]
            stored = self.registry.titleOf(unit)["seizures"]
            assert [plain(s[1]) for s in stored] == [plain(s[1]) for s in live]
            assert [s[4] for s in stored] == [i == 0 for i in range(len(live))]

    @invariant()
    def advance_notices_match_the_model(self):
        now = self._now()
        for unit, model in self.titles.items():
            stored = self.registry.titleOf(unit)["advanceNotice"]
            expected = HOLDER if self._notice_effective(model, now) else b"\x00" * 32
            assert plain(stored[0]) == plain(expected)

    @invariant()
    def every_certificate_verifies_to_exactly_one_state(self):
        valid_per_unit = {}
        for certificate, (unit, state) in self.certificates.items():
            info = self.registry.verifyCertificate(certificate)
            assert (info["state"], plain(info["unit"])) == (state, plain(unit))
            if state == State.VALID:
                valid_per_unit[unit] = valid_per_unit.get(unit, 0) + 1
        assert all(count == 1 for count in valid_per_unit.values())


def test_property_registry_state_machine(property_registry, department_accounts):
    RegistryMachine.registry = property_registry
    RegistryMachine.accounts = department_accounts
    chain.snapshot()
    run_machine(RegistryMachine, examples=5, steps=25)


"""Stateful test of PropertyRegistry against a Python model: 20 runs x 40 steps.

Random programs of registrations, transfers (with and without the advance notice holders'
recorded consent), mortgages and releases, resends of spent mortgage proofs and seizure orders,
seizures (queued behind each other), renewals, lifts, judicial sales, advance notices (on units
with and without a title, one holder or a couple), certificate revocations and time travel past
seizure terms and notice lapses. After every step the chain must agree with the model, and:

- no spent proof or order is live again (Civil Code Art. 414 ranks; a lifted/lapsed order is gone);
- a title under an advance notice never changes hands without its holders' consent, except to
  exactly its holders (Art. 221);
- mortgages rank strictly by registration (Art. 414);
- a judicial sale leaves no mortgage or seizure (SPC rules on auction and sale, Arts. 28-29);
- shares sum to the whole, a frozen title never changes owner, and every certificate touched
  by a step verifies to exactly the state the model expects (one valid title certificate per unit).

Lapses depend on block time, so before and after every step the machine moves time past any
seizure end or notice lapse lying within a minute of now: predictions never sit on a boundary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import brownie
from brownie import chain
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from conftest import DEPARTMENTS, department_id, plain, typed_error
from property_helpers import DAY, SHARES, State, certificate_digest, digest, owners, title, unit_no
from stateful import run_machine

RUNS, STEPS = 20, 40
UNITS = [unit_no(i) for i in range(3)]  # the first two are registered when a run starts
OWNER_SETS = [
    owners(("alice", SHARES)),
    owners(("bob", 6000), ("carol", 4000)),  # a couple: also the holders of a couple's notice
    owners(("dan", 2500), ("eve", 2500), ("fay", 2500), ("gus", 2500)),
]
NOTICE_HOLDERS = [[h for h, _ in OWNER_SETS[0]], [h for h, _ in OWNER_SETS[1]]]
LENDERS = ["bank", "bank2", "provident_fund"]
COURTS = ["court", "court2"]
TERMS = [10 * DAY, 30 * DAY, 400 * DAY]
MARGIN = 60
NOTICE_LIFETIME = 90 * DAY
ZERO = b"\x00" * 32


def dept(role: str) -> bytes:
    return department_id(DEPARTMENTS[role][0])


@dataclass
class Model:
    registered: bool = False
    registered_at: int = 0
    holders: list = field(default_factory=list)
    documents: bytes = b""
    version: int = 0
    mortgages: list = field(default_factory=list)  # [lender id, proof, sequence, no transfer]
    sequence: int = 0
    seizures: list = field(default_factory=list)  # [court id, order, whole term]
    since: int = 0
    notice_at: int = 0  # registration time of the advance notice, 0 if none
    notice_holders: list = field(default_factory=list)
    consent: bool = False
    spent_proofs: list = field(default_factory=list)
    spent_orders: list = field(default_factory=list)


class RegistryMachine(RuleBasedStateMachine):
    registry = None
    accounts: dict = {}
    reached: Counter = Counter()  # outcomes over all runs: the programs must reach the rules under test

    def __init__(self):
        super().__init__()
        chain.revert()
        self.titles = {u: Model() for u in UNITS}
        self.certificates: dict[bytes, list] = {}  # digest -> [unit, state]
        self.touched: set = set()  # certificates whose state a step changed
        self.frozen_holders: dict[bytes, list] = {}
        self.checked_owners: dict[bytes, list] = {}
        self.before_change: dict[bytes, tuple] = {}  # unit -> (notice holders, consent) read just before a change of owners
        self.sold: set = set()
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
            model.spent_orders += [s[1] for s in model.seizures[:first]]
            model.seizures = model.seizures[first:]

    def _frozen(self, model: Model, now: int) -> bool:
        return self._live_index(model, now) < len(model.seizures)

    def _notice_lapse(self, model: Model) -> int:
        """0 while it stands with no title (Art. 221: 90 days after registration became possible)."""
        if not model.registered:
            return 0
        return max(model.registered_at, model.notice_at) + NOTICE_LIFETIME

    def _notice_effective(self, model: Model, now: int) -> bool:
        if not model.notice_at:
            return False
        lapse = self._notice_lapse(model)
        return lapse == 0 or now < lapse

    def _clear_boundaries(self) -> None:
        """Move time so that no seizure ends or notice lapses within MARGIN seconds of now."""
        while True:
            now = self._now()
            ends = [end for m in self.titles.values() for end in self._ends(m)]
            ends += [self._notice_lapse(m) for m in self.titles.values() if m.notice_at and m.registered]
            near = [end for end in ends if now - 5 <= end <= now + MARGIN]
            if not near:
                return
            chain.sleep(max(near) - now + MARGIN + 1)
            chain.mine()

    def _issue(self, unit: bytes, model: Model) -> bytes:
        for digest_, record in self.certificates.items():
            if record[0] == unit and record[1] == State.VALID:
                record[1] = State.SUPERSEDED
                self.touched.add(digest_)
        certificate = certificate_digest(self.registry, unit, model.documents, model.version)
        self.certificates[certificate] = [unit, State.VALID]
        self.touched.add(certificate)
        return certificate

    def _account(self, role: str):
        return self.accounts[role]

    def _read_before_change(self, unit):
        """What the chain says of the advance notice right before a change of owners is sent."""
        notice = self.registry.titleOf(unit)["advanceNotice"]
        self.before_change[unit] = (plain(notice["holders"]), plain(notice["consent"]))

    def _expect_notice(self, unit, model, now, to=None):
        """The disposal's outcome as the advance notice sees it: None (passes), "fulfil",
        "consent" (uses the recorded consent) or the typed error."""
        if not self._notice_effective(model, now):
            return None
        if to is not None and sorted(h for h, _ in to) == sorted(model.notice_holders):
            return "fulfil"
        if model.consent:
            return "consent"
        return typed_error("PropertyRegistryAdvanceNoticeHeld", unit)

    # ---- rules --------------------------------------------------------------------------

    @rule(u=st.integers(0, 2), holders=st.integers(0, 2))
    def register(self, u, holders):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if model.registered:
            tx = self.registry.registerTitles([(unit, 1, model.documents, model.holders)], {"from": self._account("registrar")})
            assert tx.return_value == 0 and len(tx.events) == 0
            return
        entry = title(code=unit, holders=OWNER_SETS[holders], documents=f"deed {u}")
        tx = self.registry.registerTitles([entry], {"from": self._account("registrar")})
        model.registered, model.holders, model.documents, model.version = True, OWNER_SETS[holders], entry[2], 1
        model.registered_at = tx.timestamp
        self._issue(unit, model)
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), holders=st.integers(0, 2), consent=st.booleans())
    def transfer(self, u, holders, consent):
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if consent:
            self.consent(u)
        self.counter += 1
        documents = digest(f"sale {self.counter}")
        args = (unit, OWNER_SETS[holders], documents, {"from": self._account("registrar")})
        now = self._now()
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                self.registry.transferTitle(*args)
            return
        if self._frozen(model, now):
            order = model.seizures[self._live_index(model, now)][1]
            with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", unit, order)):
                self.registry.transferTitle(*args)
            return
        if any(m[3] for m in model.mortgages):
            proof = next(m[1] for m in model.mortgages if m[3])
            with brownie.reverts(typed_error("PropertyRegistryNoTransferAgreement", unit, proof)):
                self.registry.transferTitle(*args)
            return
        outcome = self._expect_notice(unit, model, now, OWNER_SETS[holders])
        if outcome not in (None, "fulfil", "consent"):
            with brownie.reverts(outcome):
                self.registry.transferTitle(*args)
            self.reached["transfer held by a notice"] += 1
            return
        self.reached[f"transfer ({outcome or 'free'})"] += 1
        self._read_before_change(unit)
        tx = self.registry.transferTitle(*args)
        assert ("NoticeRemoved" in tx.events) == (outcome == "fulfil")
        if outcome == "fulfil":
            model.notice_at, model.notice_holders, model.consent = 0, [], False
        elif outcome == "consent":
            model.consent = False
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
        send = lambda: self.registry.registerMortgages([entry], {"from": self._account(role)})  # noqa: E731
        now = self._now()
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                send()
            return
        if self._frozen(model, now):
            order = model.seizures[self._live_index(model, now)][1]
            with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", unit, order)):
                send()
            return
        outcome = self._expect_notice(unit, model, now)
        if outcome not in (None, "consent"):
            with brownie.reverts(outcome):
                send()
            return
        if len(model.mortgages) >= 16:
            with brownie.reverts(typed_error("PropertyRegistryQueueFull", unit)):
                send()
            return
        tx = send()
        if outcome == "consent":
            model.consent = False
        model.sequence += 1
        assert tx.events["MortgageRegistered"]["sequence"] == model.sequence
        model.mortgages.append([dept(role), proof, model.sequence, no_transfer])
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), pick=st.integers(0, 20))
    def release(self, u, pick):
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if not model.mortgages:
            with brownie.reverts(typed_error("PropertyRegistryUnknownMortgage", unit, digest("none"))):
                self.registry.releaseMortgage(unit, digest("none"), {"from": self._account("bank")})
            return
        lender, proof, _, _ = model.mortgages[pick % len(model.mortgages)]
        role = next(r for r in LENDERS if dept(r) == lender)
        self.registry.releaseMortgage(unit, proof, {"from": self._account(role)})
        model.mortgages = [m for m in model.mortgages if m[1] != proof]
        model.spent_proofs.append(proof)

    @rule(pick=st.integers(0, 50), order=st.booleans())
    def resend_spent(self, pick, order):
        """An oracle resends a spent record (of any unit): it reverts and nothing comes back to life."""
        self._clear_boundaries()
        for model in self.titles.values():
            self._settle(model, self._now())
        orders = [(unit, o) for unit, model in self.titles.items() for o in model.spent_orders]
        proofs = [(unit, p) for unit, model in self.titles.items() for p in model.spent_proofs]
        if (order and orders) or (orders and not proofs):
            unit, spent = orders[pick % len(orders)]
            with brownie.reverts(typed_error("PropertyRegistrySeizureSpent", unit, spent)):
                self.registry.seize(unit, spent, TERMS[0], {"from": self._account("court")})
            self.reached["spent order resent"] += 1
        elif proofs:
            unit, spent = proofs[pick % len(proofs)]
            entry = (unit, spent, 100_000, chain.time() + 3000 * DAY, False)
            with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", unit, spent)):
                self.registry.registerMortgages([entry], {"from": self._account("bank")})
            self.reached["spent proof resent"] += 1

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
        tx = self.registry.seize(unit, order, TERMS[term], {"from": self._account(role)})
        assert tx.events["TitleSeized"]["position"] == len(model.seizures)
        if not model.seizures:
            model.since = tx.timestamp
        model.seizures.append([dept(role), order, TERMS[term]])
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), pick=st.integers(0, 20), term=st.integers(0, 2))
    def renew(self, u, pick, term):
        """SPC interpretation Art. 485: the renewed term runs on from the current expiry."""
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        self._settle(model, self._now())
        if not model.seizures:
            return
        seizure = model.seizures[pick % len(model.seizures)]
        role = next(r for r in COURTS if dept(r) == seizure[0])
        self.registry.renewSeizure(unit, seizure[1], TERMS[term], {"from": self._account(role)})
        seizure[2] += TERMS[term]
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
        role = next(r for r in COURTS if dept(r) == court)
        tx = self.registry.liftSeizure(unit, order, {"from": self._account(role)})
        if index == 0:
            model.since = tx.timestamp
        del model.seizures[index]
        model.spent_orders.append(order)
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), other_court=st.booleans(), holders=st.integers(0, 2), consent=st.booleans())
    def judicial_sale(self, u, other_court, holders, consent):
        """SPC rules on auction and sale in civil enforcement, Arts. 28-29: ordered by the court
        of the effective seizure (or, to check the refusal, by the other court)."""
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if consent:
            self.consent(u)
        self._settle(model, self._now())
        if model.registered and not model.seizures and not other_court:
            self.seize(u, 0, 2)  # a court auctions what it seized: seize first
        self.counter += 1
        documents = digest(f"auction {self.counter}")
        self._settle(model, self._now())
        effective = next((r for r in COURTS if model.seizures and dept(r) == model.seizures[0][0]), COURTS[0])
        role = next(r for r in COURTS if r != effective) if other_court else effective
        args = (unit, OWNER_SETS[holders], documents, digest("ruling"), {"from": self._account(role)})
        if not model.registered:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", unit)):
                self.registry.judicialSale(*args)
            return
        now = self._now()
        self._settle(model, now)
        if not model.seizures:
            with brownie.reverts(typed_error("PropertyRegistryTitleNotSeized", unit)):
                self.registry.judicialSale(*args)
            return
        if model.seizures[0][0] != dept(role):
            with brownie.reverts(typed_error("PropertyRegistryNotSeizingCourt", unit, model.seizures[0][1], dept(role))):
                self.registry.judicialSale(*args)
            return
        outcome = self._expect_notice(unit, model, now)
        if outcome not in (None, "consent"):
            with brownie.reverts(outcome):
                self.registry.judicialSale(*args)
            return
        self._read_before_change(unit)
        tx = self.registry.judicialSale(*args)
        self.reached["judicial sale"] += 1
        released = tx.events["MortgageReleased"] if "MortgageReleased" in tx.events else []
        assert [plain(e["lender"]) for e in released] == plain([m[0] for m in model.mortgages])
        assert [plain(e["order"]) for e in tx.events["SeizureLifted"]] == plain([s[1] for s in model.seizures])
        if outcome == "consent":
            model.consent = False
        model.spent_proofs += [m[1] for m in model.mortgages]
        model.spent_orders += [s[1] for s in model.seizures]
        model.mortgages, model.seizures = [], []
        self.sold.add(unit)
        model.holders, model.documents, model.version = OWNER_SETS[holders], documents, model.version + 1
        self._issue(unit, model)
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
            self.touched.add(current)
        else:
            with brownie.reverts(typed_error("PropertyRegistryCertificateNotValid", current)):
                self.registry.revokeCertificate(current, digest("R-OTHER"), {"from": self._account("registrar")})

    @rule(u=st.integers(0, 2), couple=st.booleans())
    def advance_notice(self, u, couple):
        """Art. 221: also on a unit without a title (a pre-sale flat)."""
        self._clear_boundaries()
        unit, model = UNITS[u], self.titles[UNITS[u]]
        holders = NOTICE_HOLDERS[1 if couple else 0]
        args = (unit, holders, digest("presale"), {"from": self._account("registrar")})
        if self._notice_effective(model, self._now()):
            if holders == model.notice_holders:
                tx = self.registry.registerAdvanceNotice(*args)
                assert tx.return_value is False and len(tx.events) == 0
            else:
                with brownie.reverts(typed_error("PropertyRegistryNoticeConflict", unit, 1)):
                    self.registry.registerAdvanceNotice(*args)
            return
        tx = self.registry.registerAdvanceNotice(*args)
        model.notice_at, model.notice_holders, model.consent = tx.timestamp, holders, False
        self._clear_boundaries()

    @rule(u=st.integers(0, 2), how=st.integers(0, 2))
    def dispose_under_notice(self, u, how):
        """Art. 221 head-on: with a notice standing, a transfer with the holders' consent (0), to
        exactly its holders (1), or to others without consent (2)."""
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if not self._notice_effective(model, self._now()):
            self.advance_notice(u, couple=how == 1)
        if how == 1:
            holders = 0 if model.notice_holders == NOTICE_HOLDERS[0] else 1
        else:
            holders = 2
        self.transfer(u, holders, consent=how == 0)

    def consent(self, u):
        """The registration centre records the notice holders' consent to the next disposal."""
        unit, model = UNITS[u], self.titles[UNITS[u]]
        if self._notice_effective(model, self._now()):
            self.registry.consentToDisposal(unit, digest("consent"), {"from": self._account("registrar")})
            model.consent = True

    @rule(days=st.integers(1, 45))
    def time_passes(self, days):
        chain.sleep(days * DAY + 3_607)
        chain.mine()
        self._clear_boundaries()

    # ---- invariants: one titleOf per unit per step -------------------------------------------

    @invariant()
    def chain_agrees_with_the_model_and_the_rules_hold(self):
        self.reached["checks"] += 1
        now = self._now()
        for unit, model in self.titles.items():
            view = self.registry.titleOf(unit)
            self._owners_and_shares_match_the_model(unit, model, view)
            self._frozen_title_never_changes_owner(unit, model, view, now)
            self._mortgages_rank_strictly_by_registration(model, view)
            self._seizures_match_the_model(model, view, now)
            self._no_spent_proof_or_order_is_live_again(model, view)
            self._advance_notice_holds_without_consent(unit, model, view, now)
            self._judicial_sale_leaves_no_mortgage_or_seizure(unit, view)
        self._touched_certificates_verify_to_exactly_one_state()

    def _owners_and_shares_match_the_model(self, unit, model, view):
        if not model.registered:
            assert view["status"] == 0
            return
        assert sum(share for _, share in view["owners"]) == SHARES
        assert plain(view["owners"]) == plain(model.holders)

    def _frozen_title_never_changes_owner(self, unit, model, view, now):
        if model.registered and self._frozen(model, now):
            held = self.frozen_holders.setdefault(unit, plain(view["owners"]))
            assert plain(view["owners"]) == held or unit in self.sold
        else:
            self.frozen_holders.pop(unit, None)

    def _mortgages_rank_strictly_by_registration(self, model, view):
        stored = view["mortgages"]
        sequences = [m["sequence"] for m in stored]
        assert sequences == sorted(set(sequences))
        assert [(plain(m["lender"]), plain(m["proof"]), m["sequence"], m["noTransfer"]) for m in stored] == [
            (plain(lender), plain(proof), seq, flag) for lender, proof, seq, flag in model.mortgages
        ]

    def _seizures_match_the_model(self, model, view, now):
        live = model.seizures[self._live_index(model, now):]
        stored = view["seizures"]
        assert [plain(s["order"]) for s in stored] == [plain(s[1]) for s in live]
        assert [s["effective"] for s in stored] == [i == 0 for i in range(len(stored))]
        assert view["queuedSeizureCount"] == max(len(live) - 1, 0)
        if live:
            ends = list(self._ends(model))
            assert stored[0]["endsAt"] == ends[self._live_index(model, now)]

    def _no_spent_proof_or_order_is_live_again(self, model, view):
        live_proofs = {plain(m["proof"]) for m in view["mortgages"]}
        live_orders = {plain(s["order"]) for s in view["seizures"]}
        assert not live_proofs & set(plain(model.spent_proofs))
        assert not live_orders & set(plain(model.spent_orders))

    def _advance_notice_holds_without_consent(self, unit, model, view, now):
        """Art. 221: owners change under a standing notice only with consent or to its holders."""
        notice = view["advanceNotice"]
        expected = model.notice_holders if self._notice_effective(model, now) else []
        assert plain(notice["holders"]) == plain(expected)
        owners_now = plain(view["owners"])
        previous = self.checked_owners.get(unit)
        if previous and owners_now != previous:  # (a first registration is no change of hands)
            # Owners change only through a rule that read the notice just before sending.
            holders, consent = self.before_change.pop(unit)
            if holders:
                assert consent != plain(ZERO) or sorted(o[0] for o in owners_now) == sorted(holders)
        self.checked_owners[unit] = owners_now

    def _judicial_sale_leaves_no_mortgage_or_seizure(self, unit, view):
        if unit in self.sold:
            assert len(view["mortgages"]) == 0 and len(view["seizures"]) == 0 and view["queuedSeizureCount"] == 0
            self.sold.discard(unit)

    def _touched_certificates_verify_to_exactly_one_state(self):
        for certificate in self.touched:
            unit, state = self.certificates[certificate]
            info = self.registry.verifyCertificate(certificate)
            assert (info["state"], plain(info["unit"])) == (state, plain(unit))
        self.touched.clear()
        valid = [record[0] for record in self.certificates.values() if record[1] == State.VALID]
        assert len(valid) == len(set(valid))


def test_property_registry_state_machine(property_registry, department_accounts):
    RegistryMachine.registry = property_registry
    RegistryMachine.accounts = department_accounts
    chain.snapshot()
    RegistryMachine.reached.clear()
    # The same programs every run: a random draw of RUNS programs missed a rule now and then
    # (a Ganache CI run never reached one of `wanted`), and the check below would fail for that.
    run_machine(RegistryMachine, examples=RUNS, steps=STEPS, derandomize=True)
    wanted = ["judicial sale", "transfer (consent)", "transfer (fulfil)", "transfer held by a notice",
              "spent order resent", "spent proof resent"]
    assert all(RegistryMachine.reached[w] for w in wanted), dict(RegistryMachine.reached)

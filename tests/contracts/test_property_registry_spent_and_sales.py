"""PropertyRegistry: no revival of spent records, seizure renewal and the unbounded queue
(SPC interpretation of the Civil Procedure Law, Art. 485), judicial sales (SPC rules on auction
and sale in civil enforcement, Arts. 28–29), and mortgage transfers with their claims (Civil
Code Art. 407) and cancellation on a court's decision."""

import brownie
import pytest
from brownie import chain

from conftest import plain, typed_error
from property_helpers import (
    DAY,
    UNIT,
    YEAR,
    State,
    certificate_digest,
    dept,
    digest,
    mortgage,
    owners,
    sleep,
    title,
    unit_no,
)

BANK, BANK2, FUND, COURT, COURT2 = (dept(r) for r in ("bank", "bank2", "provident_fund", "court", "court2"))
ORDER, ORDER2, ORDER3 = digest("order-1"), digest("order-2"), digest("order-3")
M1, M2 = digest("m1"), digest("m2")
BUYERS = owners(("dora", 6000), ("ed", 4000))


@pytest.fixture(autouse=True)
def registered(property_registry, registrar):
    property_registry.registerTitles([title()], {"from": registrar})


def view(registry):
    return registry.titleOf(UNIT)


# ---- no revival of spent records ---------------------------------------------------------------


def test_released_mortgage_proof_can_never_be_registered_again_art_414(property_registry, bank):
    """Civil Code Art. 414 ranks mortgages by registration: a resent, released proof must not
    come back as a new, last-ranked phantom mortgage."""
    entry = mortgage(proof="m1")
    property_registry.registerMortgages([entry], {"from": bank})
    property_registry.releaseMortgage(UNIT, M1, {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, M1)):
        property_registry.registerMortgages([entry], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, M1)):
        property_registry.registerMortgages([entry], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, M1)):
        property_registry.releaseMortgage(UNIT, M1, {"from": bank})
    assert len(view(property_registry)["mortgages"]) == 0


def test_resending_a_live_mortgage_stays_a_no_op(property_registry, bank):
    entry = mortgage(proof="m1")
    property_registry.registerMortgages([entry], {"from": bank})
    tx = property_registry.registerMortgages([entry], {"from": bank})
    assert tx.return_value == 0 and len(tx.events) == 0


def test_lifted_seizure_order_can_never_seize_again(property_registry, court):
    """A court's lifted order (解封) resent by its oracle must not re-freeze the title."""
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.liftSeizure(UNIT, ORDER, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistrySeizureSpent", UNIT, ORDER)):
        property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    assert property_registry.isTransferable(UNIT)


def test_lapsed_seizure_order_can_never_seize_again(property_registry, court):
    property_registry.seize(UNIT, ORDER, DAY, {"from": court})
    sleep(DAY + 1)
    with brownie.reverts(typed_error("PropertyRegistrySeizureSpent", UNIT, ORDER)):
        property_registry.seize(UNIT, ORDER, DAY, {"from": court})


def test_resending_a_live_seizure_stays_a_no_op(property_registry, court):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.renewSeizure(UNIT, ORDER, YEAR, {"from": court})
    tx = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    assert tx.return_value is False and len(tx.events) == 0


def test_revoked_certificate_is_never_valid_again(property_registry, registrar):
    first = view(property_registry)["certificate"]
    property_registry.revokeCertificate(first, digest("R-LOST"), {"from": registrar})
    tx = property_registry.reissueCertificate(UNIT, digest("deed"), {"from": registrar})
    assert plain(tx.events["CertificateReissued"]["certificate"]) != plain(first)
    assert property_registry.verifyCertificate(first)["state"] == State.REVOKED
    with brownie.reverts(typed_error("PropertyRegistryCertificateNotValid", first)):
        property_registry.revokeCertificate(first, digest("R-OTHER"), {"from": registrar})


def test_superseded_certificate_is_not_revived_by_a_transfer_back(property_registry, registrar):
    """Transferring back to the first owners with the first documents issues a new digest
    (the version is in it): the superseded certificate stays superseded."""
    first = view(property_registry)["certificate"]
    property_registry.transferTitle(UNIT, owners(("bob", 10_000)), digest("sale"), {"from": registrar})
    property_registry.transferTitle(UNIT, owners(("alice", 10_000)), digest("deed"), {"from": registrar})
    assert plain(view(property_registry)["certificate"]) == plain(certificate_digest(property_registry, UNIT, digest("deed"), 3))
    assert property_registry.verifyCertificate(first)["state"] == State.SUPERSEDED


# ---- seizures: renewal, unbounded queue --------------------------------------------------------


def test_renewal_only_before_expiry_art_485(property_registry, court):
    """SPC interpretation of the Civil Procedure Law, Art. 485: 续封 before the term ends; an
    unrenewed seizure lapses by itself and its order is spent."""
    property_registry.seize(UNIT, ORDER, DAY, {"from": court})
    sleep(DAY + 1)
    with brownie.reverts(typed_error("PropertyRegistrySeizureSpent", UNIT, ORDER)):
        property_registry.renewSeizure(UNIT, ORDER, YEAR, {"from": court})


def test_each_renewed_term_is_at_most_three_years_art_485(property_registry, court):
    first = property_registry.seize(UNIT, ORDER, 3 * YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryInvalidSeizure", UNIT, ORDER, 3 * YEAR + 1)):
        property_registry.renewSeizure(UNIT, ORDER, 3 * YEAR + 1, {"from": court})
    property_registry.renewSeizure(UNIT, ORDER, 3 * YEAR, {"from": court})
    property_registry.renewSeizure(UNIT, ORDER, 3 * YEAR, {"from": court})
    assert view(property_registry)["seizures"][0]["endsAt"] == first.timestamp + 9 * YEAR


def test_title_of_shows_the_effective_seizure_then_every_queued_one_and_the_count(property_registry, court, court2):
    """轮候查封: a later court's seizure queues and takes effect in order (SPC seizure provisions,
    Art. 26: the queued one registered first takes effect when the seizure is lifted; 法发〔2004〕5号
    Art. 20: queued in the order the courts' notices arrive); the
    one-call read returns the effective seizure, then every queued one in the order it takes
    effect, and how many queue."""
    orders = [digest(f"q{i}") for i in range(12)]
    for i, order in enumerate(orders):
        property_registry.seize(UNIT, order, YEAR, {"from": court if i % 2 == 0 else court2})
    info = view(property_registry)
    assert info["queuedSeizureCount"] == 11
    assert [plain(s["order"]) for s in info["seizures"]] == plain(orders)
    assert [s["effective"] for s in info["seizures"]] == [True] + [False] * 11


def test_queued_seizure_takes_effect_in_order_after_a_middle_lift(property_registry, court, court2):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.seize(UNIT, ORDER2, YEAR, {"from": court2})
    property_registry.seize(UNIT, ORDER3, YEAR, {"from": court})
    property_registry.liftSeizure(UNIT, ORDER2, {"from": court2})
    tx = property_registry.liftSeizure(UNIT, ORDER, {"from": court})
    [effective] = view(property_registry)["seizures"]
    assert (plain(effective["order"]), effective["effectiveFrom"]) == (plain(ORDER3), tx.timestamp)
    assert view(property_registry)["queuedSeizureCount"] == 0


# ---- many changes in one transaction (multicall) -------------------------------------------------


def test_multicall_seizes_many_titles_in_order_each_with_its_own_event(property_registry, registrar, court):
    """A court's day of seizures goes in one transaction: each its own seizure, check and event;
    a resent order in the same batch is a no-op, as it would be alone."""
    other = unit_no(7)
    property_registry.registerTitles([title(code=other)], {"from": registrar})
    calls = [property_registry.seize.encode_input(UNIT, ORDER, YEAR),
             property_registry.seize.encode_input(other, ORDER2, YEAR),
             property_registry.seize.encode_input(UNIT, ORDER, YEAR)]
    tx = property_registry.multicall(calls, {"from": court})
    assert [int.from_bytes(bytes(answer), "big") for answer in tx.return_value] == [1, 1, 0]
    assert [plain(e["unit"]) for e in tx.events["TitleSeized"]] == plain([UNIT, other])
    assert len(tx.events) == 2
    assert not property_registry.isTransferable(UNIT) and not property_registry.isTransferable(other)


def test_multicall_is_all_or_nothing_and_reverts_with_the_failing_calls_own_error(property_registry, court):
    """One refused change (a lift of an order never registered) refuses the batch with that
    change's typed error naming its title and order: the oracle finds the record by it."""
    calls = [property_registry.seize.encode_input(UNIT, ORDER, YEAR),
             property_registry.liftSeizure.encode_input(UNIT, ORDER2)]
    with brownie.reverts(typed_error("PropertyRegistryUnknownSeizure", UNIT, ORDER2)):
        property_registry.multicall(calls, {"from": court})
    assert property_registry.isTransferable(UNIT)  # the seizure before it undone


# ---- judicial sale --------------------------------------------------------------------------------


@pytest.fixture
def auctioned(property_registry, bank, bank2, court, court2):
    """Two mortgages (bank, bank2) and a seizure of court with one of court2 queued."""
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.registerMortgages([mortgage(proof="m2")], {"from": bank2})
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.seize(UNIT, ORDER2, YEAR, {"from": court2})


def test_judicial_sale_passes_title_free_of_mortgages_and_seizures_spc_auction_rules_arts_28_29(
    property_registry, court, auctioned
):
    """SPC rules on auction and sale in civil enforcement, Art. 28: mortgages are extinguished
    by the sale (涤除); Art. 29: the seizures are lifted; each bank and court is told by event."""
    previous = view(property_registry)["certificate"]
    tx = property_registry.judicialSale(UNIT, BUYERS, digest("auction"), digest("ruling"), {"from": court})
    assert tx.return_value is True
    assert plain([e.values() for e in tx.events["MortgageReleased"]]) == plain([[UNIT, BANK, M1], [UNIT, BANK2, M2]])
    assert plain([e.values() for e in tx.events["SeizureLifted"]]) == plain(
        [[UNIT, COURT, ORDER], [UNIT, COURT2, ORDER2]]
    )
    certificate = certificate_digest(property_registry, UNIT, digest("auction"), 2)
    assert plain(tx.events["TitleSoldJudicially"].values()) == plain(
        [UNIT, COURT, certificate, previous, digest("auction"), digest("ruling"), BUYERS]
    )
    info = view(property_registry)
    assert len(info["mortgages"]) == 0 and len(info["seizures"]) == 0 and info["queuedSeizureCount"] == 0
    assert plain(info["owners"]) == plain(BUYERS)
    assert property_registry.verifyCertificate(certificate)["state"] == State.VALID
    assert property_registry.verifyCertificate(previous)["state"] == State.SUPERSEDED
    assert property_registry.isTransferable(UNIT)


def test_judicial_sale_spends_the_extinguished_proofs_and_orders(property_registry, bank, court, court2, auctioned):
    property_registry.judicialSale(UNIT, BUYERS, digest("auction"), digest("ruling"), {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, M1)):
        property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistrySeizureSpent", UNIT, ORDER2)):
        property_registry.seize(UNIT, ORDER2, YEAR, {"from": court2})


def test_resent_judicial_sale_is_a_no_op(property_registry, court, auctioned):
    property_registry.judicialSale(UNIT, BUYERS, digest("auction"), digest("ruling"), {"from": court})
    tx = property_registry.judicialSale(UNIT, BUYERS, digest("auction"), digest("ruling"), {"from": court})
    assert tx.return_value is False and len(tx.events) == 0


def test_only_the_court_of_the_effective_seizure_orders_the_sale_spc_auction_rules_art_28(
    property_registry, court2, auctioned
):
    with brownie.reverts(typed_error("PropertyRegistryNotSeizingCourt", UNIT, ORDER, COURT2)):
        property_registry.judicialSale(UNIT, BUYERS, digest("auction"), digest("ruling"), {"from": court2})


def test_judicial_sale_needs_an_effective_seizure(property_registry, court):
    with brownie.reverts(typed_error("PropertyRegistryTitleNotSeized", UNIT)):
        property_registry.judicialSale(UNIT, BUYERS, digest("auction"), digest("ruling"), {"from": court})


def test_judicial_sale_needs_documents_and_ruling(property_registry, court, auctioned):
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.judicialSale(UNIT, BUYERS, digest("auction"), b"\x00" * 32, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.judicialSale(UNIT, BUYERS, b"\x00" * 32, digest("ruling"), {"from": court})


# ---- mortgage transfer with its claim (Art. 407), cancellation on a decision ------------------


def test_mortgage_passes_with_its_claim_keeping_its_rank_art_407(property_registry, bank, bank2, provident_fund):
    """Civil Code Art. 407: the mortgage is transferred together with the claim (a bad-loan
    sale to an asset manager, here bank2), keeping its rank and sequence."""
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.registerMortgages([mortgage(proof="m2")], {"from": provident_fund})
    tx = property_registry.transferMortgage(UNIT, M1, BANK2, digest("claim sale"), {"from": bank})
    assert tx.return_value is True
    assert plain(tx.events["MortgageTransferred"].values()) == plain([UNIT, BANK, BANK2, M1, digest("claim sale")])
    ranked = view(property_registry)["mortgages"]
    assert [(plain(m["lender"]), plain(m["proof"]), m["sequence"]) for m in ranked] == [
        (plain(BANK2), plain(M1), 1),
        (plain(FUND), plain(M2), 2),
    ]


def test_transferred_mortgage_is_released_by_its_new_lender_only(property_registry, bank, bank2):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.transferMortgage(UNIT, M1, BANK2, digest("claim sale"), {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryNotMortgagee", UNIT, M1, BANK)):
        property_registry.releaseMortgage(UNIT, M1, {"from": bank})
    tx = property_registry.releaseMortgage(UNIT, M1, {"from": bank2})
    assert plain(tx.events["MortgageReleased"].values()) == plain([UNIT, BANK2, M1])


def test_resent_mortgage_transfer_is_a_no_op(property_registry, bank):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.transferMortgage(UNIT, M1, BANK2, digest("claim sale"), {"from": bank})
    tx = property_registry.transferMortgage(UNIT, M1, BANK2, digest("claim sale"), {"from": bank})
    assert tx.return_value is False and len(tx.events) == 0


def test_mortgage_passes_only_to_an_active_bank_art_407(property_registry, directory, city_admins, bank):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    for target in (FUND, COURT, digest("no such department")):
        with brownie.reverts(typed_error("PropertyRegistryInvalidLender", UNIT, M1, target)):
            property_registry.transferMortgage(UNIT, M1, target, digest("claim sale"), {"from": bank})
    directory.suspendDepartment(BANK2, digest("audit"), {"from": city_admins[0]})
    with brownie.reverts(typed_error("PropertyRegistryInvalidLender", UNIT, M1, BANK2)):
        property_registry.transferMortgage(UNIT, M1, BANK2, digest("claim sale"), {"from": bank})


def test_only_the_mortgagee_transfers_the_mortgage(property_registry, bank, bank2):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryNotMortgagee", UNIT, M1, BANK2)):
        property_registry.transferMortgage(UNIT, M1, BANK2, digest("claim sale"), {"from": bank2})
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.transferMortgage(UNIT, M1, BANK2, b"\x00" * 32, {"from": bank})


def test_registration_centre_cancels_a_mortgage_on_a_court_decision(property_registry, registrar, bank, bank2):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.registerMortgages([mortgage(proof="m2")], {"from": bank2})
    tx = property_registry.cancelMortgageByDecision(UNIT, M1, digest("judgment"), {"from": registrar})
    assert plain(tx.events["MortgageCancelledByDecision"].values()) == plain([UNIT, BANK, M1, digest("judgment")])
    assert [plain(m["proof"]) for m in view(property_registry)["mortgages"]] == [plain(M2)]
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, M1)):
        property_registry.cancelMortgageByDecision(UNIT, M1, digest("judgment"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, M1)):
        property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})


def test_cancellation_on_a_decision_needs_the_decision_and_a_live_mortgage(property_registry, registrar):
    with brownie.reverts(typed_error("PropertyRegistryUnknownMortgage", UNIT, M1)):
        property_registry.cancelMortgageByDecision(UNIT, M1, digest("judgment"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.cancelMortgageByDecision(UNIT, M1, b"\x00" * 32, {"from": registrar})

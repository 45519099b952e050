"""PropertyRegistry mortgages (rank order, own-lender release) and court seizures (queue,
renewal, lifting, lapse by block time)."""

import brownie
import pytest
from brownie import chain

from conftest import DEPARTMENTS, department_id, plain, typed_error
from property_helpers import (
    DAY,
    LENDER_MASK,
    COURT_MASK,
    UNIT,
    YEAR,
    ZERO,
    digest,
    mortgage,
    title,
    unit_no,
)

BANK = department_id(DEPARTMENTS["bank"][0])
BANK2 = department_id(DEPARTMENTS["bank2"][0])
FUND = department_id(DEPARTMENTS["provident_fund"][0])
COURT = department_id(DEPARTMENTS["court"][0])
COURT2 = department_id(DEPARTMENTS["court2"][0])
ORDER = digest("order-1")
ORDER2 = digest("order-2")


@pytest.fixture(autouse=True)
def registered(property_registry, registrar):
    property_registry.registerTitles([title()], {"from": registrar})


def mortgages(registry):
    return registry.titleOf(UNIT)["mortgages"]


def seizures(registry):
    return registry.titleOf(UNIT)["seizures"]


def sleep(seconds):
    chain.sleep(seconds)
    chain.mine()


# ---- mortgages ------------------------------------------------------------------------------


def test_bank_registers_mortgage(property_registry, bank):
    entry = mortgage(proof="m1", amount=800_000)
    tx = property_registry.registerMortgages([entry], {"from": bank})
    assert tx.return_value == 1
    expected = [UNIT, BANK, digest("m1"), 800_000, entry[3], False, 1]
    assert plain(tx.events["MortgageRegistered"].values()) == plain(expected)
    certificate = tx.events["MortgageCertificateIssued"]["certificate"]
    assert plain(mortgages(property_registry)) == plain(
        [[BANK, digest("m1"), 800_000, entry[3], tx.timestamp, 1, False, 0, certificate]]
    )


def test_provident_fund_registers_mortgage(property_registry, provident_fund):
    property_registry.registerMortgages([mortgage(proof="hpf")], {"from": provident_fund})
    assert plain(mortgages(property_registry)[0][0]) == plain(FUND)


def test_mortgages_rank_in_registration_order(property_registry, bank, bank2, provident_fund):
    for lender, proof in [(bank, "m1"), (bank2, "m2"), (provident_fund, "m3")]:
        property_registry.registerMortgages([mortgage(proof=proof)], {"from": lender})
    ranked = mortgages(property_registry)
    assert [plain(m[0]) for m in ranked] == plain([BANK, BANK2, FUND])
    assert [m[5] for m in ranked] == [1, 2, 3]


def test_release_moves_later_mortgages_up(property_registry, bank, bank2, provident_fund):
    for lender, proof in [(bank, "m1"), (bank2, "m2"), (provident_fund, "m3")]:
        property_registry.registerMortgages([mortgage(proof=proof)], {"from": lender})
    tx = property_registry.releaseMortgage(UNIT, digest("m1"), {"from": bank})
    assert plain(tx.events["MortgageReleased"].values()) == plain([UNIT, BANK, digest("m1")])
    assert [plain(m[1]) for m in mortgages(property_registry)] == plain([digest("m2"), digest("m3")])
    property_registry.registerMortgages([mortgage(proof="m4")], {"from": bank})
    assert [m[5] for m in mortgages(property_registry)] == [2, 3, 4]


def test_release_of_middle_mortgage_keeps_order(property_registry, bank, bank2, provident_fund):
    for lender, proof in [(bank, "m1"), (bank2, "m2"), (provident_fund, "m3")]:
        property_registry.registerMortgages([mortgage(proof=proof)], {"from": lender})
    property_registry.releaseMortgage(UNIT, digest("m2"), {"from": bank2})
    assert [plain(m[1]) for m in mortgages(property_registry)] == plain([digest("m1"), digest("m3")])


def test_same_mortgage_again_is_a_no_op(property_registry, bank):
    entry = mortgage(proof="m1")
    property_registry.registerMortgages([entry], {"from": bank})
    tx = property_registry.registerMortgages([entry], {"from": bank})
    assert tx.return_value == 0 and len(tx.events) == 0


def test_conflicting_mortgage_reverts(property_registry, bank, bank2):
    entry = mortgage(proof="m1")
    property_registry.registerMortgages([entry], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryMortgageConflict", UNIT, digest("m1"))):
        property_registry.registerMortgages([entry], {"from": bank2})
    changed = (entry[0], entry[1], entry[2] + 1, entry[3], entry[4])
    with brownie.reverts(typed_error("PropertyRegistryMortgageConflict", UNIT, digest("m1"))):
        property_registry.registerMortgages([changed], {"from": bank})


@pytest.mark.parametrize(
    "entry",
    [
        lambda: (UNIT, ZERO, 1, chain.time() + YEAR, False),
        lambda: (UNIT, digest("m1"), 0, chain.time() + YEAR, False),
        lambda: (UNIT, digest("m1"), 1, 1, False),
    ],
    ids=["no-proof", "no-amount", "term-over"],
)
def test_invalid_mortgage_reverts(property_registry, bank, entry):
    built = entry()
    with brownie.reverts(typed_error("PropertyRegistryInvalidMortgage", UNIT, built[1])):
        property_registry.registerMortgages([built], {"from": bank})


def test_mortgage_needs_registered_title(property_registry, bank):
    other = unit_no(9)
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", other)):
        property_registry.registerMortgages([mortgage(code=other)], {"from": bank})


def test_seized_title_cannot_be_mortgaged(property_registry, bank, court):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", UNIT, ORDER)):
        property_registry.registerMortgages([mortgage()], {"from": bank})


def test_batch_registers_mortgages_up_to_the_limit(property_registry, bank):
    batch = [mortgage(proof=f"m{i}") for i in range(16)]
    tx = property_registry.registerMortgages(batch + batch[:2], {"from": bank})
    assert tx.return_value == 16
    assert len(mortgages(property_registry)) == 16
    with brownie.reverts(typed_error("PropertyRegistryQueueFull", UNIT)):
        property_registry.registerMortgages([mortgage(proof="m16")], {"from": bank})


def test_release_of_unknown_mortgage_reverts(property_registry, bank):
    with brownie.reverts(typed_error("PropertyRegistryUnknownMortgage", UNIT, digest("m1"))):
        property_registry.releaseMortgage(UNIT, digest("m1"), {"from": bank})


def test_lender_releases_only_its_own_mortgage(property_registry, bank, bank2):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryNotMortgagee", UNIT, digest("m1"), BANK2)):
        property_registry.releaseMortgage(UNIT, digest("m1"), {"from": bank2})


def test_non_lender_cannot_register_mortgage(property_registry, court):
    with brownie.reverts(typed_error("DepartmentUnauthorized", court, LENDER_MASK)):
        property_registry.registerMortgages([mortgage()], {"from": court})


# ---- seizures -------------------------------------------------------------------------------


def test_court_seizes_title(property_registry, court):
    tx = property_registry.seize(UNIT, ORDER, 2 * YEAR, {"from": court})
    assert tx.return_value is True
    assert plain(tx.events["TitleSeized"].values()) == plain([UNIT, COURT, ORDER, 2 * YEAR, 0])
    now = tx.timestamp
    assert plain(seizures(property_registry)) == plain([[COURT, ORDER, now, 2 * YEAR, True, now, now + 2 * YEAR]])


def test_second_seizure_queues(property_registry, court, court2):
    first = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    tx = property_registry.seize(UNIT, ORDER2, 2 * YEAR, {"from": court2})
    assert tx.events["TitleSeized"]["position"] == 1
    t0 = first.timestamp
    assert plain(seizures(property_registry)) == plain(
        [[COURT, ORDER, t0, YEAR, True, t0, t0 + YEAR], [COURT2, ORDER2, tx.timestamp, 2 * YEAR, False, 0, 0]]
    )


def test_queued_seizure_takes_effect_when_first_lapses(property_registry, court, court2, registrar):
    first = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.seize(UNIT, ORDER2, 2 * DAY, {"from": court2})
    sleep(YEAR + 10)
    end = first.timestamp + YEAR
    [only] = seizures(property_registry)
    assert plain(only) == plain([COURT2, ORDER2, only[2], 2 * DAY, True, end, end + 2 * DAY])
    assert not property_registry.isTransferable(UNIT)
    sleep(2 * DAY)
    assert len(seizures(property_registry)) == 0
    assert property_registry.isTransferable(UNIT)


def test_write_after_lapse_drops_lapsed_seizures(property_registry, court, court2):
    first = property_registry.seize(UNIT, ORDER, DAY, {"from": court})
    sleep(2 * DAY)
    tx = property_registry.seize(UNIT, ORDER2, DAY, {"from": court2})
    assert plain(tx.events["SeizureLapsed"].values()) == plain([UNIT, COURT, ORDER, first.timestamp + DAY])
    assert tx.events["TitleSeized"]["position"] == 0
    assert seizures(property_registry)[0][5] == tx.timestamp


def test_same_seizure_again_is_a_no_op(property_registry, court):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    tx = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    assert tx.return_value is False and len(tx.events) == 0


def test_conflicting_seizure_reverts(property_registry, court, court2):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistrySeizureConflict", UNIT, ORDER)):
        property_registry.seize(UNIT, ORDER, 2 * YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistrySeizureConflict", UNIT, ORDER)):
        property_registry.seize(UNIT, ORDER, YEAR, {"from": court2})


@pytest.mark.parametrize("order, term", [(ZERO, YEAR), (ORDER, 0), (ORDER, 3 * YEAR + 1)])
def test_invalid_seizure_reverts(property_registry, court, order, term):
    with brownie.reverts(typed_error("PropertyRegistryInvalidSeizure", UNIT, order, term)):
        property_registry.seize(UNIT, order, term, {"from": court})


def test_three_year_term_is_allowed(property_registry, court):
    property_registry.seize(UNIT, ORDER, 3 * YEAR, {"from": court})


def test_seizure_needs_registered_title(property_registry, court):
    other = unit_no(9)
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", other)):
        property_registry.seize(other, ORDER, YEAR, {"from": court})


def test_seizure_queue_never_refuses_a_court_order(property_registry, court):
    """SPC seizure provisions (法释〔2004〕15号 as amended 2020), Art. 26: any other court may
    queue a seizure on a seized property (轮候查封), so a registry records every court's order;
    changed on purpose from the old bound of 16 live seizures, which refused the 17th."""
    for i in range(17):
        property_registry.seize(UNIT, digest(f"order-q{i}"), YEAR, {"from": court})
    tx = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    assert tx.events["TitleSeized"]["position"] == 17


def test_lifting_effective_seizure_starts_next_now(property_registry, court, court2):
    """SPC seizure provisions (法释〔2004〕15号 as amended 2020), Art. 26: when the seizure is
    lifted, the queued one registered first takes effect at once (即自动生效), its term from then."""
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.seize(UNIT, ORDER2, YEAR, {"from": court2})
    sleep(DAY)
    tx = property_registry.liftSeizure(UNIT, ORDER, {"from": court})
    assert plain(tx.events["SeizureLifted"].values()) == plain([UNIT, COURT, ORDER])
    [only] = seizures(property_registry)
    assert (plain(only[1]), only[4], only[5], only[6]) == (plain(ORDER2), True, tx.timestamp, tx.timestamp + YEAR)


def test_lifting_queued_seizure_leaves_effective_one(property_registry, court, court2):
    first = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.seize(UNIT, ORDER2, YEAR, {"from": court2})
    property_registry.liftSeizure(UNIT, ORDER2, {"from": court2})
    [only] = seizures(property_registry)
    assert (plain(only[1]), only[5]) == (plain(ORDER), first.timestamp)


def test_lifted_title_can_be_transferred(property_registry, court, registrar):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.liftSeizure(UNIT, ORDER, {"from": court})
    assert property_registry.isTransferable(UNIT)


def test_lift_unknown_or_lapsed_seizure_reverts(property_registry, court):
    with brownie.reverts(typed_error("PropertyRegistryUnknownSeizure", UNIT, ORDER)):
        property_registry.liftSeizure(UNIT, ORDER, {"from": court})
    property_registry.seize(UNIT, ORDER, DAY, {"from": court})
    sleep(DAY + 1)
    # Changed on purpose: a lapsed order is spent, and says so.
    with brownie.reverts(typed_error("PropertyRegistrySeizureSpent", UNIT, ORDER)):
        property_registry.liftSeizure(UNIT, ORDER, {"from": court})


def test_court_lifts_only_its_own_seizure(property_registry, court, court2):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryNotSeizingCourt", UNIT, ORDER, COURT2)):
        property_registry.liftSeizure(UNIT, ORDER, {"from": court2})


def test_renewal_runs_from_the_current_expiry_not_from_now_spc_interpretation_art_485(property_registry, court):
    """SPC interpretation of the Civil Procedure Law, Art. 485: 续封 continues from the old
    expiry (changed on purpose: it used to run from the renewal)."""
    first = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    sleep(YEAR - DAY)
    tx = property_registry.renewSeizure(UNIT, ORDER, 3 * YEAR, {"from": court})
    assert plain(tx.events["SeizureRenewed"].values()) == plain([UNIT, COURT, ORDER, 3 * YEAR])
    assert seizures(property_registry)[0][6] == first.timestamp + 4 * YEAR
    sleep(3 * YEAR)
    assert len(seizures(property_registry)) == 1


def test_renewing_queued_seizure_lengthens_its_term_art_485(property_registry, court, court2):
    """Art. 485 (SPC interpretation): a renewal adds its term to the queued seizure's term."""
    first = property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.seize(UNIT, ORDER2, DAY, {"from": court2})
    property_registry.renewSeizure(UNIT, ORDER2, 2 * YEAR, {"from": court2})
    sleep(YEAR + 1)
    assert seizures(property_registry)[0][6] == first.timestamp + YEAR + DAY + 2 * YEAR


def test_renewal_checks_term_court_and_order(property_registry, court, court2):
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryInvalidSeizure", UNIT, ORDER, 3 * YEAR + 1)):
        property_registry.renewSeizure(UNIT, ORDER, 3 * YEAR + 1, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryInvalidSeizure", UNIT, ORDER, 0)):
        property_registry.renewSeizure(UNIT, ORDER, 0, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryNotSeizingCourt", UNIT, ORDER, COURT2)):
        property_registry.renewSeizure(UNIT, ORDER, YEAR, {"from": court2})
    with brownie.reverts(typed_error("PropertyRegistryUnknownSeizure", UNIT, ORDER2)):
        property_registry.renewSeizure(UNIT, ORDER2, YEAR, {"from": court})


def test_non_court_cannot_seize(property_registry, bank):
    with brownie.reverts(typed_error("DepartmentUnauthorized", bank, COURT_MASK)):
        property_registry.seize(UNIT, ORDER, YEAR, {"from": bank})


def test_release_allowed_while_seized(property_registry, bank, court):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.seize(UNIT, ORDER, YEAR, {"from": court})
    property_registry.releaseMortgage(UNIT, digest("m1"), {"from": bank})
    assert len(mortgages(property_registry)) == 0

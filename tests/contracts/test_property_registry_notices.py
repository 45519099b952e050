"""PropertyRegistry notices: the advance notice (预告登记, Civil Code Art. 221) on units with or
without a title, with several holders, its lapse 90 days after the main registration became
possible and the holders' consent to a disposal; the objection (异议登记, Art. 220) and its suit."""

import brownie
import pytest

from conftest import Kind, kind_mask, plain, typed_error
from property_helpers import (
    DAY,
    SHARES,
    UNIT,
    YEAR,
    ZERO,
    Notice,
    dept,
    digest,
    mortgage,
    owners,
    person,
    sleep,
    title,
    unit_no,
)

COUPLE = [person("carol"), person("dan")]
PRESALE = digest("presale contract")
CONSENT = digest("written consent of carol and dan")
OTHER = unit_no(7)


def notice(registry, code=UNIT):
    return registry.titleOf(code)["advanceNotice"]


@pytest.fixture
def presold(property_registry, registrar):
    """UNIT has no title; carol and dan hold an advance notice on it."""
    return property_registry.registerAdvanceNotice(UNIT, COUPLE, PRESALE, {"from": registrar})


@pytest.fixture
def held(property_registry, registrar):
    """UNIT registered to alice, with carol and dan's advance notice on it."""
    property_registry.registerTitles([title()], {"from": registrar})
    property_registry.registerTitles([title(code=OTHER)], {"from": registrar})
    return property_registry.registerAdvanceNotice(UNIT, COUPLE, PRESALE, {"from": registrar})


# ---- advance notice: where and for whom -----------------------------------------------------


def test_advance_notice_stands_on_a_unit_without_title_art_221(property_registry, presold):
    """Art. 221: a pre-sale flat's buyers register an advance notice before the first registration;
    with no title and no day set, it stands (lapsesAt 0)."""
    assert plain(presold.events["NoticeRegistered"].values()) == plain([UNIT, Notice.ADVANCE, COUPLE[0], PRESALE, 0])
    assert plain(presold.events["AdvanceNoticeHolders"].values()) == plain([UNIT, COUPLE])
    sleep(400 * DAY)
    info = property_registry.titleOf(UNIT)
    assert info["status"] == 0
    standing = property_registry.titleOf(UNIT)["advanceNotice"]
    assert plain(standing["holders"]) == plain(COUPLE) and standing["lapsesAt"] == 0


def test_advance_notice_needs_a_known_unit(property_registry, registrar):
    bad = unit_no(1, county="431322")
    with brownie.reverts(typed_error("PropertyRegistryUnknownCounty", bad)):
        property_registry.registerAdvanceNotice(bad, COUPLE, PRESALE, {"from": registrar})


@pytest.mark.parametrize(
    "holders",
    [[], [ZERO], [person("carol"), person("carol")], [person(f"p{i}") for i in range(8)]],
    ids=["none", "zero", "twice", "eight"],
)
def test_advance_notice_holders_are_one_to_seven_distinct(property_registry, registrar, holders):
    with brownie.reverts(typed_error("PropertyRegistryInvalidNotice", UNIT)):
        property_registry.registerAdvanceNotice(UNIT, holders, PRESALE, {"from": registrar})


def test_resent_advance_notice_is_a_no_op_and_another_conflicts(property_registry, registrar, presold):
    tx = property_registry.registerAdvanceNotice(UNIT, COUPLE, PRESALE, {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0
    with brownie.reverts(typed_error("PropertyRegistryNoticeConflict", UNIT, Notice.ADVANCE)):
        property_registry.registerAdvanceNotice(UNIT, COUPLE[:1], PRESALE, {"from": registrar})


# ---- advance notice: lapse ------------------------------------------------------------------------


def test_advance_notice_lapses_90_days_after_the_title_is_registered_not_after_the_notice_art_221(
    property_registry, registrar, presold
):
    """Art. 221: it lapses 90 days after the day the main registration became possible — here
    the day the developer's title is registered — not 90 days after the notice itself."""
    sleep(60 * DAY)
    first = property_registry.registerTitles([title(holders=owners(("developer", SHARES)))], {"from": registrar})
    assert notice(property_registry)["lapsesAt"] == first.timestamp + 90 * DAY
    sleep(89 * DAY)
    assert plain(notice(property_registry)["holders"]) == plain(COUPLE)  # 149 days after the notice
    sleep(2 * DAY)
    assert plain(notice(property_registry)["holders"]) == []
    assert property_registry.isTransferable(UNIT)


def test_registration_centre_sets_the_day_registration_became_possible_art_221(property_registry, registrar, presold):
    since = presold.timestamp + 10 * DAY
    sleep(20 * DAY)
    tx = property_registry.setRegistrationPossibleSince(UNIT, since, {"from": registrar})
    assert plain(tx.events["AdvanceNoticeLapseSet"].values()) == [plain(UNIT), since, since + 90 * DAY]
    assert notice(property_registry)["lapsesAt"] == since + 90 * DAY
    again = property_registry.setRegistrationPossibleSince(UNIT, since, {"from": registrar})
    assert again.return_value is False and len(again.events) == 0
    sleep(81 * DAY)
    assert plain(notice(property_registry)["holders"]) == []
    with brownie.reverts(typed_error("PropertyRegistryUnknownNotice", UNIT, Notice.ADVANCE)):
        property_registry.setRegistrationPossibleSince(UNIT, since, {"from": registrar})


def test_day_registration_became_possible_is_not_in_the_future(property_registry, registrar, presold):
    with brownie.reverts(typed_error("PropertyRegistryInvalidNotice", UNIT)):
        property_registry.setRegistrationPossibleSince(UNIT, presold.timestamp + YEAR, {"from": registrar})


# ---- advance notice: disposals -------------------------------------------------------------------


def _dispose(registry, change, registrar, bank):
    if change == "transfer":
        return registry.transferTitle(UNIT, owners(("eve", SHARES)), digest("sale"), {"from": registrar})
    if change == "mortgage":
        return registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    if change == "cancel":
        return registry.cancelTitle(UNIT, digest("demolition"), digest("R"), {"from": registrar})
    if change == "split":
        parts = [title(code=unit_no(60)), title(code=unit_no(61))]
        return registry.splitTitle(UNIT, parts, digest("survey"), {"from": registrar})
    return registry.mergeTitles([OTHER, UNIT], title(code=unit_no(62)), digest("survey"), {"from": registrar})


CHANGES = ["transfer", "mortgage", "cancel", "split", "merge"]


@pytest.mark.parametrize("change", CHANGES)
def test_advance_notice_holds_every_disposal_without_consent_art_221(property_registry, registrar, bank, held, change):
    """Art. 221: while the advance notice stands, a disposal without the holders' consent has no
    effect: transfer, mortgage, cancellation, split and merge all revert."""
    with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", UNIT)):
        _dispose(property_registry, change, registrar, bank)


@pytest.mark.parametrize("change", CHANGES)
def test_recorded_consent_lets_one_disposal_through_art_221(property_registry, registrar, bank, held, change):
    tx = property_registry.consentToDisposal(UNIT, CONSENT, {"from": registrar})
    assert plain(tx.events["AdvanceNoticeConsentRecorded"].values()) == plain([UNIT, CONSENT])
    assert plain(notice(property_registry)["consent"]) == plain(CONSENT)
    assert _dispose(property_registry, change, registrar, bank).status == 1
    if change in ("transfer", "mortgage"):  # the title lives on; the consent is used up
        assert plain(notice(property_registry)["consent"]) == plain(ZERO)
        with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", UNIT)):
            property_registry.registerMortgages([mortgage(proof="m2")], {"from": bank})


def test_transfer_to_all_holders_fulfils_the_advance_notice_art_221(property_registry, registrar, held):
    """Art. 221: the couple's own transfer, in any order of owners, fulfils and removes the notice."""
    buyers = owners(("dan", 5000), ("carol", 5000))
    tx = property_registry.transferTitle(UNIT, buyers, digest("sale"), {"from": registrar})
    assert plain(tx.events["NoticeRemoved"].values()) == plain([UNIT, Notice.ADVANCE, COUPLE[0]])
    assert plain(notice(property_registry)["holders"]) == []


def test_transfer_to_one_of_two_holders_is_held_art_221(property_registry, registrar, held):
    with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", UNIT)):
        property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})


def test_judicial_sale_is_held_by_an_advance_notice_art_221(property_registry, registrar, court, held):
    property_registry.seize(UNIT, digest("order"), YEAR, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", UNIT)):
        property_registry.judicialSale(UNIT, owners(("eve", SHARES)), digest("auction"), digest("ruling"), {"from": court})


def test_consent_needs_a_standing_notice_and_a_digest(property_registry, registrar, held):
    with brownie.reverts(typed_error("PropertyRegistryInvalidNotice", UNIT)):
        property_registry.consentToDisposal(UNIT, ZERO, {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryUnknownNotice", OTHER, Notice.ADVANCE)):
        property_registry.consentToDisposal(OTHER, CONSENT, {"from": registrar})
    property_registry.consentToDisposal(UNIT, CONSENT, {"from": registrar})
    tx = property_registry.consentToDisposal(UNIT, CONSENT, {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


# ---- objection (Art. 220) ----------------------------------------------------------------------------


@pytest.fixture
def objected(property_registry, registrar):
    property_registry.registerTitles([title()], {"from": registrar})
    return property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})


@pytest.mark.parametrize("recorder", ["court", "registrar"])
def test_objection_with_recorded_suit_stands_until_removed_art_220(property_registry, registrar, objected, request, recorder):
    """Art. 220: an objection lapses 15 days after registration unless the objector sues; once
    the suit is recorded (by a court or the registration centre) it stands until removed."""
    tx = property_registry.recordObjectionSuit(UNIT, digest("suit"), {"from": request.getfixturevalue(recorder)})
    assert plain(tx.events["ObjectionSuitRecorded"].values()) == plain([UNIT, person("eve"), digest("suit"), dept(recorder)])
    sleep(100 * DAY)
    standing = property_registry.titleOf(UNIT)["objection"]
    assert (plain(standing["holder"]), plain(standing["suit"]), standing["lapsesAt"]) == (plain(person("eve")), plain(digest("suit")), 0)
    property_registry.removeNotice(UNIT, Notice.OBJECTION, {"from": registrar})
    assert plain(property_registry.titleOf(UNIT)["objection"]["holder"]) == plain(ZERO)


def test_objection_without_suit_lapses_after_15_days_art_220(property_registry, court, objected):
    sleep(15 * DAY + 1)
    with brownie.reverts(typed_error("PropertyRegistryUnknownNotice", UNIT, Notice.OBJECTION)):
        property_registry.recordObjectionSuit(UNIT, digest("suit"), {"from": court})


def test_objection_suit_is_recorded_once(property_registry, court, objected):
    property_registry.recordObjectionSuit(UNIT, digest("suit"), {"from": court})
    tx = property_registry.recordObjectionSuit(UNIT, digest("suit"), {"from": court})
    assert tx.return_value is False and len(tx.events) == 0
    with brownie.reverts(typed_error("PropertyRegistryNoticeConflict", UNIT, Notice.OBJECTION)):
        property_registry.recordObjectionSuit(UNIT, digest("other suit"), {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryInvalidNotice", UNIT)):
        property_registry.recordObjectionSuit(UNIT, ZERO, {"from": court})


def test_only_a_court_or_the_registration_centre_records_a_suit(property_registry, bank, objected):
    mask = kind_mask(Kind.COURT, Kind.REAL_ESTATE_REGISTRATION)
    with brownie.reverts(typed_error("DepartmentUnauthorized", bank, mask)):
        property_registry.recordObjectionSuit(UNIT, digest("suit"), {"from": bank})

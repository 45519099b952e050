"""PropertyRegistry: counties, unit codes, title registration (single and batch), transfers,
cancellation, certificates and notices. Mortgages and seizures: test_property_registry_encumbrances.py."""

import brownie
import pytest
from brownie import chain

from conftest import plain, typed_error
from property_helpers import (
    DAY,
    REGISTRAR_MASK,
    SHARES,
    UNIT,
    ZERO,
    Notice,
    State,
    certificate_digest,
    digest,
    mortgage,
    owners,
    person,
    title,
    unit,
    unit_no,
)


@pytest.fixture
def registered(property_registry, registrar):
    tx = property_registry.registerTitles([title()], {"from": registrar})
    return tx


def current_certificate(registry, code=UNIT):
    return bytes(registry.titleOf(code)["certificate"])


# ---- counties ------------------------------------------------------------------------------


def test_a_proposal_adds_a_county(property_registry, directory, run_proposal):
    tx = run_proposal(property_registry, property_registry.addCounty.encode_input(b"431322"))
    assert plain(tx.events["CountyAdded"].values()) == [plain(b"431322"), directory.address.lower()]
    assert property_registry.isCounty(b"431322")


def test_adding_known_county_is_a_no_op(property_registry, directory, run_proposal):
    tx = run_proposal(property_registry, property_registry.addCounty.encode_input(b"431302"))
    assert "CountyAdded" not in tx.events
    assert property_registry.addCounty.call(b"431302", {"from": directory.address}) is False


def test_county_must_be_six_digits(property_registry, run_proposal):
    with brownie.reverts(typed_error("PropertyRegistryInvalidCounty", b"43130A")):
        run_proposal(property_registry, property_registry.addCounty.encode_input(b"43130A"))


@pytest.mark.parametrize("role", ["city_admins", "registrar", "stranger"])
def test_only_an_executed_proposal_adds_a_county(property_registry, request, role):
    caller = request.getfixturevalue(role)
    caller = caller[0] if role == "city_admins" else caller
    with brownie.reverts(typed_error("DepartmentGatedOnlyByProposal", caller)):
        property_registry.addCounty(b"431322", {"from": caller})


# ---- unit codes ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unit_codes(UnitCodeHarness, accounts):
    """The registry's unit-code check (UnitCode.isValid, applied to every new title)."""
    return UnitCodeHarness.deploy({"from": accounts[0]})


@pytest.mark.parametrize(
    "code",
    ["431302001002GB00017F00030102", "431321000000JA00001W00000000", "431381123456ZZ99999L12345678"],
)
def test_well_formed_unit_codes(unit_codes, code):
    assert unit_codes.isValid(unit(code))


@pytest.mark.parametrize(
    "raw",
    [
        unit("431302001002GB00017F0003010"),  # 27 characters
        unit("431302001002GB00017F000301021"),  # 29 characters
        unit("43130X001002GB00017F00030102"),  # letter in the county
        unit("431302001002XB00017F00030102"),  # ownership not G/J/Z
        unit("431302001002Gb00017F00030102"),  # right kind not A-Z
        unit("431302001002GB0001AF00030102"),  # letter in the parcel number
        unit("431302001002GB00017A00030102"),  # fixture feature not F/L/Q/W
        unit("431302001002GB00017W00030102"),  # no fixture but a unit number
        unit("431302001002GB00017F0003010 "),  # space in the unit number
        unit("43130:001002GB00017F00030102"),  # ':' just above '9'
        unit("431302001002GB00017F0003010/"),  # '/' just below '0'
        unit("431302001002gB00017F00030102"),  # lowercase ownership
        unit("431302001002GB00017f00030102"),  # lowercase fixture feature
        b"431302\xb0" + unit("01002GB00017F00030102")[:25],  # non-ASCII byte
        unit("431302001002GB00017F00030102")[:31] + b"\x01",  # trailing byte set
    ],
)
def test_malformed_unit_codes(unit_codes, raw):
    assert not unit_codes.isValid(raw)


# ---- registration ------------------------------------------------------------------------------


def test_registrar_registers_title(property_registry, registrar):
    holders = owners(("alice", 6000), ("bob", 4000))
    tx = property_registry.registerTitles([title(holders=holders, right_type=3)], {"from": registrar})
    assert tx.return_value == 1
    certificate = certificate_digest(property_registry, UNIT, digest("deed"), 1)
    assert plain(tx.events["TitleRegistered"].values()) == plain([UNIT, certificate, 3, digest("deed"), holders])
    view = property_registry.titleOf(UNIT)
    assert plain(view["owners"]) == plain(holders)
    assert (view["status"], view["rightType"]) == (1, 3)
    assert view["registeredAt"] == view["updatedAt"] == tx.timestamp
    assert plain(view["documents"]) == plain(digest("deed"))
    assert plain(view["certificate"]) == plain(certificate)
    assert plain(property_registry.verifyCertificate(certificate)) == plain([State.VALID, UNIT, tx.timestamp, ZERO, ZERO])


def test_same_title_again_is_a_no_op(property_registry, registrar, registered):
    tx = property_registry.registerTitles([title()], {"from": registrar})
    assert tx.return_value == 0
    assert len(tx.events) == 0


@pytest.mark.parametrize(
    "changed",
    [
        title(holders=owners(("bob", SHARES))),
        title(right_type=2),
        title(documents="other deed"),
        title(holders=owners(("alice", 5000), ("bob", 5000))),
    ],
)
def test_conflicting_title_reverts_naming_unit(property_registry, registrar, registered, changed):
    with brownie.reverts(typed_error("PropertyRegistryTitleConflict", UNIT)):
        property_registry.registerTitles([changed], {"from": registrar})


def test_malformed_unit_code_reverts(property_registry, registrar):
    bad = unit("431302001002GB00017A00030102")
    with brownie.reverts(typed_error("PropertyRegistryInvalidUnitCode", bad)):
        property_registry.registerTitles([title(code=bad)], {"from": registrar})


def test_unknown_county_reverts(property_registry, registrar):
    code = unit_no(1, county="431322")
    with brownie.reverts(typed_error("PropertyRegistryUnknownCounty", code)):
        property_registry.registerTitles([title(code=code)], {"from": registrar})


def test_zero_right_type_reverts(property_registry, registrar):
    with brownie.reverts(typed_error("PropertyRegistryInvalidRightType", UNIT)):
        property_registry.registerTitles([title(right_type=0)], {"from": registrar})


def test_zero_documents_reverts(property_registry, registrar):
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.registerTitles([(UNIT, 1, ZERO, owners(("alice", SHARES)))], {"from": registrar})


@pytest.mark.parametrize(
    "holders",
    [
        [],
        [(person(f"p{i}"), 1250) for i in range(8)],
        [(ZERO, SHARES)],
        [(person("alice"), 0), (person("bob"), SHARES)],
        [(person("alice"), 5000), (person("alice"), 5000)],
    ],
    ids=["none", "eight", "zero-holder", "zero-share", "duplicate"],
)
def test_invalid_owners_revert(property_registry, registrar, holders):
    with brownie.reverts(typed_error("PropertyRegistryInvalidOwners", UNIT)):
        property_registry.registerTitles([title(holders=holders)], {"from": registrar})


@pytest.mark.parametrize("shares", [(5000, 4999), (5000, 5001)])
def test_shares_must_sum_to_whole(property_registry, registrar, shares):
    holders = owners(("alice", shares[0]), ("bob", shares[1]))
    with brownie.reverts(typed_error("PropertyRegistryInvalidShares", UNIT, sum(shares))):
        property_registry.registerTitles([title(holders=holders)], {"from": registrar})


def test_seven_co_owners_fit(property_registry, registrar):
    holders = [(person(f"p{i}"), s) for i, s in enumerate([4000, 1000, 1000, 1000, 1000, 1000, 1000])]
    property_registry.registerTitles([title(holders=holders)], {"from": registrar})
    assert plain(property_registry.titleOf(UNIT)["owners"]) == plain(holders)


def test_unregistered_signer_cannot_register(property_registry, stranger):
    with brownie.reverts(typed_error("DepartmentUnauthorized", stranger, REGISTRAR_MASK)):
        property_registry.registerTitles([title()], {"from": stranger})


def test_batch_registers_every_new_title(property_registry, registrar):
    batch = [title(code=unit_no(i)) for i in range(3)]
    tx = property_registry.registerTitles(batch, {"from": registrar})
    assert tx.return_value == 3
    assert [plain(e["unit"]) for e in tx.events["TitleRegistered"]] == [plain(unit_no(i)) for i in range(3)]


def test_batch_skips_titles_already_registered(property_registry, registrar):
    property_registry.registerTitles([title(code=unit_no(1))], {"from": registrar})
    tx = property_registry.registerTitles([title(code=unit_no(i)) for i in range(3)], {"from": registrar})
    assert tx.return_value == 2
    assert len(tx.events["TitleRegistered"]) == 2


def test_batch_with_a_conflict_reverts_whole(property_registry, registrar):
    property_registry.registerTitles([title(code=unit_no(2))], {"from": registrar})
    batch = [title(code=unit_no(1)), title(code=unit_no(2), documents="other")]
    with brownie.reverts(typed_error("PropertyRegistryTitleConflict", unit_no(2))):
        property_registry.registerTitles(batch, {"from": registrar})
    assert property_registry.titleOf(unit_no(1))["status"] == 0


def test_unknown_title_reads_empty(property_registry):
    view = property_registry.titleOf(UNIT)
    assert view["status"] == 0 and len(view["owners"]) == 0
    assert plain(view["certificate"]) == plain(ZERO)


# ---- transfer ------------------------------------------------------------------------------


def test_transfer_replaces_owners_and_supersedes_certificate(property_registry, registrar, registered):
    old = current_certificate(property_registry)
    holders = owners(("carol", 7000), ("dan", 3000))
    chain.sleep(10)
    tx = property_registry.transferTitle(UNIT, holders, digest("sale"), {"from": registrar})
    assert tx.return_value is True
    new = certificate_digest(property_registry, UNIT, digest("sale"), 2)
    assert plain(tx.events["TitleTransferred"].values()) == plain([UNIT, new, old, digest("sale"), holders])
    view = property_registry.titleOf(UNIT)
    assert plain(view["owners"]) == plain(holders)
    assert view["updatedAt"] == tx.timestamp and view["registeredAt"] < tx.timestamp
    assert property_registry.verifyCertificate(old)["state"] == State.SUPERSEDED
    assert property_registry.verifyCertificate(new)["state"] == State.VALID


def test_transfer_to_fewer_owners_drops_the_rest(property_registry, registrar):
    property_registry.registerTitles([title(holders=owners(("a", 5000), ("b", 5000)))], {"from": registrar})
    property_registry.transferTitle(UNIT, owners(("c", SHARES)), digest("sale"), {"from": registrar})
    assert plain(property_registry.titleOf(UNIT)["owners"]) == plain(owners(("c", SHARES)))


def test_same_transfer_again_is_a_no_op(property_registry, registrar, registered):
    property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})
    tx = property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_transfer_of_unknown_title_reverts(property_registry, registrar):
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", UNIT)):
        property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})


def test_transfer_needs_documents(property_registry, registrar, registered):
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.transferTitle(UNIT, owners(("carol", SHARES)), ZERO, {"from": registrar})


def test_transfer_checks_owners(property_registry, registrar, registered):
    with brownie.reverts(typed_error("PropertyRegistryInvalidShares", UNIT, 9000)):
        property_registry.transferTitle(UNIT, owners(("carol", 9000)), digest("sale"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryInvalidOwners", UNIT)):
        property_registry.transferTitle(UNIT, [], digest("sale"), {"from": registrar})


def test_transfer_keeps_mortgages_and_notifies_each_bank_once(
    property_registry, registrar, bank, provident_fund, registered
):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.registerMortgages([mortgage(proof="m2")], {"from": provident_fund})
    property_registry.registerMortgages([mortgage(proof="m3")], {"from": bank})
    tx = property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})
    new = current_certificate(property_registry)
    notified = [plain(e.values()) for e in tx.events["MortgageeNotified"]]
    bank_id = property_registry.titleOf(UNIT)["mortgages"][0][0]
    fund_id = property_registry.titleOf(UNIT)["mortgages"][1][0]
    assert notified == plain([[UNIT, bank_id, new], [UNIT, fund_id, new]])
    assert [plain(m[1]) for m in property_registry.titleOf(UNIT)["mortgages"]] == plain(
        [digest("m1"), digest("m2"), digest("m3")]
    )


def test_no_transfer_agreement_blocks_transfer(property_registry, registrar, bank, registered):
    property_registry.registerMortgages([mortgage(proof="m1", no_transfer=True)], {"from": bank})
    assert not property_registry.isTransferable(UNIT)
    with brownie.reverts(typed_error("PropertyRegistryNoTransferAgreement", UNIT, digest("m1"))):
        property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})


def test_released_no_transfer_mortgage_unblocks_transfer(property_registry, registrar, bank, registered):
    property_registry.registerMortgages([mortgage(proof="m1", no_transfer=True)], {"from": bank})
    property_registry.releaseMortgage(UNIT, digest("m1"), {"from": bank})
    assert property_registry.isTransferable(UNIT)
    property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})


def test_seizure_blocks_transfer(property_registry, registrar, court, registered):
    property_registry.seize(UNIT, digest("order"), 365 * DAY, {"from": court})
    assert not property_registry.isTransferable(UNIT)
    with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", UNIT, digest("order"))):
        property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})


def test_transferability_of_unknown_title(property_registry):
    assert not property_registry.isTransferable(UNIT)


# ---- notices --------------------------------------------------------------------------------

NO_NOTICE = [ZERO, ZERO, 0, 0, [], ZERO, ZERO]


def test_registrar_registers_advance_notice(property_registry, registrar, registered):
    tx = property_registry.registerNotice(UNIT, Notice.ADVANCE, person("carol"), digest("presale"), {"from": registrar})
    assert tx.return_value is True
    lapses = tx.timestamp + 90 * DAY
    expected = [UNIT, Notice.ADVANCE, person("carol"), digest("presale"), lapses]
    assert plain(tx.events["NoticeRegistered"].values()) == plain(expected)
    assert plain(property_registry.titleOf(UNIT)["advanceNotice"]) == plain(
        [person("carol"), digest("presale"), tx.timestamp, lapses, [person("carol")], ZERO, ZERO]
    )
    assert not property_registry.isTransferable(UNIT)


def test_advance_notice_blocks_transfer_to_others(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.ADVANCE, person("carol"), digest("presale"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", UNIT)):
        property_registry.transferTitle(UNIT, owners(("dan", SHARES)), digest("sale"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryAdvanceNoticeHeld", UNIT)):
        property_registry.transferTitle(UNIT, owners(("carol", 5000), ("dan", 5000)), digest("sale"), {"from": registrar})


def test_transfer_to_notice_holder_fulfils_notice(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.ADVANCE, person("carol"), digest("presale"), {"from": registrar})
    tx = property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})
    assert plain(tx.events["NoticeRemoved"].values()) == plain([UNIT, Notice.ADVANCE, person("carol")])
    assert plain(property_registry.titleOf(UNIT)["advanceNotice"]) == plain(NO_NOTICE)


def test_advance_notice_lapses_after_90_days(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.ADVANCE, person("carol"), digest("presale"), {"from": registrar})
    chain.sleep(90 * DAY + 1)
    chain.mine()
    assert plain(property_registry.titleOf(UNIT)["advanceNotice"]) == plain(NO_NOTICE)
    tx = property_registry.transferTitle(UNIT, owners(("dan", SHARES)), digest("sale"), {"from": registrar})
    assert "NoticeRemoved" not in tx.events


def test_objection_lapses_after_15_days_and_blocks_nothing(property_registry, registrar, registered):
    tx = property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    assert tx.events["NoticeRegistered"]["lapsesAt"] == tx.timestamp + 15 * DAY
    assert property_registry.isTransferable(UNIT)
    chain.sleep(15 * DAY - 100)
    chain.mine()
    assert plain(property_registry.titleOf(UNIT)["objection"][0]) == plain(person("eve"))
    chain.sleep(200)
    chain.mine()
    assert plain(property_registry.titleOf(UNIT)["objection"]) == plain(NO_NOTICE)


def test_same_notice_again_is_a_no_op(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    tx = property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_second_effective_notice_conflicts(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.ADVANCE, person("carol"), digest("presale"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryNoticeConflict", UNIT, Notice.ADVANCE)):
        property_registry.registerNotice(UNIT, Notice.ADVANCE, person("dan"), digest("presale"), {"from": registrar})


def test_lapsed_notice_is_replaced(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    chain.sleep(15 * DAY + 1)
    tx = property_registry.registerNotice(UNIT, Notice.OBJECTION, person("fay"), digest("claim 2"), {"from": registrar})
    assert tx.return_value is True
    assert plain(property_registry.titleOf(UNIT)["objection"][0]) == plain(person("fay"))


@pytest.mark.parametrize(
    "kind, holder, documents",
    [(Notice.NONE, person("carol"), digest("d")), (Notice.ADVANCE, ZERO, digest("d")), (Notice.OBJECTION, person("c"), ZERO)],
)
def test_invalid_notice_reverts(property_registry, registrar, registered, kind, holder, documents):
    with brownie.reverts(typed_error("PropertyRegistryInvalidNotice", UNIT)):
        property_registry.registerNotice(UNIT, kind, holder, documents, {"from": registrar})


def test_objection_needs_registered_title(property_registry, registrar):
    """Changed on purpose: an advance notice may now stand on a unit without a title (Art. 221,
    see test_property_registry_notices.py); an objection (Art. 220) still needs one."""
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", UNIT)):
        property_registry.registerNotice(UNIT, Notice.OBJECTION, person("carol"), digest("d"), {"from": registrar})


def test_registrar_removes_notice(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.ADVANCE, person("carol"), digest("presale"), {"from": registrar})
    tx = property_registry.removeNotice(UNIT, Notice.ADVANCE, {"from": registrar})
    assert plain(tx.events["NoticeRemoved"].values()) == plain([UNIT, Notice.ADVANCE, person("carol")])
    assert property_registry.isTransferable(UNIT)


@pytest.mark.parametrize("kind", [Notice.NONE, Notice.ADVANCE, Notice.OBJECTION])
def test_removing_absent_notice_reverts(property_registry, registrar, registered, kind):
    with brownie.reverts(typed_error("PropertyRegistryUnknownNotice", UNIT, kind)):
        property_registry.removeNotice(UNIT, kind, {"from": registrar})


def test_removing_lapsed_notice_reverts(property_registry, registrar, registered):
    property_registry.registerNotice(UNIT, Notice.OBJECTION, person("eve"), digest("claim"), {"from": registrar})
    chain.sleep(15 * DAY + 1)
    with brownie.reverts(typed_error("PropertyRegistryUnknownNotice", UNIT, Notice.OBJECTION)):
        property_registry.removeNotice(UNIT, Notice.OBJECTION, {"from": registrar})


# ---- cancellation ---------------------------------------------------------------------------


def test_cancel_ends_title_and_revokes_certificate(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    tx = property_registry.cancelTitle(UNIT, digest("demolition"), digest("R-DEMOLISHED"), {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["TitleCancelled"].values()) == plain([UNIT, cert, digest("demolition"), digest("R-DEMOLISHED")])
    assert plain(tx.events["CertificateRevoked"].values()) == plain([UNIT, cert, digest("R-DEMOLISHED")])
    assert property_registry.titleOf(UNIT)["status"] == 2
    info = property_registry.verifyCertificate(cert)
    assert (info["state"], plain(info["revocationReason"])) == (State.REVOKED, plain(digest("R-DEMOLISHED")))


def test_cancelling_again_is_a_no_op(property_registry, registrar, registered):
    property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})
    tx = property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_cancelled_title_cannot_be_registered_or_transferred(property_registry, registrar, registered):
    property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryTitleConflict", UNIT)):
        property_registry.registerTitles([title()], {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", UNIT)):
        property_registry.transferTitle(UNIT, owners(("carol", SHARES)), digest("sale"), {"from": registrar})


def test_cancel_keeps_earlier_revocation(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    property_registry.revokeCertificate(cert, digest("R-LOST"), {"from": registrar})
    tx = property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})
    assert "CertificateRevoked" not in tx.events
    assert plain(property_registry.verifyCertificate(cert)["revocationReason"]) == plain(digest("R-LOST"))


def test_cancel_unknown_title_reverts(property_registry, registrar):
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", UNIT)):
        property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})


def test_cancel_needs_reason(property_registry, registrar, registered):
    with brownie.reverts(typed_error("PropertyRegistryInvalidReasonCode", UNIT)):
        property_registry.cancelTitle(UNIT, digest("d"), ZERO, {"from": registrar})


def test_seized_title_cannot_be_cancelled(property_registry, registrar, court, registered):
    property_registry.seize(UNIT, digest("order"), 365 * DAY, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", UNIT, digest("order"))):
        property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})


def test_mortgaged_title_cannot_be_cancelled(property_registry, registrar, bank, registered):
    property_registry.registerMortgages([mortgage()], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryTitleEncumbered", UNIT)):
        property_registry.cancelTitle(UNIT, digest("d"), digest("R"), {"from": registrar})


# ---- certificates ---------------------------------------------------------------------------


def test_unknown_certificate_verifies_as_none(property_registry):
    assert plain(property_registry.verifyCertificate(digest("forged"))) == plain([State.NONE, ZERO, 0, ZERO, ZERO])


def test_registrar_revokes_certificate(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    tx = property_registry.revokeCertificate(cert, digest("R-LOST"), {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["CertificateRevoked"].values()) == plain([UNIT, cert, digest("R-LOST")])
    assert property_registry.verifyCertificate(cert)["state"] == State.REVOKED


def test_same_revocation_again_is_a_no_op(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    property_registry.revokeCertificate(cert, digest("R-LOST"), {"from": registrar})
    tx = property_registry.revokeCertificate(cert, digest("R-LOST"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_only_valid_certificates_are_revoked(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    property_registry.revokeCertificate(cert, digest("R-LOST"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryCertificateNotValid", cert)):
        property_registry.revokeCertificate(cert, digest("R-OTHER"), {"from": registrar})
    property_registry.reissueCertificate(UNIT, digest("deed"), {"from": registrar})
    property_registry.reissueCertificate(UNIT, digest("deed 2"), {"from": registrar})
    superseded = certificate_digest(property_registry, UNIT, digest("deed"), 2)
    with brownie.reverts(typed_error("PropertyRegistryCertificateNotValid", superseded)):
        property_registry.revokeCertificate(superseded, digest("R"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryCertificateNotValid", digest("forged"))):
        property_registry.revokeCertificate(digest("forged"), digest("R"), {"from": registrar})


def test_revocation_needs_reason(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    with brownie.reverts(typed_error("PropertyRegistryInvalidReasonCode", cert)):
        property_registry.revokeCertificate(cert, ZERO, {"from": registrar})


def test_reissue_supersedes_current_certificate(property_registry, registrar, registered):
    old = current_certificate(property_registry)
    tx = property_registry.reissueCertificate(UNIT, digest("replacement"), {"from": registrar})
    assert tx.return_value is True
    new = certificate_digest(property_registry, UNIT, digest("replacement"), 2)
    assert plain(tx.events["CertificateReissued"].values()) == plain([UNIT, new, old, digest("replacement")])
    assert property_registry.verifyCertificate(old)["state"] == State.SUPERSEDED
    assert property_registry.verifyCertificate(new)["state"] == State.VALID


def test_reissue_with_same_documents_is_a_no_op_while_valid(property_registry, registrar, registered):
    tx = property_registry.reissueCertificate(UNIT, digest("deed"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_reissue_after_revocation_issues_new_certificate(property_registry, registrar, registered):
    old = current_certificate(property_registry)
    property_registry.revokeCertificate(old, digest("R-LOST"), {"from": registrar})
    property_registry.reissueCertificate(UNIT, digest("deed"), {"from": registrar})
    new = current_certificate(property_registry)
    assert new != old
    assert property_registry.verifyCertificate(old)["state"] == State.REVOKED
    assert property_registry.verifyCertificate(new)["state"] == State.VALID


def test_reissue_needs_registered_title_and_documents(property_registry, registrar, registered):
    with brownie.reverts(typed_error("PropertyRegistryInvalidDocuments", UNIT)):
        property_registry.reissueCertificate(UNIT, ZERO, {"from": registrar})
    other = unit_no(9)
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", other)):
        property_registry.reissueCertificate(other, digest("d"), {"from": registrar})


# ---- split and merge ------------------------------------------------------------------------

SPLIT = digest("SPLIT")
MERGED = digest("MERGED")
PARTS = [unit_no(201), unit_no(202)]


def parts():
    return [title(code=PARTS[0], documents="part 1"), title(code=PARTS[1], holders=owners(("bob", SHARES)))]


def test_split_cancels_parent_and_registers_parts(property_registry, registrar, registered):
    cert = current_certificate(property_registry)
    tx = property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})
    assert tx.return_value is True
    assert plain(tx.events["TitleCancelled"].values()) == plain([UNIT, cert, digest("survey"), SPLIT])
    assert [plain(e["unit"]) for e in tx.events["TitleRegistered"]] == plain(PARTS)
    assert plain(tx.events["TitleSplit"].values()) == plain([UNIT, digest("survey"), PARTS])
    assert property_registry.titleOf(UNIT)["status"] == 2
    assert property_registry.verifyCertificate(cert)["state"] == State.REVOKED
    assert plain(property_registry.titleOf(PARTS[1])["owners"]) == plain(owners(("bob", SHARES)))


def test_same_split_again_is_a_no_op(property_registry, registrar, registered):
    property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})
    tx = property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_resent_split_with_new_part_reverts(property_registry, registrar, registered):
    property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})
    changed = [parts()[0], title(code=unit_no(203))]
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", UNIT)):
        property_registry.splitTitle(UNIT, changed, digest("survey"), {"from": registrar})


def test_split_needs_two_parts(property_registry, registrar, registered):
    with brownie.reverts(typed_error("PropertyRegistryInvalidSplit", UNIT)):
        property_registry.splitTitle(UNIT, parts()[:1], digest("survey"), {"from": registrar})


def test_split_part_must_be_new(property_registry, registrar, registered):
    property_registry.registerTitles([parts()[0]], {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryTitleConflict", PARTS[0])):
        property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})


def test_split_of_unknown_title_reverts(property_registry, registrar):
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", UNIT)):
        property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})


def test_seized_or_mortgaged_title_cannot_be_split(property_registry, registrar, bank, court, registered):
    property_registry.registerMortgages([mortgage()], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryTitleEncumbered", UNIT)):
        property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})
    property_registry.seize(UNIT, digest("order"), 365 * DAY, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", UNIT, digest("order"))):
        property_registry.splitTitle(UNIT, parts(), digest("survey"), {"from": registrar})


def test_merge_cancels_sources_and_registers_merged(property_registry, registrar):
    property_registry.registerTitles(parts(), {"from": registrar})
    certs = [current_certificate(property_registry, code) for code in PARTS]
    tx = property_registry.mergeTitles(PARTS, title(), digest("survey"), {"from": registrar})
    assert tx.return_value is True
    assert [plain(e["unit"]) for e in tx.events["TitleCancelled"]] == plain(PARTS)
    assert [plain(e["reasonCode"]) for e in tx.events["CertificateRevoked"]] == plain([MERGED, MERGED])
    assert plain(tx.events["TitleMerged"].values()) == plain([UNIT, digest("survey"), PARTS])
    assert property_registry.titleOf(UNIT)["status"] == 1
    assert [property_registry.verifyCertificate(c)["state"] for c in certs] == [State.REVOKED] * 2


def test_same_merge_again_is_a_no_op(property_registry, registrar):
    property_registry.registerTitles(parts(), {"from": registrar})
    property_registry.mergeTitles(PARTS, title(), digest("survey"), {"from": registrar})
    tx = property_registry.mergeTitles(PARTS, title(), digest("survey"), {"from": registrar})
    assert tx.return_value is False and len(tx.events) == 0


def test_resent_merge_with_live_source_reverts(property_registry, registrar):
    property_registry.registerTitles(parts(), {"from": registrar})
    property_registry.mergeTitles(PARTS, title(), digest("survey"), {"from": registrar})
    property_registry.registerTitles([title(code=unit_no(203))], {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", PARTS[0])):
        property_registry.mergeTitles(PARTS + [unit_no(203)], title(), digest("survey"), {"from": registrar})


def test_merge_needs_two_distinct_other_sources(property_registry, registrar):
    property_registry.registerTitles(parts() + [title()], {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryInvalidSplit", UNIT)):
        property_registry.mergeTitles(PARTS[:1], title(), digest("survey"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryInvalidSplit", UNIT)):
        property_registry.mergeTitles([PARTS[0], UNIT], title(), digest("survey"), {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryTitleNotRegistered", PARTS[0])):
        property_registry.mergeTitles([PARTS[0], PARTS[0]], title(code=unit_no(203)), digest("s"), {"from": registrar})


def test_merged_unit_must_be_new(property_registry, registrar):
    property_registry.registerTitles(parts() + [title(documents="other")], {"from": registrar})
    with brownie.reverts(typed_error("PropertyRegistryTitleConflict", UNIT)):
        property_registry.mergeTitles(PARTS, title(), digest("survey"), {"from": registrar})


def test_seized_source_cannot_be_merged(property_registry, registrar, court):
    property_registry.registerTitles(parts(), {"from": registrar})
    property_registry.seize(PARTS[1], digest("order"), 365 * DAY, {"from": court})
    with brownie.reverts(typed_error("PropertyRegistryTitleFrozen", PARTS[1], digest("order"))):
        property_registry.mergeTitles(PARTS, title(), digest("survey"), {"from": registrar})

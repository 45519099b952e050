"""PropertyRegistry: maximum-amount mortgages (最高额抵押, Civil Code Arts. 420-423) and mortgage
registration certificates (不动产登记证明), verifiable like title certificates."""

import brownie
import pytest
from brownie import chain

from conftest import plain, typed_error
from property_helpers import (
    DAY,
    UNIT,
    YEAR,
    ZERO,
    State,
    dept,
    digest,
    maximum_mortgage,
    mortgage,
    owners,
    sleep,
    title,
)

BANK, BANK2 = dept("bank"), dept("bank2")
MAX = digest("max-1")


@pytest.fixture(autouse=True)
def registered(property_registry, registrar):
    property_registry.registerTitles([title()], {"from": registrar})


def ranked(registry):
    return registry.titleOf(UNIT)["mortgages"]


# ---- maximum-amount mortgages -------------------------------------------------------------------------


def test_maximum_amount_mortgage_records_its_ceiling_and_determination_date_art_420(property_registry, bank):
    """Art. 420: a maximum-amount mortgage secures the claims of a period up to a ceiling; the
    determination date (Art. 423 (1)) is stored with it and `amount` is the ceiling."""
    entry = maximum_mortgage(ceiling=3_000_000)
    tx = property_registry.registerMaximumMortgages([entry], {"from": bank})
    assert tx.return_value == 1
    assert plain(tx.events["MortgageRegistered"].values()) == plain([UNIT, BANK, MAX, 3_000_000, entry[4], False, 1])
    assert plain(tx.events["MaximumMortgageRegistered"].values()) == plain([UNIT, MAX, 3_000_000, entry[3]])
    [stored] = ranked(property_registry)
    assert (stored["amount"], stored["determinationDate"], stored["termEnd"]) == (3_000_000, entry[3], entry[4])


def test_ordinary_mortgage_has_no_determination_date(property_registry, bank):
    property_registry.registerMortgages([mortgage()], {"from": bank})
    assert ranked(property_registry)[0]["determinationDate"] == 0


def test_maximum_mortgage_ranks_by_registration_like_any_art_414(property_registry, bank, bank2):
    property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    property_registry.registerMaximumMortgages([maximum_mortgage()], {"from": bank2})
    assert [m["sequence"] for m in ranked(property_registry)] == [1, 2]


@pytest.mark.parametrize("determination, term", [(-DAY, 10 * YEAR), (11 * YEAR, 10 * YEAR)], ids=["past", "after-term"])
def test_determination_date_is_in_the_future_within_the_term(property_registry, bank, determination, term):
    with brownie.reverts(typed_error("PropertyRegistryInvalidMortgage", UNIT, MAX)):
        property_registry.registerMaximumMortgages([maximum_mortgage(determination=determination, term=term)], {"from": bank})


def test_resent_maximum_mortgage_is_a_no_op_and_changed_terms_conflict(property_registry, bank):
    entry = maximum_mortgage()
    property_registry.registerMaximumMortgages([entry], {"from": bank})
    tx = property_registry.registerMaximumMortgages([entry], {"from": bank})
    assert tx.return_value == 0 and len(tx.events) == 0
    changed = (entry[0], entry[1], entry[2], entry[3] + 1, entry[4], entry[5])
    with brownie.reverts(typed_error("PropertyRegistryMortgageConflict", UNIT, MAX)):
        property_registry.registerMaximumMortgages([changed], {"from": bank})
    ordinary = (UNIT, MAX, entry[2], entry[4], False)
    with brownie.reverts(typed_error("PropertyRegistryMortgageConflict", UNIT, MAX)):
        property_registry.registerMortgages([ordinary], {"from": bank})


def test_maximum_mortgage_resent_after_its_determination_date_stays_a_no_op(property_registry, bank):
    entry = maximum_mortgage(determination=30 * DAY)
    property_registry.registerMaximumMortgages([entry], {"from": bank})
    sleep(31 * DAY)
    tx = property_registry.registerMaximumMortgages([entry], {"from": bank})
    assert tx.return_value == 0 and len(tx.events) == 0


def test_maximum_mortgage_needs_a_determination_date_art_420(property_registry, bank):
    entry = maximum_mortgage()
    with brownie.reverts(typed_error("PropertyRegistryInvalidMortgage", UNIT, MAX)):
        property_registry.registerMaximumMortgages([(entry[0], entry[1], entry[2], 0, entry[4], entry[5])], {"from": bank})


def test_maximum_mortgage_passes_with_a_claim_only_once_determined_art_421(property_registry, bank):
    """Art. 421: before the claims are determined, a partial transfer of claims does not carry
    the maximum-amount mortgage; after the determination date it passes like any (Art. 407)."""
    entry = maximum_mortgage(determination=30 * DAY)
    property_registry.registerMaximumMortgages([entry], {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryMortgageUndetermined", UNIT, MAX)):
        property_registry.transferMortgage(UNIT, MAX, BANK2, digest("claim sale"), {"from": bank})
    sleep(31 * DAY)
    tx = property_registry.transferMortgage(UNIT, MAX, BANK2, digest("claim sale"), {"from": bank})
    assert plain(tx.events["MortgageTransferred"].values()) == plain([UNIT, BANK, BANK2, MAX, digest("claim sale")])


def test_maximum_mortgage_is_spent_once_released(property_registry, bank):
    property_registry.registerMaximumMortgages([maximum_mortgage()], {"from": bank})
    property_registry.releaseMortgage(UNIT, MAX, {"from": bank})
    with brownie.reverts(typed_error("PropertyRegistryMortgageSpent", UNIT, MAX)):
        property_registry.registerMaximumMortgages([maximum_mortgage()], {"from": bank})


# ---- mortgage registration certificates ---------------------------------------------------------------


def _issued(tx):
    event = tx.events["MortgageCertificateIssued"]
    return event["certificate"]


def test_mortgage_registration_issues_a_verifiable_certificate(property_registry, bank):
    """不动产登记证明: a mortgage registration issues a registration certificate, verified like
    a title certificate and naming its mortgage."""
    tx = property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank})
    certificate = _issued(tx)
    assert plain(tx.events["MortgageCertificateIssued"].values()) == plain([UNIT, certificate, BANK, digest("m1")])
    assert plain(property_registry.verifyCertificate(certificate)) == plain(
        [State.VALID, UNIT, tx.timestamp, ZERO, digest("m1")]
    )
    assert plain(ranked(property_registry)[0]["certificate"]) == plain(certificate)
    title_certificate = property_registry.titleOf(UNIT)["certificate"]
    assert plain(property_registry.verifyCertificate(title_certificate)["proof"]) == plain(ZERO)


def test_released_mortgage_certificate_verifies_as_released(property_registry, bank):
    certificate = _issued(property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank}))
    property_registry.releaseMortgage(UNIT, digest("m1"), {"from": bank})
    assert property_registry.verifyCertificate(certificate)["state"] == State.RELEASED


def test_transferred_mortgage_certificate_verifies_as_transferred_and_the_new_one_as_valid_art_407(property_registry, bank):
    old = _issued(property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank}))
    tx = property_registry.transferMortgage(UNIT, digest("m1"), BANK2, digest("claim sale"), {"from": bank})
    new = _issued(tx)
    assert plain(tx.events["MortgageCertificateIssued"].values()) == plain([UNIT, new, BANK2, digest("m1")])
    assert property_registry.verifyCertificate(old)["state"] == State.TRANSFERRED
    assert property_registry.verifyCertificate(new)["state"] == State.VALID
    assert plain(ranked(property_registry)[0]["certificate"]) == plain(new)


def test_transfer_back_issues_yet_another_certificate(property_registry, bank, bank2):
    first = _issued(property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank}))
    property_registry.transferMortgage(UNIT, digest("m1"), BANK2, digest("claim sale"), {"from": bank})
    back = _issued(property_registry.transferMortgage(UNIT, digest("m1"), BANK, digest("buy back"), {"from": bank2}))
    assert plain(back) != plain(first)
    assert property_registry.verifyCertificate(first)["state"] == State.TRANSFERRED
    assert property_registry.verifyCertificate(back)["state"] == State.VALID


def test_judicially_sold_title_releases_its_mortgage_certificates(property_registry, bank, court):
    certificate = _issued(property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank}))
    property_registry.seize(UNIT, digest("order"), YEAR, {"from": court})
    property_registry.judicialSale(UNIT, owners(("dora", 10_000)), digest("auction"), digest("ruling"), {"from": court})
    assert property_registry.verifyCertificate(certificate)["state"] == State.RELEASED


def test_registration_centre_revokes_a_mortgage_certificate(property_registry, registrar, bank):
    certificate = _issued(property_registry.registerMortgages([mortgage(proof="m1")], {"from": bank}))
    property_registry.revokeCertificate(certificate, digest("R-ERROR"), {"from": registrar})
    info = property_registry.verifyCertificate(certificate)
    assert (info["state"], plain(info["revocationReason"])) == (State.REVOKED, plain(digest("R-ERROR")))

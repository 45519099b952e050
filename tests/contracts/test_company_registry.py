"""CompanyRegistry: registration, amendments, the abnormal-operations list, revocation,
deregistration (blocked by an effective court listing) and the tax standing."""

import brownie
import pytest
from brownie import chain, web3

from conftest import (
    block_time,
    CompanyStatus,
    Kind,
    ListType,
    SubjectKind,
    TaxGrade,
    company_data,
    company_subject,
    department_id,
    DEPARTMENTS,
    kind_mask,
    plain,
    typed_error,
    uscc,
)

CODE = uscc("MA4L0000")
OTHER = uscc("12345678")
REASON = web3.keccak(text="annual report missing")
BASIS = web3.keccak(text="decision 2026-17")
AMR_ID = department_id(DEPARTMENTS["market_regulator"][0])
TAX_ID = department_id(DEPARTMENTS["tax_bureau"][0])


@pytest.fixture
def registered(company_registry, market_regulator):
    company_registry.register(CODE, company_data(1), {"from": market_regulator})
    return CODE


def court_listing(code, start, end=0):
    return (ListType.DISHONEST_JUDGMENT_DEBTOR, SubjectKind.COMPANY, company_subject(code), REASON, BASIS, start, end)


# ---- register ---------------------------------------------------------------------------


def test_register_stores_an_active_company(company_registry, market_regulator):
    tx = company_registry.register(CODE, company_data(1), {"from": market_regulator})
    assert tx.return_value is True
    assert plain(tx.events["CompanyRegistered"].values()) == plain([CODE, AMR_ID, company_data(1)])
    data, status, registered_at, updated_at = company_registry.getCompany(CODE)
    assert plain(data) == plain(company_data(1))
    assert (status, registered_at, updated_at) == (CompanyStatus.ACTIVE, tx.timestamp, tx.timestamp)
    assert company_registry.statusOf(CODE) == CompanyStatus.ACTIVE


def test_registering_the_same_company_again_is_a_no_op(company_registry, market_regulator, registered):
    tx = company_registry.register(CODE, company_data(1), {"from": market_regulator})
    assert tx.return_value is False
    assert "CompanyRegistered" not in tx.events


def test_registering_other_data_under_a_registered_code_reverts(company_registry, market_regulator, registered):
    with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", CODE, CompanyStatus.ACTIVE)):
        company_registry.register(CODE, company_data(2), {"from": market_regulator})


def test_a_deregistered_code_is_never_registered_again(company_registry, market_regulator, registered):
    company_registry.deregister(CODE, BASIS, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", CODE, CompanyStatus.DEREGISTERED)):
        company_registry.register(CODE, company_data(1), {"from": market_regulator})


def test_registering_an_abnormal_company_again_reverts(company_registry, market_regulator, registered):
    company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", CODE, CompanyStatus.ABNORMAL)):
        company_registry.register(CODE, company_data(1), {"from": market_regulator})


def test_register_rejects_an_invalid_code(company_registry, market_regulator):
    bad = CODE[:17] + (b"0" if CODE[17:] != b"0" else b"1")
    with brownie.reverts(typed_error("CompanyRegistryInvalidCode", bad, 4)):
        company_registry.register(bad, company_data(1), {"from": market_regulator})
    lower = CODE.lower()
    with brownie.reverts(typed_error("CompanyRegistryInvalidCode", lower, 2)):
        company_registry.register(lower, company_data(1), {"from": market_regulator})


@pytest.mark.parametrize("field", [0, 1])
def test_register_requires_name_and_legal_representative(company_registry, market_regulator, field):
    data = list(company_data(1))
    data[field] = b"\x00" * 32
    with brownie.reverts(typed_error("CompanyRegistryInvalidData", CODE)):
        company_registry.register(CODE, data, {"from": market_regulator})


def test_register_batch_registers_new_and_skips_stored(company_registry, market_regulator, registered):
    codes = [CODE, OTHER, uscc("YXWUTRQP")]
    data = [company_data(1), company_data(2), company_data(3)]
    tx = company_registry.registerBatch(codes, data, {"from": market_regulator})
    assert tx.return_value == 2
    assert [plain(e["uscc"]) for e in tx.events["CompanyRegistered"]] == plain(codes[1:])


def test_register_batch_is_all_or_nothing(company_registry, market_regulator):
    bad = OTHER[:17] + (b"0" if OTHER[17:] != b"0" else b"1")
    with brownie.reverts(typed_error("CompanyRegistryInvalidCode", bad, 4)):
        company_registry.registerBatch([CODE, bad], [company_data(1), company_data(2)], {"from": market_regulator})
    assert company_registry.statusOf(CODE) == CompanyStatus.NONE


def test_register_batch_rejects_length_mismatch(company_registry, market_regulator):
    with brownie.reverts(typed_error("CompanyRegistryBatchLengthMismatch", 2, 1)):
        company_registry.registerBatch([CODE, OTHER], [company_data(1)], {"from": market_regulator})


# ---- amend ------------------------------------------------------------------------------


def test_amend_replaces_the_particulars(company_registry, market_regulator, registered):
    chain.sleep(10)
    tx = company_registry.amend(CODE, company_data(2, capital=5), {"from": market_regulator})
    assert tx.return_value is True
    expected = [CODE, AMR_ID, company_data(1), company_data(2, capital=5)]
    assert plain(tx.events["CompanyAmended"].values()) == plain(expected)
    data, _, registered_at, updated_at = company_registry.getCompany(CODE)
    assert plain(data) == plain(company_data(2, capital=5))
    assert updated_at == tx.timestamp > registered_at


def test_amending_to_the_stored_data_is_a_no_op(company_registry, market_regulator, registered):
    tx = company_registry.amend(CODE, company_data(1), {"from": market_regulator})
    assert tx.return_value is False
    assert "CompanyAmended" not in tx.events


def test_an_abnormal_company_can_be_amended(company_registry, market_regulator, registered):
    company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    assert company_registry.amend(CODE, company_data(2), {"from": market_regulator}).return_value is True


def test_amend_unknown_company_reverts(company_registry, market_regulator):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.amend(CODE, company_data(2), {"from": market_regulator})


def test_amend_rejects_zero_name(company_registry, market_regulator, registered):
    data = list(company_data(2))
    data[0] = b"\x00" * 32
    with brownie.reverts(typed_error("CompanyRegistryInvalidData", CODE)):
        company_registry.amend(CODE, data, {"from": market_regulator})


@pytest.mark.parametrize("action", ["revokeLicense", "deregister"])
def test_revoked_or_deregistered_company_cannot_be_amended(company_registry, market_regulator, registered, action):
    getattr(company_registry, action)(CODE, BASIS, {"from": market_regulator})
    status = company_registry.statusOf(CODE)
    with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", CODE, status)):
        company_registry.amend(CODE, company_data(2), {"from": market_regulator})


# ---- abnormal operations ----------------------------------------------------------------


def test_list_abnormal_moves_an_active_company(company_registry, market_regulator, registered):
    tx = company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    assert tx.return_value is True
    assert plain(tx.events["CompanyListedAbnormal"].values()) == plain([CODE, AMR_ID, REASON])
    assert company_registry.statusOf(CODE) == CompanyStatus.ABNORMAL
    assert plain(company_registry.abnormalListingOf(CODE)) == plain([REASON, tx.timestamp])


def test_listing_abnormal_again_for_the_same_reason_is_a_no_op(company_registry, market_regulator, registered):
    company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    tx = company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    assert tx.return_value is False
    assert "CompanyListedAbnormal" not in tx.events


def test_listing_abnormal_for_another_reason_reverts(company_registry, market_regulator, registered):
    company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryAbnormalReasonConflict", CODE, REASON)):
        company_registry.listAbnormal(CODE, BASIS, {"from": market_regulator})


def test_list_abnormal_needs_a_reason(company_registry, market_regulator, registered):
    with brownie.reverts(typed_error("CompanyRegistryInvalidData", CODE)):
        company_registry.listAbnormal(CODE, b"\x00" * 32, {"from": market_regulator})


def test_revoked_company_cannot_be_listed_abnormal(company_registry, market_regulator, registered):
    company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", CODE, CompanyStatus.REVOKED)):
        company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})


def test_list_abnormal_unknown_company_reverts(company_registry, market_regulator):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})


def test_delist_abnormal_restores_active(company_registry, market_regulator, registered):
    company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    tx = company_registry.delistAbnormal(CODE, BASIS, {"from": market_regulator})
    assert tx.return_value is True
    assert plain(tx.events["CompanyDelistedAbnormal"].values()) == plain([CODE, AMR_ID, BASIS])
    assert company_registry.statusOf(CODE) == CompanyStatus.ACTIVE
    assert plain(company_registry.abnormalListingOf(CODE)) == ["0x" + "00" * 32, 0]


def test_delisting_an_active_company_is_a_no_op(company_registry, market_regulator, registered):
    tx = company_registry.delistAbnormal(CODE, BASIS, {"from": market_regulator})
    assert tx.return_value is False
    assert "CompanyDelistedAbnormal" not in tx.events


def test_delisting_a_revoked_company_reverts(company_registry, market_regulator, registered):
    company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", CODE, CompanyStatus.REVOKED)):
        company_registry.delistAbnormal(CODE, BASIS, {"from": market_regulator})


def test_delist_unknown_company_reverts(company_registry, market_regulator):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.delistAbnormal(CODE, BASIS, {"from": market_regulator})


# ---- revoke and deregister --------------------------------------------------------------


def test_revoke_license_of_an_abnormal_company(company_registry, market_regulator, registered):
    company_registry.listAbnormal(CODE, REASON, {"from": market_regulator})
    tx = company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    assert tx.return_value is True
    assert plain(tx.events["CompanyLicenseRevoked"].values()) == plain([CODE, AMR_ID, BASIS])
    assert company_registry.statusOf(CODE) == CompanyStatus.REVOKED
    assert plain(company_registry.abnormalListingOf(CODE)) == ["0x" + "00" * 32, 0]


def test_revoking_again_is_a_no_op(company_registry, market_regulator, registered):
    company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    tx = company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    assert tx.return_value is False
    assert "CompanyLicenseRevoked" not in tx.events


def test_revoke_unknown_company_reverts(company_registry, market_regulator):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})


def test_deregister_is_final(company_registry, market_regulator, tax_bureau, registered):
    company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    tx = company_registry.deregister(CODE, BASIS, {"from": market_regulator})
    assert tx.return_value is True
    assert plain(tx.events["CompanyDeregistered"].values()) == plain([CODE, AMR_ID, BASIS])
    assert company_registry.statusOf(CODE) == CompanyStatus.DEREGISTERED
    error = typed_error("CompanyRegistryInvalidStatus", CODE, CompanyStatus.DEREGISTERED)
    for call in (
        lambda: company_registry.listAbnormal(CODE, REASON, {"from": market_regulator}),
        lambda: company_registry.delistAbnormal(CODE, REASON, {"from": market_regulator}),
        lambda: company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator}),
        lambda: company_registry.setTaxGrade(CODE, 2025, TaxGrade.A, {"from": tax_bureau}),
        lambda: company_registry.setMajorTaxViolation(CODE, True, BASIS, {"from": tax_bureau}),
    ):
        with brownie.reverts(error):
            call()


def test_deregistering_again_is_a_no_op(company_registry, market_regulator, registered):
    company_registry.deregister(CODE, BASIS, {"from": market_regulator})
    tx = company_registry.deregister(CODE, BASIS, {"from": market_regulator})
    assert tx.return_value is False
    assert "CompanyDeregistered" not in tx.events


def test_deregister_unknown_company_reverts(company_registry, market_regulator):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.deregister(CODE, BASIS, {"from": market_regulator})


def test_effective_court_listing_blocks_deregistration(
    company_registry, credit_lists, market_regulator, court, registered
):
    credit_lists.list(court_listing(CODE, block_time() - 10), {"from": court})
    with brownie.reverts(typed_error("CompanyRegistryCourtListingEffective", CODE)):
        company_registry.deregister(CODE, BASIS, {"from": market_regulator})


def test_lifted_court_listing_no_longer_blocks(company_registry, credit_lists, market_regulator, court, registered):
    credit_lists.list(court_listing(CODE, block_time() - 10), {"from": court})
    credit_lists.lift(ListType.DISHONEST_JUDGMENT_DEBTOR, company_subject(CODE), REASON, {"from": court})
    assert company_registry.deregister(CODE, BASIS, {"from": market_regulator}).return_value is True


def test_expired_court_listing_no_longer_blocks(company_registry, credit_lists, market_regulator, court, registered):
    now = block_time()
    credit_lists.list(court_listing(CODE, now - 10, now + 1000), {"from": court})
    chain.sleep(1001)
    chain.mine()
    assert company_registry.deregister(CODE, BASIS, {"from": market_regulator}).return_value is True


def test_other_lists_do_not_block_deregistration(company_registry, credit_lists, market_regulator, registered):
    start = block_time() - 10
    listing = (ListType.SERIOUS_VIOLATION, SubjectKind.COMPANY, company_subject(CODE), REASON, BASIS, start, 0)
    credit_lists.list(listing, {"from": market_regulator})
    assert company_registry.deregister(CODE, BASIS, {"from": market_regulator}).return_value is True


# ---- tax standing -----------------------------------------------------------------------


def test_set_tax_grade_records_the_year(company_registry, tax_bureau, registered):
    tx = company_registry.setTaxGrade(CODE, 2024, TaxGrade.B, {"from": tax_bureau})
    assert tx.return_value is True
    assert plain(tx.events["TaxGradeSet"].values()) == plain([CODE, TAX_ID, 2024, TaxGrade.B])
    assert company_registry.taxGradeOf(CODE, 2024) == TaxGrade.B
    assert plain(company_registry.taxStatusOf(CODE)) == [2024, TaxGrade.B, False]


def test_the_latest_year_gives_the_current_grade(company_registry, tax_bureau, registered):
    company_registry.setTaxGrade(CODE, 2025, TaxGrade.A, {"from": tax_bureau})
    company_registry.setTaxGrade(CODE, 2023, TaxGrade.D, {"from": tax_bureau})
    assert plain(company_registry.taxStatusOf(CODE)) == [2025, TaxGrade.A, False]
    assert company_registry.taxGradeOf(CODE, 2023) == TaxGrade.D


def test_setting_the_same_grade_again_is_a_no_op(company_registry, tax_bureau, registered):
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.M, {"from": tax_bureau})
    tx = company_registry.setTaxGrade(CODE, 2024, TaxGrade.M, {"from": tax_bureau})
    assert tx.return_value is False
    assert "TaxGradeSet" not in tx.events


def test_another_grade_for_a_graded_year_reverts(company_registry, tax_bureau, registered):
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.C, {"from": tax_bureau})
    with brownie.reverts(typed_error("CompanyRegistryTaxGradeConflict", CODE, 2024, TaxGrade.C)):
        company_registry.setTaxGrade(CODE, 2024, TaxGrade.A, {"from": tax_bureau})


@pytest.mark.parametrize("year, grade", [(2013, TaxGrade.A), (2024, TaxGrade.NONE)])
def test_invalid_tax_grade_reverts(company_registry, tax_bureau, registered, year, grade):
    with brownie.reverts(typed_error("CompanyRegistryInvalidTaxGrade", CODE, year)):
        company_registry.setTaxGrade(CODE, year, grade, {"from": tax_bureau})


def test_tax_grade_of_unknown_company_reverts(company_registry, tax_bureau):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.setTaxGrade(CODE, 2024, TaxGrade.A, {"from": tax_bureau})


def test_revoked_company_still_gets_graded(company_registry, market_regulator, tax_bureau, registered):
    company_registry.revokeLicense(CODE, BASIS, {"from": market_regulator})
    assert company_registry.setTaxGrade(CODE, 2024, TaxGrade.D, {"from": tax_bureau}).return_value is True


def test_set_tax_grade_batch(company_registry, market_regulator, tax_bureau, registered):
    company_registry.register(OTHER, company_data(2), {"from": market_regulator})
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.A, {"from": tax_bureau})
    grades = [TaxGrade.A, TaxGrade.B, TaxGrade.D]
    tx = company_registry.setTaxGradeBatch([CODE, OTHER, OTHER], [2024, 2024, 2025], grades, {"from": tax_bureau})
    assert tx.return_value == 2
    assert len(tx.events["TaxGradeSet"]) == 2
    assert plain(company_registry.taxStatusOf(OTHER)) == [2025, TaxGrade.D, False]


def test_set_tax_grade_batch_rejects_length_mismatch(company_registry, tax_bureau, registered):
    with brownie.reverts(typed_error("CompanyRegistryBatchLengthMismatch", 1, 2)):
        company_registry.setTaxGradeBatch([CODE], [2024, 2025], [TaxGrade.A], {"from": tax_bureau})
    with brownie.reverts(typed_error("CompanyRegistryBatchLengthMismatch", 1, 0)):
        company_registry.setTaxGradeBatch([CODE], [2024], [], {"from": tax_bureau})


def test_major_tax_violation_flag(company_registry, tax_bureau, registered):
    tx = company_registry.setMajorTaxViolation(CODE, True, BASIS, {"from": tax_bureau})
    assert tx.return_value is True
    assert plain(tx.events["MajorTaxViolationFlagChanged"].values()) == plain([CODE, TAX_ID, True, BASIS])
    assert company_registry.taxStatusOf(CODE)[2] is True
    again = company_registry.setMajorTaxViolation(CODE, True, BASIS, {"from": tax_bureau})
    assert again.return_value is False and "MajorTaxViolationFlagChanged" not in again.events
    cleared = company_registry.setMajorTaxViolation(CODE, False, REASON, {"from": tax_bureau})
    assert cleared.return_value is True
    assert company_registry.taxStatusOf(CODE)[2] is False


def test_flag_unknown_company_reverts(company_registry, tax_bureau):
    with brownie.reverts(typed_error("CompanyRegistryUnknownCompany", CODE)):
        company_registry.setMajorTaxViolation(CODE, True, BASIS, {"from": tax_bureau})


# ---- views and wiring -------------------------------------------------------------------


def test_registry_exposes_the_uscc_check(company_registry):
    assert company_registry.usccProblemOf(CODE) == 0
    assert company_registry.usccProblemOf(CODE[:16] + b"00") != 0


def test_registry_wiring(company_registry, credit_lists, directory):
    assert company_registry.creditLists() == credit_lists
    assert company_registry.directory() == directory
    assert company_registry.FIRST_TAX_YEAR() == 2014


def test_a_suspended_market_regulator_cannot_register(company_registry, directory, city_admins, market_regulator):
    directory.suspendDepartment(AMR_ID, REASON, {"from": city_admins[0]})
    with brownie.reverts(typed_error("DepartmentUnauthorized", market_regulator, kind_mask(Kind.MARKET_REGULATION))):
        company_registry.register(CODE, company_data(1), {"from": market_regulator})

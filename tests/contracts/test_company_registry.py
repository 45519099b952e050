"""CompanyRegistry: the acts of the Regulations on the Registration of Market Entities (2022),
each dated from the export; the abnormal-operations list as a list (Interim Regulations on
Enterprise Information Publicity, 2014, Art. 17: three years on it without removal is the
serious-violation list, computed from time); deregistration refused under a live court
listing; tax credit grades per year with corrections (纳税信用修复, SAT Announcement 2019
No. 37). Calendar rules in UTC+8 (REFERENCE.md "Company and credit rules")."""

from datetime import date, timedelta

import brownie
import pytest
from brownie import chain, web3

from conftest import (
    DAY,
    DEPARTMENTS,
    ESTABLISHED,
    CompanyStatus,
    ListType,
    SubjectKind,
    TaxGrade,
    block_time,
    case,
    company_data,
    company_subject,
    cst,
    cst_date,
    day_start,
    department_id,
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
S = CompanyStatus


def today() -> int:
    return day_start(block_time())


@pytest.fixture
def registered(company_registry, market_regulator):
    company_registry.register(CODE, company_data(1), ESTABLISHED, {"from": market_regulator})
    return CODE


def act(registry, name, regulator, when=None, code=CODE):
    return getattr(registry, name)(code, BASIS, when or today(), {"from": regulator})


# ---- register and amend -----------------------------------------------------------------


def test_register_stores_an_existing_company_with_its_date_of_establishment(company_registry, market_regulator):
    tx = company_registry.register(CODE, company_data(1), ESTABLISHED, {"from": market_regulator})
    assert tx.return_value is True
    assert plain(tx.events["CompanyRegistered"].values()) == plain([CODE, AMR_ID, company_data(1), ESTABLISHED])
    assert plain(company_registry.getCompany(CODE)) == plain(
        [company_data(1), S.EXISTING, ESTABLISHED, ESTABLISHED, ESTABLISHED]
    )


def test_register_resent_is_a_no_op_and_other_particulars_are_refused(company_registry, market_regulator, registered):
    tx = company_registry.register(CODE, company_data(1), ESTABLISHED, {"from": market_regulator})
    assert tx.return_value is False and "CompanyRegistered" not in tx.events
    with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", CODE, S.EXISTING)):
        company_registry.register(CODE, company_data(2), ESTABLISHED, {"from": market_regulator})


def test_register_refuses_a_bad_code_no_division_and_a_date_in_the_future(company_registry, market_regulator):
    bad = CODE[:17] + (b"0" if CODE[17:] != b"0" else b"1")
    with brownie.reverts(typed_error("CompanyRegistryInvalidCode", bad, 4)):
        company_registry.register(bad, company_data(1), ESTABLISHED, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryInvalidData", CODE)):
        company_registry.register(CODE, company_data(1, division=b"\0" * 6), ESTABLISHED, {"from": market_regulator})
    future = block_time() + 2 * DAY
    with brownie.reverts(typed_error("CompanyRegistryInvalidDate", CODE, future)):
        company_registry.register(CODE, company_data(1), future, {"from": market_regulator})


def test_register_batch_counts_only_new_companies(company_registry, market_regulator, registered):
    batch = [(CODE, company_data(1), ESTABLISHED), (OTHER, company_data(2), ESTABLISHED)]
    tx = company_registry.registerBatch(batch, {"from": market_regulator})
    assert tx.return_value == 1 and len(tx.events["CompanyRegistered"]) == 1
    assert company_registry.statusOf(OTHER) == S.EXISTING


def without_address_or_scope(data: tuple) -> tuple:
    """The particulars as the market export gives them: no address or business-scope digest."""
    return (data[0], data[1], b"\0" * 32, b"\0" * 32, data[4], data[5])


def test_register_without_address_or_scope_stores_them_empty_and_resends_are_no_ops(
    company_registry, market_regulator
):
    data = without_address_or_scope(company_data(1))
    tx = company_registry.register(CODE, data, ESTABLISHED, {"from": market_regulator})
    assert plain(tx.events["CompanyRegistered"].values()) == plain([CODE, AMR_ID, data, ESTABLISHED])
    assert plain(company_registry.getCompany(CODE)[0]) == plain(data)
    assert company_registry.register(CODE, data, ESTABLISHED, {"from": market_regulator}).return_value is False
    with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", CODE, S.EXISTING)):
        company_registry.register(CODE, company_data(1), ESTABLISHED, {"from": market_regulator})


def test_empty_digests_of_a_new_company_are_not_written(company_registry, market_regulator):
    """A never-registered code's slots are zero: storing an empty digest over them is skipped, so
    the two digests cost their fresh slots (2 x 22,100 gas) and not a cold store of zero each."""
    full = company_registry.register(CODE, company_data(1), ESTABLISHED, {"from": market_regulator})
    empty = company_registry.register(
        OTHER, without_address_or_scope(company_data(1)), ESTABLISHED, {"from": market_regulator}
    )
    assert full.gas_used - empty.gas_used >= 2 * 22_100


def test_a_company_moving_back_in_without_address_or_scope_has_the_old_digests_cleared(
    company_registry, market_regulator, registered
):
    """Regulations on the Registration of Market Entities (2022): a company that moved out moves
    back in with its code and the particulars of its new registration, empty digests included."""
    act(company_registry, "moveOut", market_regulator)
    data = without_address_or_scope(company_data(3, division=b"431321"))
    company_registry.register(CODE, data, ESTABLISHED, {"from": market_regulator})
    assert plain(company_registry.getCompany(CODE)[0]) == plain(data)


def test_amend_records_the_date_of_the_act_and_is_idempotent(company_registry, market_regulator, registered):
    when = today()
    tx = company_registry.amend(CODE, company_data(2), when, {"from": market_regulator})
    assert plain(tx.events["CompanyAmended"].values()) == plain([CODE, AMR_ID, company_data(1), company_data(2), when])
    assert company_registry.getCompany(CODE)[4] == when
    assert company_registry.amend(CODE, company_data(2), when, {"from": market_regulator}).return_value is False


# ---- statuses (Regulations on the Registration of Market Entities 2022) ------------------


def test_art_30_suspension_and_resumption_of_business(company_registry, market_regulator, registered):
    when = today()
    tx = act(company_registry, "suspendBusiness", market_regulator, when)
    assert plain(tx.events["CompanyStatusChanged"].values()) == plain(
        [CODE, AMR_ID, S.SUSPENDED, S.EXISTING, BASIS, when]
    )
    assert act(company_registry, "suspendBusiness", market_regulator, when).return_value is False  # resent
    tx = act(company_registry, "resumeBusiness", market_regulator, when)
    assert tx.events["CompanyStatusChanged"]["status"] == S.EXISTING
    assert company_registry.statusOf(CODE) == S.EXISTING


def test_art_30_resumption_after_three_years_of_suspension_is_refused(company_registry, market_regulator, registered):
    """Suspended on the 2020 leap day: the three years end on 2023-02-28 (no 29 February),
    so a resumption that day is allowed and one on 1 March is refused."""
    suspended = cst(2020, 2, 29)
    act(company_registry, "suspendBusiness", market_regulator, suspended)
    with brownie.reverts(typed_error("CompanyRegistrySuspensionExpired", CODE, suspended)):
        act(company_registry, "resumeBusiness", market_regulator, cst(2023, 3, 1))
    assert act(company_registry, "resumeBusiness", market_regulator, cst(2023, 2, 28)).return_value is True


def test_license_revoked_company_may_only_be_deregistered_or_have_its_registration_revoked(
    company_registry, market_regulator, registered
):
    act(company_registry, "revokeLicense", market_regulator)
    for name in ("suspendBusiness", "resumeBusiness", "moveOut"):
        with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", CODE, S.LICENSE_REVOKED)):
            act(company_registry, name, market_regulator)
    with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", CODE, S.LICENSE_REVOKED)):
        company_registry.amend(CODE, company_data(2), today(), {"from": market_regulator})
    assert act(company_registry, "revokeRegistration", market_regulator).return_value is True
    assert company_registry.statusOf(CODE) == S.REGISTRATION_REVOKED


def test_nothing_follows_deregistration(company_registry, market_regulator, registered):
    when = today()
    act(company_registry, "deregister", market_regulator, when)
    assert act(company_registry, "deregister", market_regulator, when).return_value is False  # resent
    for name in ("suspendBusiness", "revokeLicense", "revokeRegistration", "moveOut", "listAbnormal"):
        with brownie.reverts(typed_error("CompanyRegistryInvalidStatus", CODE, S.DEREGISTERED)):
            getattr(company_registry, name)(CODE, BASIS, when, {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryAlreadyRegistered", CODE, S.DEREGISTERED)):
        company_registry.register(CODE, company_data(1), ESTABLISHED, {"from": market_regulator})


def test_a_company_that_moved_out_moves_back_in_with_its_code(company_registry, market_regulator, registered):
    act(company_registry, "moveOut", market_regulator)
    assert company_registry.statusOf(CODE) == S.MOVED_OUT
    tx = company_registry.register(CODE, company_data(3, division=b"431321"), ESTABLISHED, {"from": market_regulator})
    assert tx.return_value is True and company_registry.statusOf(CODE) == S.EXISTING


def test_an_act_dated_in_the_future_or_before_the_current_status_is_refused(
    company_registry, market_regulator, registered
):
    future = block_time() + 2 * DAY
    with brownie.reverts(typed_error("CompanyRegistryInvalidDate", CODE, future)):
        act(company_registry, "suspendBusiness", market_regulator, future)
    act(company_registry, "suspendBusiness", market_regulator, cst(2024, 5, 10))
    with brownie.reverts(typed_error("CompanyRegistryInvalidDate", CODE, cst(2024, 5, 9))):
        act(company_registry, "deregister", market_regulator, cst(2024, 5, 9))


def test_deregistration_is_refused_while_a_court_listing_is_live(
    company_registry, credit_lists, market_regulator, court, registered
):
    """REFERENCE.md: a dishonest judgment debtor is not deregistered while listed; another
    list does not block it, and once the court lifts the listing it goes through."""
    subject = company_subject(CODE)
    listing = (ListType.DISHONEST_JUDGMENT_DEBTOR, SubjectKind.COMPANY, subject, case("(2026)湘13执1号"),
               REASON, BASIS, today(), 0)
    credit_lists.list(listing, {"from": court})
    with brownie.reverts(typed_error("CompanyRegistryCourtListingLive", CODE)):
        act(company_registry, "deregister", market_regulator)
    credit_lists.lift(ListType.DISHONEST_JUDGMENT_DEBTOR, subject, case("(2026)湘13执1号"), REASON,
                      today() - DAY, {"from": court})
    assert act(company_registry, "deregister", market_regulator).return_value is True


# ---- the abnormal-operations list ---------------------------------------------------------


def test_abnormal_listing_is_a_list_the_company_stays_existing(company_registry, market_regulator, registered):
    when = today()
    tx = company_registry.listAbnormal(CODE, REASON, when, {"from": market_regulator})
    assert plain(tx.events["CompanyListedAbnormal"].values()) == plain([CODE, AMR_ID, REASON, when])
    assert company_registry.statusOf(CODE) == S.EXISTING
    assert plain(company_registry.abnormalListingOf(CODE)) == plain([REASON, when, 0])
    with brownie.reverts(typed_error("CompanyRegistryAbnormalConflict", CODE, REASON, when)):
        company_registry.listAbnormal(CODE, BASIS, when, {"from": market_regulator})
    company_registry.removeAbnormal(CODE, BASIS, when, {"from": market_regulator})
    # Both acts resent after the removal: no-ops, the listing is not revived.
    assert company_registry.listAbnormal(CODE, REASON, when, {"from": market_regulator}).return_value is False
    assert company_registry.removeAbnormal(CODE, BASIS, when, {"from": market_regulator}).return_value is False
    assert plain(company_registry.abnormalListingOf(CODE)) == plain([REASON, when, when])


def test_removal_needs_a_listing_and_cannot_precede_it(company_registry, market_regulator, registered):
    with brownie.reverts(typed_error("CompanyRegistryNotAbnormal", CODE)):
        company_registry.removeAbnormal(CODE, BASIS, today(), {"from": market_regulator})
    company_registry.listAbnormal(CODE, REASON, cst(2024, 5, 10), {"from": market_regulator})
    with brownie.reverts(typed_error("CompanyRegistryInvalidDate", CODE, cst(2024, 5, 9))):
        company_registry.removeAbnormal(CODE, BASIS, cst(2024, 5, 9), {"from": market_regulator})


def test_art_17_three_years_on_the_abnormal_list_is_the_serious_violation_list(
    company_registry, market_regulator, registered
):
    """Listed on the 2020 leap day: the three years end with 2023-02-28, so the company is on
    the serious-violation list from 2023-03-01 00:00 UTC+8, with no transaction."""
    company_registry.listAbnormal(CODE, REASON, cst(2020, 2, 29), {"from": market_regulator})
    assert company_registry.seriousViolationSince(CODE) == cst(2023, 3, 1)


def test_art_17_the_three_years_run_out_with_time_and_a_removal_stops_them(
    company_registry, market_regulator, registered
):
    end = cst_date(block_time()) + timedelta(days=2)  # the three years' last day: the day after tomorrow
    if (end.month, end.day) == (2, 29):
        end += timedelta(days=1)
    listed_on = date(end.year - 3, end.month, end.day)
    listed_at = cst(listed_on.year, listed_on.month, listed_on.day)
    company_registry.listAbnormal(CODE, REASON, listed_at, {"from": market_regulator})
    assert company_registry.seriousViolationSince(CODE) == 0
    serious_from = cst(listed_on.year + 3, listed_on.month, listed_on.day) + DAY
    chain.sleep(serious_from - block_time() + 60)
    chain.mine()
    assert company_registry.seriousViolationSince(CODE) == serious_from
    company_registry.removeAbnormal(CODE, BASIS, today(), {"from": market_regulator})
    assert company_registry.seriousViolationSince(CODE) == 0


# ---- tax credit grades ----------------------------------------------------------------------


def current_year(registry) -> int:
    return registry.yearOf(block_time())


def test_year_of_counts_in_china_standard_time(company_registry):
    assert company_registry.yearOf(cst(2026, 1, 1) - 1) == 2025
    assert company_registry.yearOf(cst(2026, 1, 1)) == 2026  # 2025-12-31 16:00 UTC
    assert company_registry.yearOf(block_time()) == cst_date(block_time()).year


def test_a_grade_for_a_year_in_the_future_or_before_establishment_is_refused(
    company_registry, tax_bureau, registered
):
    year = current_year(company_registry)
    for bad in (year + 1, 2018):  # established 2019
        with brownie.reverts(typed_error("CompanyRegistryInvalidTaxGrade", CODE, bad, TaxGrade.A)):
            company_registry.setTaxGrade(CODE, bad, TaxGrade.A, today(), {"from": tax_bureau})
    tx = company_registry.setTaxGrade(CODE, year, TaxGrade.A, today(), {"from": tax_bureau})
    assert plain(tx.events["TaxGradeAssessed"].values()) == plain([CODE, TAX_ID, year, TaxGrade.A, today()])


def test_the_same_grade_again_is_a_no_op_another_is_refused(company_registry, tax_bureau, registered):
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.B, today(), {"from": tax_bureau})
    assert company_registry.setTaxGrade(CODE, 2024, TaxGrade.B, today(), {"from": tax_bureau}).return_value is False
    with brownie.reverts(typed_error("CompanyRegistryTaxGradeConflict", CODE, 2024, TaxGrade.B)):
        company_registry.setTaxGrade(CODE, 2024, TaxGrade.D, today(), {"from": tax_bureau})


def test_tax_credit_repair_keeps_the_assessment_and_the_correction(company_registry, tax_bureau, registered):
    """纳税信用修复 (SAT Announcement 2019 No. 37): a reasoned correction; the history keeps both."""
    assessed, corrected = today() - 3 * DAY, today()
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.D, assessed, {"from": tax_bureau})
    tx = company_registry.correctTaxGrade(CODE, 2024, TaxGrade.B, REASON, corrected, {"from": tax_bureau})
    assert plain(tx.events["TaxGradeCorrected"].values()) == plain(
        [CODE, TAX_ID, 2024, TaxGrade.D, TaxGrade.B, REASON, corrected]
    )
    assert plain(company_registry.taxGradeHistoryOf(CODE, 2024)) == plain(
        [[TaxGrade.D, assessed, b"\0" * 32], [TaxGrade.B, corrected, REASON]]
    )
    assert company_registry.taxGradeOf(CODE, 2024) == TaxGrade.B
    assert plain(company_registry.taxStatusOf(CODE)) == [2024, TaxGrade.B]
    # The correction resent, and the original assessment resent: both no-ops.
    assert company_registry.correctTaxGrade(CODE, 2024, TaxGrade.B, REASON, corrected, {"from": tax_bureau}).return_value is False
    assert company_registry.setTaxGrade(CODE, 2024, TaxGrade.D, assessed, {"from": tax_bureau}).return_value is False
    assert company_registry.taxGradeOf(CODE, 2024) == TaxGrade.B


def test_a_correction_needs_a_graded_year_and_a_reason(company_registry, tax_bureau, registered):
    with brownie.reverts(typed_error("CompanyRegistryTaxYearNotGraded", CODE, 2024)):
        company_registry.correctTaxGrade(CODE, 2024, TaxGrade.B, REASON, today(), {"from": tax_bureau})
    company_registry.setTaxGrade(CODE, 2024, TaxGrade.D, today(), {"from": tax_bureau})
    with brownie.reverts(typed_error("CompanyRegistryMissingCorrectionReason", CODE, 2024)):
        company_registry.correctTaxGrade(CODE, 2024, TaxGrade.B, b"\0" * 32, today(), {"from": tax_bureau})


def test_the_latest_graded_year_is_the_current_grade_and_batches_count(company_registry, tax_bureau, registered):
    batch = [(CODE, 2024, TaxGrade.A, today()), (CODE, 2023, TaxGrade.D, today()), (CODE, 2024, TaxGrade.A, today())]
    assert company_registry.setTaxGradeBatch(batch, {"from": tax_bureau}).return_value == 2
    assert plain(company_registry.taxStatusOf(CODE)) == [2024, TaxGrade.A]
    assert list(company_registry.taxYearsOf(CODE)) == [2024, 2023]


# ---- many acts in one transaction (multicall) ---------------------------------------------------


def encoded(registry, name, *args):
    return getattr(registry, name).encode_input(*args)


def test_multicall_writes_many_companies_acts_in_order_each_with_its_own_event(
    company_registry, market_regulator, registered
):
    """Market regulation's later acts (Art. 30 suspension, the abnormal list, Art. 31
    deregistration) go many to a transaction, in export order, each its own act and event."""
    company_registry.register(OTHER, company_data(2), ESTABLISHED, {"from": market_regulator})
    when = today()
    tx = company_registry.multicall([
        encoded(company_registry, "listAbnormal", CODE, REASON, when),
        encoded(company_registry, "suspendBusiness", OTHER, BASIS, when),
        encoded(company_registry, "listAbnormal", CODE, REASON, when),  # resent in the same batch: a no-op
    ], {"from": market_regulator})
    assert [int.from_bytes(bytes(answer), "big") for answer in tx.return_value] == [1, 1, 0]
    assert plain(tx.events["CompanyListedAbnormal"].values()) == plain([CODE, AMR_ID, REASON, when])
    assert plain(tx.events["CompanyStatusChanged"].values()) == plain([OTHER, AMR_ID, S.SUSPENDED, S.EXISTING, BASIS, when])
    assert len(tx.events) == 2
    assert company_registry.statusOf(OTHER) == S.SUSPENDED


def test_multicall_is_all_or_nothing_and_reverts_with_the_failing_acts_own_error(
    company_registry, market_regulator, registered
):
    """One refused act (a removal from the abnormal list with no listing) refuses the batch with
    that act's typed error naming its company: the oracle finds the record by it."""
    company_registry.register(OTHER, company_data(2), ESTABLISHED, {"from": market_regulator})
    calls = [encoded(company_registry, "listAbnormal", CODE, REASON, today()),
             encoded(company_registry, "removeAbnormal", OTHER, REASON, today())]
    with brownie.reverts(typed_error("CompanyRegistryNotAbnormal", OTHER)):
        company_registry.multicall(calls, {"from": market_regulator})
    assert company_registry.abnormalListingOf(CODE)[1] == 0  # the listing before it undone


def test_multicall_corrects_many_tax_grades_each_with_its_event(company_registry, tax_bureau, market_regulator, registered):
    """纳税信用修复 (SAT Announcement 2019 No. 37) for several companies in one transaction."""
    company_registry.register(OTHER, company_data(2), ESTABLISHED, {"from": market_regulator})
    assessed = today() - 3 * DAY
    company_registry.setTaxGradeBatch([(CODE, 2024, TaxGrade.D, assessed), (OTHER, 2024, TaxGrade.C, assessed)],
                                      {"from": tax_bureau})
    tx = company_registry.multicall([encoded(company_registry, "correctTaxGrade", code, 2024, TaxGrade.B, REASON, today())
                                     for code in (CODE, OTHER)], {"from": tax_bureau})
    assert [plain(e.values())[:5] for e in tx.events["TaxGradeCorrected"]] == [
        plain([code, TAX_ID, 2024, grade, TaxGrade.B]) for code, grade in ((CODE, TaxGrade.D), (OTHER, TaxGrade.C))]
    assert company_registry.taxGradeOf(OTHER, 2024) == TaxGrade.B

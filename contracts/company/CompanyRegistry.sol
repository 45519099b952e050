// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {ICompanyRegistry, CompanyStatus, TaxGrade} from "../../interfaces/ICompanyRegistry.sol";
import {ICreditLists, CreditListType} from "../../interfaces/ICreditLists.sol";
import {USCCProblem} from "../../interfaces/IUSCC.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";
import {CivilCalendar} from "./CivilCalendar.sol";
import {USCC} from "./USCC.sol";

/**
 * @dev The company registry keyed by USCC. Market regulation writes the acts of the
 * Regulations on the Registration of Market Entities (2022); the tax bureau grades and
 * corrects tax credit. See {ICompanyRegistry}.
 *
 * Status transitions (each act's allowed starting statuses are a mask, `_from(…)`):
 * Existing ⇄ Suspended (Art. 30, resumption within three years); Existing/Suspended →
 * LicenseRevoked; Existing/Suspended/LicenseRevoked → RegistrationRevoked or Deregistered
 * (both final); Existing → MovedOut → Existing again by {register} (moving back in).
 *
 * {Multicall-multicall} runs many of these calls in one transaction, in order, each with its
 * own checks, role guard and event, all or nothing: market regulation's later acts (Arts. 30,
 * 31, 40 of the 2022 Regulations; the abnormal-operations list) and the tax bureau's
 * corrections go fifty to a block instead of one, and an error is still the failing act's own
 * typed error naming its company.
 */
contract CompanyRegistry is ICompanyRegistry, DepartmentGated, Multicall {
    /// @dev The earliest tax credit grading year (grading by the State Taxation Administration began 2014).
    uint16 public constant FIRST_TAX_YEAR = 2014;
    /// @dev Years of a business suspension (Art. 30) and of the abnormal-operations list before
    /// the serious-violation list.
    uint256 public constant THREE_YEARS = 3;

    ICreditLists private immutable _creditLists;

    mapping(bytes18 uscc => Company) private _companies;
    mapping(bytes18 uscc => AbnormalListing) private _abnormal;
    mapping(bytes18 uscc => TaxStatus) private _taxStatus;
    mapping(bytes18 uscc => uint16[] graded) private _taxYears;
    mapping(bytes18 uscc => mapping(uint16 year => TaxGradeEntry[])) private _taxHistory;

    constructor(ICityDirectory directory_, ICreditLists creditLists_) DepartmentGated(directory_) {
        _creditLists = creditLists_;
    }

    // ---- market regulation ----------------------------------------------------------------

    /// @inheritdoc ICompanyRegistry
    function register(bytes18 uscc, CompanyData calldata data, uint64 establishedAt) external returns (bool) {
        return _register(_market(), uscc, data, establishedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function registerBatch(RegistrationInput[] calldata registrations) external returns (uint256 count) {
        bytes32 departmentId = _market();
        for (uint256 i = 0; i < registrations.length; ++i) {
            RegistrationInput calldata r = registrations[i];
            if (_register(departmentId, r.uscc, r.data, r.establishedAt)) ++count;
        }
    }

    /// @inheritdoc ICompanyRegistry
    function amend(bytes18 uscc, CompanyData calldata data, uint64 actedAt) external returns (bool) {
        bytes32 departmentId = _market();
        Company storage company = _existing(uscc);
        _checkStatus(uscc, company.status, _from(CompanyStatus.Existing, CompanyStatus.Suspended));
        _checkData(uscc, data);
        _checkDate(uscc, actedAt, company.establishedAt);
        if (_sameData(company.data, data)) return false;
        CompanyData memory previous = company.data;
        company.data = data;
        company.updatedAt = actedAt;
        emit CompanyAmended(uscc, departmentId, previous, data, actedAt);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function listAbnormal(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        bytes32 departmentId = _market();
        Company storage company = _existing(uscc);
        AbnormalListing storage listing = _abnormal[uscc];
        // A resend, even of a listing removed since: never re-list it.
        if (listing.listedAt == actedAt && listing.reasonDigest == reasonDigest) return false;
        if (listing.listedAt != 0 && listing.removedAt == 0) {
            revert CompanyRegistryAbnormalConflict(uscc, listing.reasonDigest, listing.listedAt);
        }
        _checkStatus(uscc, company.status, _from(CompanyStatus.Existing, CompanyStatus.Suspended));
        if (reasonDigest == bytes32(0)) revert CompanyRegistryInvalidData(uscc);
        _checkDate(uscc, actedAt, company.establishedAt);
        _abnormal[uscc] = AbnormalListing(reasonDigest, actedAt, 0);
        company.updatedAt = actedAt;
        emit CompanyListedAbnormal(uscc, departmentId, reasonDigest, actedAt);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function removeAbnormal(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        bytes32 departmentId = _market();
        Company storage company = _existing(uscc);
        AbnormalListing storage listing = _abnormal[uscc];
        if (listing.listedAt == 0) revert CompanyRegistryNotAbnormal(uscc);
        if (listing.removedAt != 0) return false;
        _checkDate(uscc, actedAt, listing.listedAt);
        listing.removedAt = actedAt;
        company.updatedAt = actedAt;
        emit CompanyRemovedAbnormal(uscc, departmentId, reasonDigest, actedAt);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function suspendBusiness(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        uint256 from = _from(CompanyStatus.Existing, CompanyStatus.None);
        return _changeStatus(_market(), uscc, CompanyStatus.Suspended, from, reasonDigest, actedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function resumeBusiness(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        bytes32 departmentId = _market();
        Company storage company = _existing(uscc);
        // Art. 30: a suspension lasts at most three years; after them only deregistration is left.
        if (
            company.status == CompanyStatus.Suspended
                && actedAt >= CivilCalendar.afterYears(company.statusSince, THREE_YEARS)
        ) revert CompanyRegistrySuspensionExpired(uscc, company.statusSince);
        uint256 from = _from(CompanyStatus.Suspended, CompanyStatus.None);
        return _changeStatus(departmentId, uscc, CompanyStatus.Existing, from, reasonDigest, actedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function revokeLicense(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        uint256 from = _from(CompanyStatus.Existing, CompanyStatus.Suspended);
        return _changeStatus(_market(), uscc, CompanyStatus.LicenseRevoked, from, reasonDigest, actedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function revokeRegistration(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        CompanyStatus to = CompanyStatus.RegistrationRevoked;
        return _changeStatus(_market(), uscc, to, _beforeClosing(), reasonDigest, actedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function moveOut(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        uint256 from = _from(CompanyStatus.Existing, CompanyStatus.None);
        return _changeStatus(_market(), uscc, CompanyStatus.MovedOut, from, reasonDigest, actedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function deregister(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool) {
        bytes32 departmentId = _market();
        Company storage company = _existing(uscc);
        bool resend = company.status == CompanyStatus.Deregistered && company.statusSince == actedAt;
        // A debtor cannot escape enforcement by closing the company (SPC provisions 2017).
        if (!resend && _creditLists.hasLiveListing(CreditListType.DishonestJudgmentDebtor, bytes32(uscc))) {
            revert CompanyRegistryCourtListingLive(uscc);
        }
        return _changeStatus(departmentId, uscc, CompanyStatus.Deregistered, _beforeClosing(), reasonDigest, actedAt);
    }

    // ---- tax bureau -----------------------------------------------------------------------

    /// @inheritdoc ICompanyRegistry
    function setTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade, uint64 assessedAt) external returns (bool) {
        return _setTaxGrade(_tax(), uscc, year, grade, assessedAt);
    }

    /// @inheritdoc ICompanyRegistry
    function setTaxGradeBatch(TaxGradeInput[] calldata grades) external returns (uint256 count) {
        bytes32 departmentId = _tax();
        for (uint256 i = 0; i < grades.length; ++i) {
            TaxGradeInput calldata g = grades[i];
            if (_setTaxGrade(departmentId, g.uscc, g.year, g.grade, g.assessedAt)) ++count;
        }
    }

    /// @inheritdoc ICompanyRegistry
    function correctTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade, bytes32 reasonDigest, uint64 correctedAt)
        external
        returns (bool)
    {
        bytes32 departmentId = _tax();
        TaxGradeEntry[] storage history = _taxHistory[uscc][year];
        if (history.length == 0) revert CompanyRegistryTaxYearNotGraded(uscc, year);
        if (grade == TaxGrade.None) revert CompanyRegistryInvalidTaxGrade(uscc, year, grade);
        if (reasonDigest == bytes32(0)) revert CompanyRegistryMissingCorrectionReason(uscc, year);
        _checkDate(uscc, correctedAt, 1);
        TaxGrade previous = history[history.length - 1].grade;
        if (previous == grade) return false;
        _taxHistory[uscc][year].push(TaxGradeEntry(grade, correctedAt, reasonDigest));
        _updateLatest(uscc, year, grade);
        emit TaxGradeCorrected(uscc, departmentId, year, previous, grade, reasonDigest, correctedAt);
        return true;
    }

    // ---- views ----------------------------------------------------------------------------

    /// @inheritdoc ICompanyRegistry
    function getCompany(bytes18 uscc) external view returns (Company memory) {
        return _companies[uscc];
    }

    /// @inheritdoc ICompanyRegistry
    function statusOf(bytes18 uscc) external view returns (CompanyStatus) {
        return _companies[uscc].status;
    }

    /// @inheritdoc ICompanyRegistry
    function abnormalListingOf(bytes18 uscc) external view returns (AbnormalListing memory) {
        return _abnormal[uscc];
    }

    /// @inheritdoc ICompanyRegistry
    function seriousViolationSince(bytes18 uscc) external view returns (uint64) {
        AbnormalListing storage listing = _abnormal[uscc];
        if (listing.listedAt == 0 || listing.removedAt != 0) return 0;
        uint256 since = CivilCalendar.afterYears(listing.listedAt, THREE_YEARS);
        return since <= block.timestamp ? uint64(since) : 0;
    }

    /// @inheritdoc ICompanyRegistry
    function taxStatusOf(bytes18 uscc) external view returns (TaxStatus memory) {
        return _taxStatus[uscc];
    }

    /// @inheritdoc ICompanyRegistry
    function taxGradeOf(bytes18 uscc, uint16 year) external view returns (TaxGrade) {
        TaxGradeEntry[] storage history = _taxHistory[uscc][year];
        return history.length == 0 ? TaxGrade.None : history[history.length - 1].grade;
    }

    /// @inheritdoc ICompanyRegistry
    function taxYearsOf(bytes18 uscc) external view returns (uint16[] memory) {
        return _taxYears[uscc];
    }

    /// @inheritdoc ICompanyRegistry
    function taxGradeHistoryOf(bytes18 uscc, uint16 year) external view returns (TaxGradeEntry[] memory) {
        return _taxHistory[uscc][year];
    }

    /// @inheritdoc ICompanyRegistry
    function yearOf(uint64 timestamp) external pure returns (uint16) {
        return uint16(CivilCalendar.yearOf(timestamp));
    }

    /// @inheritdoc ICompanyRegistry
    function usccProblemOf(bytes18 uscc) external pure returns (USCCProblem) {
        return USCC.problemOf(uscc);
    }

    /// @inheritdoc ICompanyRegistry
    function creditLists() external view returns (ICreditLists) {
        return _creditLists;
    }

    // ---- internals ------------------------------------------------------------------------

    function _market() private view returns (bytes32 departmentId) {
        (departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
    }

    function _tax() private view returns (bytes32 departmentId) {
        (departmentId,) = _checkDepartment(kindBit(DepartmentKind.TaxBureau));
    }

    function _register(bytes32 departmentId, bytes18 uscc, CompanyData calldata data, uint64 establishedAt)
        private
        returns (bool)
    {
        USCCProblem problem = USCC.problemOf(uscc);
        if (problem != USCCProblem.None) revert CompanyRegistryInvalidCode(uscc, problem);
        _checkData(uscc, data);
        _checkDate(uscc, establishedAt, 1);
        Company storage company = _companies[uscc];
        CompanyStatus status = company.status;
        bool resend = status == CompanyStatus.Existing && company.establishedAt == establishedAt;
        if (resend && _sameData(company.data, data)) return false;
        // A code is never reused; a company that moved out may move back in with its code.
        if (status != CompanyStatus.None && status != CompanyStatus.MovedOut) {
            revert CompanyRegistryAlreadyRegistered(uscc, status);
        }
        _writeData(company.data, data, status == CompanyStatus.None);
        company.status = CompanyStatus.Existing;
        company.establishedAt = establishedAt;
        company.statusSince = establishedAt;
        company.updatedAt = establishedAt;
        emit CompanyRegistered(uscc, departmentId, data, establishedAt);
        return true;
    }

    /// @dev The one place a status act is written: idempotency, the transition, the date, the event.
    function _changeStatus(
        bytes32 departmentId,
        bytes18 uscc,
        CompanyStatus to,
        uint256 fromMask,
        bytes32 reasonDigest,
        uint64 actedAt
    ) private returns (bool) {
        Company storage company = _existing(uscc);
        CompanyStatus previous = company.status;
        if (previous == to && company.statusSince == actedAt) return false; // a resend
        _checkStatus(uscc, previous, fromMask);
        _checkDate(uscc, actedAt, company.statusSince);
        company.status = to;
        company.statusSince = actedAt;
        company.updatedAt = actedAt;
        emit CompanyStatusChanged(uscc, departmentId, to, previous, reasonDigest, actedAt);
        return true;
    }

    function _setTaxGrade(bytes32 departmentId, bytes18 uscc, uint16 year, TaxGrade grade, uint64 assessedAt)
        private
        returns (bool)
    {
        Company storage company = _existing(uscc);
        TaxGradeEntry[] storage history = _taxHistory[uscc][year];
        if (history.length != 0) {
            // The assessment resent, even after a correction, or the current grade again: no-op.
            TaxGrade current = history[history.length - 1].grade;
            if (grade == history[0].grade || grade == current) return false;
            revert CompanyRegistryTaxGradeConflict(uscc, year, current);
        }
        if (
            grade == TaxGrade.None || year < FIRST_TAX_YEAR || year < CivilCalendar.yearOf(company.establishedAt)
                || year > CivilCalendar.yearOf(block.timestamp)
        ) revert CompanyRegistryInvalidTaxGrade(uscc, year, grade);
        _checkDate(uscc, assessedAt, 1);
        _taxHistory[uscc][year].push(TaxGradeEntry(grade, assessedAt, bytes32(0)));
        _taxYears[uscc].push(year);
        _updateLatest(uscc, year, grade);
        emit TaxGradeAssessed(uscc, departmentId, year, grade, assessedAt);
        return true;
    }

    function _updateLatest(bytes18 uscc, uint16 year, TaxGrade grade) private {
        TaxStatus storage tax = _taxStatus[uscc];
        if (year >= tax.latestYear) _taxStatus[uscc] = TaxStatus(year, grade);
    }

    function _existing(bytes18 uscc) private view returns (Company storage company) {
        company = _companies[uscc];
        if (company.status == CompanyStatus.None) revert CompanyRegistryUnknownCompany(uscc);
    }

    /// @dev The statuses a company may leave for RegistrationRevoked or Deregistered.
    function _beforeClosing() private pure returns (uint256) {
        return _from(CompanyStatus.Existing, CompanyStatus.Suspended)
            | _from(CompanyStatus.LicenseRevoked, CompanyStatus.None);
    }

    /// @dev A mask of two statuses (None stands for "no second status": never an allowed start).
    function _from(CompanyStatus a, CompanyStatus b) private pure returns (uint256) {
        return ((uint256(1) << uint8(a)) | (uint256(1) << uint8(b))) & ~uint256(1);
    }

    function _checkStatus(bytes18 uscc, CompanyStatus status, uint256 fromMask) private pure {
        if (fromMask & (uint256(1) << uint8(status)) == 0) revert CompanyRegistryInvalidStatus(uscc, status);
    }

    /// @dev An act's date: non-zero, not before `notBefore`, not after the block's time.
    function _checkDate(bytes18 uscc, uint64 actedAt, uint64 notBefore) private view {
        if (actedAt == 0 || actedAt < notBefore || actedAt > block.timestamp) {
            revert CompanyRegistryInvalidDate(uscc, actedAt);
        }
    }

    function _checkData(bytes18 uscc, CompanyData calldata data) private pure {
        if (data.nameDigest == bytes32(0) || data.legalRepresentativeHash == bytes32(0) || data.division == bytes6(0)) {
            revert CompanyRegistryInvalidData(uscc);
        }
    }

    /**
     * @dev Stores `data`. A code never registered has only zero slots, so its empty address and
     * business-scope digests (the market export leaves them out) are not written: a cold store of
     * zero over zero still costs 2,200 gas. A company moving back in has every field written.
     */
    function _writeData(CompanyData storage stored, CompanyData calldata data, bool fresh) private {
        stored.nameDigest = data.nameDigest;
        stored.legalRepresentativeHash = data.legalRepresentativeHash;
        if (!fresh || data.addressDigest != bytes32(0)) stored.addressDigest = data.addressDigest;
        if (!fresh || data.businessScopeDigest != bytes32(0)) stored.businessScopeDigest = data.businessScopeDigest;
        stored.registeredCapital = data.registeredCapital;
        stored.division = data.division;
    }

    function _sameData(CompanyData storage stored, CompanyData calldata data) private view returns (bool) {
        return stored.nameDigest == data.nameDigest && stored.legalRepresentativeHash == data.legalRepresentativeHash
            && stored.addressDigest == data.addressDigest && stored.businessScopeDigest == data.businessScopeDigest
            && stored.registeredCapital == data.registeredCapital && stored.division == data.division;
    }
}

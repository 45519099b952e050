// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {ICompanyRegistry, CompanyStatus, TaxGrade} from "../../interfaces/ICompanyRegistry.sol";
import {ICreditLists, CreditListType} from "../../interfaces/ICreditLists.sol";
import {USCCProblem} from "../../interfaces/IUSCC.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";
import {USCC} from "./USCC.sol";

/**
 * @dev The company registry keyed by USCC. Market regulation runs the lifecycle
 * (Active ⇄ Abnormal → Revoked → Deregistered, Deregistered final); the tax bureau keeps the
 * tax standing. See {ICompanyRegistry}.
 */
contract CompanyRegistry is ICompanyRegistry, DepartmentGated {
    /// @dev The earliest tax credit grading year (grading by the State Taxation Administration began 2014).
    uint16 public constant FIRST_TAX_YEAR = 2014;

    ICreditLists private immutable _creditLists;

    mapping(bytes18 uscc => Company) private _companies;
    mapping(bytes18 uscc => AbnormalListing) private _abnormal;
    mapping(bytes18 uscc => TaxStatus) private _taxStatus;
    mapping(bytes18 uscc => mapping(uint16 year => TaxGrade)) private _taxGrades;

    constructor(ICityDirectory directory_, ICreditLists creditLists_) DepartmentGated(directory_) {
        _creditLists = creditLists_;
    }

    // ---- market regulation ----------------------------------------------------------------

    /// @inheritdoc ICompanyRegistry
    function register(bytes18 uscc, CompanyData calldata data) external returns (bool registered) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        return _register(departmentId, uscc, data);
    }

    /// @inheritdoc ICompanyRegistry
    function registerBatch(bytes18[] calldata usccs, CompanyData[] calldata data) external returns (uint256 count) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        if (usccs.length != data.length) revert CompanyRegistryBatchLengthMismatch(usccs.length, data.length);
        for (uint256 i = 0; i < usccs.length; ++i) {
            if (_register(departmentId, usccs[i], data[i])) ++count;
        }
    }

    /// @inheritdoc ICompanyRegistry
    function amend(bytes18 uscc, CompanyData calldata data) external returns (bool amended) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        Company storage company = _existing(uscc);
        if (company.status != CompanyStatus.Active && company.status != CompanyStatus.Abnormal) {
            revert CompanyRegistryInvalidStatus(uscc, company.status);
        }
        _checkData(uscc, data);
        if (_sameData(company.data, data)) return false;
        CompanyData memory previous = company.data;
        company.data = data;
        company.updatedAt = uint48(block.timestamp);
        emit CompanyAmended(uscc, departmentId, previous, data);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function listAbnormal(bytes18 uscc, bytes32 reasonCode) external returns (bool listed) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        Company storage company = _existing(uscc);
        if (reasonCode == bytes32(0)) revert CompanyRegistryInvalidData(uscc);
        if (company.status == CompanyStatus.Abnormal) {
            bytes32 stored = _abnormal[uscc].reasonCode;
            if (stored == reasonCode) return false;
            revert CompanyRegistryAbnormalReasonConflict(uscc, stored);
        }
        if (company.status != CompanyStatus.Active) revert CompanyRegistryInvalidStatus(uscc, company.status);
        _setStatus(company, CompanyStatus.Abnormal);
        _abnormal[uscc] = AbnormalListing(reasonCode, uint64(block.timestamp));
        emit CompanyListedAbnormal(uscc, departmentId, reasonCode);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function delistAbnormal(bytes18 uscc, bytes32 reasonCode) external returns (bool delisted) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        Company storage company = _existing(uscc);
        if (company.status == CompanyStatus.Active) return false;
        if (company.status != CompanyStatus.Abnormal) revert CompanyRegistryInvalidStatus(uscc, company.status);
        _setStatus(company, CompanyStatus.Active);
        delete _abnormal[uscc];
        emit CompanyDelistedAbnormal(uscc, departmentId, reasonCode);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function revokeLicense(bytes18 uscc, bytes32 basisDigest) external returns (bool revoked) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        Company storage company = _existing(uscc);
        if (company.status == CompanyStatus.Revoked) return false;
        if (company.status == CompanyStatus.Deregistered) revert CompanyRegistryInvalidStatus(uscc, company.status);
        _setStatus(company, CompanyStatus.Revoked);
        delete _abnormal[uscc];
        emit CompanyLicenseRevoked(uscc, departmentId, basisDigest);
        return true;
    }

    /// @inheritdoc ICompanyRegistry
    function deregister(bytes18 uscc, bytes32 basisDigest) external returns (bool deregistered) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.MarketRegulation));
        Company storage company = _existing(uscc);
        if (company.status == CompanyStatus.Deregistered) return false;
        if (_creditLists.isEffective(CreditListType.DishonestJudgmentDebtor, bytes32(uscc))) {
            revert CompanyRegistryCourtListingEffective(uscc);
        }
        _setStatus(company, CompanyStatus.Deregistered);
        delete _abnormal[uscc];
        emit CompanyDeregistered(uscc, departmentId, basisDigest);
        return true;
    }

    // ---- tax bureau -----------------------------------------------------------------------

    /// @inheritdoc ICompanyRegistry
    function setTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade) external returns (bool set) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.TaxBureau));
        return _setTaxGrade(departmentId, uscc, year, grade);
    }

    /// @inheritdoc ICompanyRegistry
    function setTaxGradeBatch(bytes18[] calldata usccs, uint16[] calldata taxYears, TaxGrade[] calldata grades)
        external
        returns (uint256 count)
    {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.TaxBureau));
        if (usccs.length != taxYears.length) revert CompanyRegistryBatchLengthMismatch(usccs.length, taxYears.length);
        if (usccs.length != grades.length) revert CompanyRegistryBatchLengthMismatch(usccs.length, grades.length);
        for (uint256 i = 0; i < usccs.length; ++i) {
            if (_setTaxGrade(departmentId, usccs[i], taxYears[i], grades[i])) ++count;
        }
    }

    /// @inheritdoc ICompanyRegistry
    function setMajorTaxViolation(bytes18 uscc, bool flagged, bytes32 basisDigest) external returns (bool changed) {
        (bytes32 departmentId,) = _checkDepartment(kindBit(DepartmentKind.TaxBureau));
        _notDeregistered(uscc);
        TaxStatus storage tax = _taxStatus[uscc];
        if (tax.majorViolation == flagged) return false;
        tax.majorViolation = flagged;
        emit MajorTaxViolationFlagChanged(uscc, departmentId, flagged, basisDigest);
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
    function taxStatusOf(bytes18 uscc) external view returns (TaxStatus memory) {
        return _taxStatus[uscc];
    }

    /// @inheritdoc ICompanyRegistry
    function taxGradeOf(bytes18 uscc, uint16 year) external view returns (TaxGrade) {
        return _taxGrades[uscc][year];
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

    function _register(bytes32 departmentId, bytes18 uscc, CompanyData calldata data) private returns (bool) {
        USCCProblem problem = USCC.problemOf(uscc);
        if (problem != USCCProblem.None) revert CompanyRegistryInvalidCode(uscc, problem);
        _checkData(uscc, data);
        Company storage company = _companies[uscc];
        if (company.status != CompanyStatus.None) {
            if (company.status == CompanyStatus.Active && _sameData(company.data, data)) return false;
            revert CompanyRegistryAlreadyRegistered(uscc, company.status);
        }
        company.data = data;
        company.status = CompanyStatus.Active;
        company.registeredAt = uint48(block.timestamp);
        company.updatedAt = uint48(block.timestamp);
        emit CompanyRegistered(uscc, departmentId, data);
        return true;
    }

    function _setTaxGrade(bytes32 departmentId, bytes18 uscc, uint16 year, TaxGrade grade) private returns (bool) {
        _notDeregistered(uscc);
        if (grade == TaxGrade.None || year < FIRST_TAX_YEAR) revert CompanyRegistryInvalidTaxGrade(uscc, year);
        TaxGrade stored = _taxGrades[uscc][year];
        if (stored == grade) return false;
        if (stored != TaxGrade.None) revert CompanyRegistryTaxGradeConflict(uscc, year, stored);
        _taxGrades[uscc][year] = grade;
        TaxStatus storage tax = _taxStatus[uscc];
        if (year >= tax.latestYear) {
            tax.latestYear = year;
            tax.latestGrade = grade;
        }
        emit TaxGradeSet(uscc, departmentId, year, grade);
        return true;
    }

    function _existing(bytes18 uscc) private view returns (Company storage company) {
        company = _companies[uscc];
        if (company.status == CompanyStatus.None) revert CompanyRegistryUnknownCompany(uscc);
    }

    function _notDeregistered(bytes18 uscc) private view {
        CompanyStatus status = _existing(uscc).status;
        if (status == CompanyStatus.Deregistered) revert CompanyRegistryInvalidStatus(uscc, status);
    }

    function _setStatus(Company storage company, CompanyStatus status) private {
        company.status = status;
        company.updatedAt = uint48(block.timestamp);
    }

    function _checkData(bytes18 uscc, CompanyData calldata data) private pure {
        if (data.nameDigest == bytes32(0) || data.legalRepresentativeHash == bytes32(0)) {
            revert CompanyRegistryInvalidData(uscc);
        }
    }

    function _sameData(CompanyData storage stored, CompanyData calldata data) private view returns (bool) {
        return stored.nameDigest == data.nameDigest && stored.legalRepresentativeHash == data.legalRepresentativeHash
            && stored.addressDigest == data.addressDigest && stored.businessScopeDigest == data.businessScopeDigest
            && stored.registeredCapital == data.registeredCapital;
    }
}

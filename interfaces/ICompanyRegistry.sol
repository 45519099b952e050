// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICreditLists} from "./ICreditLists.sol";
import {USCCProblem} from "./IUSCC.sol";

/**
 * @dev Market-entity status. `Abnormal` is a company on the list of abnormal operations
 * (经营异常名录), which it leaves after correction; `Revoked` (吊销) and `Deregistered` (注销)
 * are one-way. Append, never reorder.
 */
enum CompanyStatus {
    None,
    Active,
    Abnormal,
    Revoked,
    Deregistered
}

/// @dev Tax credit grades, best first; `None` is "not graded".
enum TaxGrade {
    None,
    A,
    B,
    M,
    C,
    D
}

/**
 * @dev The company registry, keyed by unified social credit code (ASCII in a `bytes18`,
 * validated with the GB 32100 check characters). Market regulation registers, amends,
 * lists and delists on the abnormal-operations list, revokes licenses and deregisters;
 * the tax bureau grades tax credit per year and flags major tax violations. No personal
 * data: names, addresses, scopes and the legal representative are digests or salted hashes.
 */
interface ICompanyRegistry {
    /// @dev The registered particulars. `registeredCapital` is in fen (0.01 yuan).
    struct CompanyData {
        bytes32 nameDigest;
        bytes32 legalRepresentativeHash;
        bytes32 addressDigest;
        bytes32 businessScopeDigest;
        uint128 registeredCapital;
    }

    /// @dev A stored company. `registeredCapital`, `status` and both times share one slot.
    struct Company {
        CompanyData data;
        CompanyStatus status;
        uint48 registeredAt;
        uint48 updatedAt;
    }

    /// @dev A company's current listing on the abnormal-operations list (two slots).
    struct AbnormalListing {
        bytes32 reasonCode;
        uint64 since;
    }

    /// @dev A company's tax standing: its latest graded year and grade, and the violation flag.
    struct TaxStatus {
        uint16 latestYear;
        TaxGrade latestGrade;
        bool majorViolation;
    }

    error CompanyRegistryInvalidCode(bytes18 uscc, USCCProblem problem);
    error CompanyRegistryInvalidData(bytes18 uscc);
    error CompanyRegistryBatchLengthMismatch(uint256 codes, uint256 entries);
    error CompanyRegistryUnknownCompany(bytes18 uscc);
    /// @dev Registering `uscc` again with other data, or after it left the Active status.
    error CompanyRegistryAlreadyRegistered(bytes18 uscc, CompanyStatus status);
    /// @dev The operation is not allowed in the company's current status.
    error CompanyRegistryInvalidStatus(bytes18 uscc, CompanyStatus status);
    /// @dev Listed on the abnormal-operations list already, for another reason.
    error CompanyRegistryAbnormalReasonConflict(bytes18 uscc, bytes32 storedReasonCode);
    /// @dev A court's dishonest-judgment-debtor listing is effective: no deregistration.
    error CompanyRegistryCourtListingEffective(bytes18 uscc);
    error CompanyRegistryInvalidTaxGrade(bytes18 uscc, uint16 year);
    /// @dev The year is graded already with another grade.
    error CompanyRegistryTaxGradeConflict(bytes18 uscc, uint16 year, TaxGrade storedGrade);

    event CompanyRegistered(bytes18 indexed uscc, bytes32 indexed departmentId, CompanyData data);
    event CompanyAmended(bytes18 indexed uscc, bytes32 indexed departmentId, CompanyData previous, CompanyData data);
    event CompanyListedAbnormal(bytes18 indexed uscc, bytes32 indexed departmentId, bytes32 reasonCode);
    event CompanyDelistedAbnormal(bytes18 indexed uscc, bytes32 indexed departmentId, bytes32 reasonCode);
    event CompanyLicenseRevoked(bytes18 indexed uscc, bytes32 indexed departmentId, bytes32 basisDigest);
    event CompanyDeregistered(bytes18 indexed uscc, bytes32 indexed departmentId, bytes32 basisDigest);
    event TaxGradeSet(bytes18 indexed uscc, bytes32 indexed departmentId, uint16 indexed year, TaxGrade grade);
    event MajorTaxViolationFlagChanged(
        bytes18 indexed uscc, bytes32 indexed departmentId, bool flagged, bytes32 basisDigest
    );

    /**
     * @notice Register a company as Active.
     * @dev Idempotent: registering an Active company with exactly its stored data is a no-op
     * returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - `uscc` is a valid code; the name digest and legal-representative hash are non-zero;
     * - the code is not registered yet (a deregistered code is never reused).
     *
     * Emits a {CompanyRegistered} event.
     */
    function register(bytes18 uscc, CompanyData calldata data) external returns (bool registered);

    /**
     * @notice {register} for many companies; all or nothing.
     * @return count the number of companies registered (those already stored are skipped).
     */
    function registerBatch(bytes18[] calldata usccs, CompanyData[] calldata data) external returns (uint256 count);

    /**
     * @notice Amend a company's registered particulars (name, legal representative, capital,
     * address, business scope).
     * @dev Idempotent: amending to the stored data is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company is Active or Abnormal; the name digest and legal-representative hash are non-zero.
     *
     * Emits a {CompanyAmended} event.
     */
    function amend(bytes18 uscc, CompanyData calldata data) external returns (bool amended);

    /**
     * @notice Put a company on the list of abnormal operations.
     * @dev Idempotent: listing an Abnormal company for its stored reason is a no-op.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company is Active, or Abnormal for the same reason; `reasonCode` is non-zero.
     *
     * Emits a {CompanyListedAbnormal} event.
     */
    function listAbnormal(bytes18 uscc, bytes32 reasonCode) external returns (bool listed);

    /**
     * @notice Take a company off the list of abnormal operations after correction.
     * @dev Idempotent: delisting an Active company is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company is Abnormal or Active.
     *
     * Emits a {CompanyDelistedAbnormal} event.
     */
    function delistAbnormal(bytes18 uscc, bytes32 reasonCode) external returns (bool delisted);

    /**
     * @notice Revoke a company's business license (吊销).
     * @dev Idempotent: revoking a Revoked company is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company is Active, Abnormal or Revoked.
     *
     * Emits a {CompanyLicenseRevoked} event.
     */
    function revokeLicense(bytes18 uscc, bytes32 basisDigest) external returns (bool revoked);

    /**
     * @notice Deregister a company (注销). Final: nothing changes a deregistered company.
     * @dev Idempotent: deregistering a Deregistered company is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department; the company is registered;
     * - no court dishonest-judgment-debtor listing of the company is effective.
     *
     * Emits a {CompanyDeregistered} event.
     */
    function deregister(bytes18 uscc, bytes32 basisDigest) external returns (bool deregistered);

    /**
     * @notice Set a company's tax credit grade for `year`.
     * @dev Idempotent: the stored grade again is a no-op; another grade for a graded year
     * reverts. The latest graded year gives the company's current grade.
     *
     * Requirements:
     * - the caller signs for an active TaxBureau department;
     * - the company is registered and not Deregistered; `grade` is not None; `year` ≥ 2014.
     *
     * Emits a {TaxGradeSet} event.
     */
    function setTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade) external returns (bool set);

    /**
     * @notice {setTaxGrade} for many companies; all or nothing.
     * @return count the number of grades written (grades already stored are skipped).
     */
    function setTaxGradeBatch(bytes18[] calldata usccs, uint16[] calldata taxYears, TaxGrade[] calldata grades)
        external
        returns (uint256 count);

    /**
     * @notice Flag (or clear the flag of) a company as a major tax violator.
     * @dev Idempotent: setting the stored flag again is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active TaxBureau department;
     * - the company is registered and not Deregistered.
     *
     * Emits a {MajorTaxViolationFlagChanged} event.
     */
    function setMajorTaxViolation(bytes18 uscc, bool flagged, bytes32 basisDigest) external returns (bool changed);

    /// @notice The stored company (status None when never registered).
    function getCompany(bytes18 uscc) external view returns (Company memory);

    /// @notice The company's status (None when never registered).
    function statusOf(bytes18 uscc) external view returns (CompanyStatus);

    /**
     * @notice The company's current abnormal-operations listing (zero when none). `since` lets
     * market regulation find companies listed for three years, which move to the list of
     * serious violations ({ICreditLists}) by a listing it writes there.
     */
    function abnormalListingOf(bytes18 uscc) external view returns (AbnormalListing memory);

    /// @notice The company's tax standing.
    function taxStatusOf(bytes18 uscc) external view returns (TaxStatus memory);

    /// @notice The company's tax grade for `year` (None when not graded).
    function taxGradeOf(bytes18 uscc, uint16 year) external view returns (TaxGrade);

    /// @notice The first rule `uscc` breaks as a unified social credit code (None when valid).
    function usccProblemOf(bytes18 uscc) external pure returns (USCCProblem);

    /// @notice The credit lists asked before deregistration.
    function creditLists() external view returns (ICreditLists);
}

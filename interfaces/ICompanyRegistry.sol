// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICreditLists} from "./ICreditLists.sol";
import {USCCProblem} from "./IUSCC.sol";

/**
 * @dev Market-entity status under the Regulations on the Registration of Market Entities
 * (2022): existing (存续), business suspended (歇业, Art. 30, at most 3 years), license revoked
 * (吊销), registration revoked (撤销登记), moved out (迁出), deregistered (注销).
 * The abnormal-operations list (经营异常名录) is a list, not a status: a listed company stays
 * Existing. Mirrored by `chaincity.chain.enums.CompanyStatus`: append, never reorder.
 */
enum CompanyStatus {
    None,
    Existing,
    Suspended,
    LicenseRevoked,
    RegistrationRevoked,
    MovedOut,
    Deregistered
}

/// @dev Tax credit grades, best first; `None` is "not graded". Mirrored by `chaincity.chain.enums.TaxGrade`.
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
 * validated with the GB 32100 check characters). Market regulation writes the acts of its
 * export (register, amend, the abnormal-operations list, suspension and resumption of
 * business, license revocation, revocation of registration, moving out, deregistration),
 * each with the date of the act; the tax bureau grades tax credit per year and corrects
 * grades (纳税信用修复). No personal data: names, addresses, scopes and the legal
 * representative are digests or salted hashes.
 *
 * Dates: every `…At` argument is a Unix timestamp taken from the export, in seconds; the
 * oracle passes the start (00:00) of the act's day in China Standard Time (UTC+8). An act's
 * date may not lie after the block's time. Calendar arithmetic (a tax year, "three years")
 * is done on days in UTC+8: the year of a timestamp `t` is the civil year of day
 * `(t + 8 h) / 1 day`, and a period of N years from a day D ends on the same month and day
 * N years later (the last day of the month when that day does not exist: 29 February + 3
 * years is 28 February), counting from the day after D (Civil Code Arts. 201-203).
 *
 * Idempotency: writing what is already there (a resent record) is a no-op returning false
 * (batches: not counted) and emitting nothing; a conflicting write reverts with a typed error
 * naming the company.
 */
interface ICompanyRegistry {
    /**
     * @dev The registered particulars. `registeredCapital` is in fen (0.01 yuan); `division`
     * is the registering authority's division code (GB/T 2260, ASCII, e.g. "431302"), not
     * taken from the USCC (a company that moved in keeps its code).
     */
    struct CompanyData {
        bytes32 nameDigest;
        bytes32 legalRepresentativeHash;
        bytes32 addressDigest;
        bytes32 businessScopeDigest;
        uint128 registeredCapital;
        bytes6 division;
    }

    /// @dev One element of {registerBatch}: a company, its particulars and its date of establishment.
    struct RegistrationInput {
        bytes18 uscc;
        CompanyData data;
        uint64 establishedAt;
    }

    /**
     * @dev A stored company: the particulars, then one slot with the status, the date of
     * establishment, the date of the act that set the current status (`statusSince`; the date
     * of establishment after {register}, also for a company moving back in) and the date of the
     * latest act of any kind (`updatedAt`).
     */
    struct Company {
        CompanyData data;
        CompanyStatus status;
        uint64 establishedAt;
        uint64 statusSince;
        uint64 updatedAt;
    }

    /**
     * @dev The company's latest abnormal-operations listing (经营异常名录): why and the day it
     * was listed, and the day it was removed (0 while on the list). Two slots.
     */
    struct AbnormalListing {
        bytes32 reasonDigest;
        uint64 listedAt;
        uint64 removedAt;
    }

    /// @dev The latest graded year and its current grade (after corrections); one slot.
    struct TaxStatus {
        uint16 latestYear;
        TaxGrade latestGrade;
    }

    /**
     * @dev One step of a year's grade history: the assessment (entry 0, `reasonDigest` 0)
     * or a correction (纳税信用修复), with the date of the act.
     */
    struct TaxGradeEntry {
        TaxGrade grade;
        uint64 at;
        bytes32 reasonDigest;
    }

    /// @dev One element of {setTaxGradeBatch}.
    struct TaxGradeInput {
        bytes18 uscc;
        uint16 year;
        TaxGrade grade;
        uint64 assessedAt;
    }

    error CompanyRegistryInvalidCode(bytes18 uscc, USCCProblem problem);
    /// @dev The name digest, legal-representative hash or division is zero.
    error CompanyRegistryInvalidData(bytes18 uscc);
    /// @dev The date of the act is zero, after the block's time, or before the date it must follow.
    error CompanyRegistryInvalidDate(bytes18 uscc, uint64 actedAt);
    error CompanyRegistryUnknownCompany(bytes18 uscc);
    /// @dev Registering `uscc` again with other particulars or another date, or while its status forbids it.
    error CompanyRegistryAlreadyRegistered(bytes18 uscc, CompanyStatus status);
    /// @dev The act is not allowed in the company's current status.
    error CompanyRegistryInvalidStatus(bytes18 uscc, CompanyStatus status);
    /// @dev On the abnormal-operations list already, for another reason or since another day.
    error CompanyRegistryAbnormalConflict(bytes18 uscc, bytes32 reasonDigest, uint64 listedAt);
    /// @dev Removal from the abnormal-operations list of a company not on it.
    error CompanyRegistryNotAbnormal(bytes18 uscc);
    /// @dev Resumption after the suspension's three years (Art. 30): the company may only be deregistered.
    error CompanyRegistrySuspensionExpired(bytes18 uscc, uint64 suspendedAt);
    /// @dev A court's dishonest-judgment-debtor listing of the company is live: no deregistration.
    error CompanyRegistryCourtListingLive(bytes18 uscc);
    /// @dev Grade None, a year before 2014 or before the year of establishment, or after the current year (UTC+8).
    error CompanyRegistryInvalidTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade);
    /// @dev The year is graded already with another grade: correct it with {correctTaxGrade}.
    error CompanyRegistryTaxGradeConflict(bytes18 uscc, uint16 year, TaxGrade storedGrade);
    /// @dev A correction of a year never graded.
    error CompanyRegistryTaxYearNotGraded(bytes18 uscc, uint16 year);
    /// @dev A correction without a reason digest.
    error CompanyRegistryMissingCorrectionReason(bytes18 uscc, uint16 year);

    event CompanyRegistered(
        bytes18 indexed uscc, bytes32 indexed departmentId, CompanyData data, uint64 establishedAt
    );
    event CompanyAmended(
        bytes18 indexed uscc, bytes32 indexed departmentId, CompanyData previous, CompanyData data, uint64 actedAt
    );
    event CompanyListedAbnormal(
        bytes18 indexed uscc, bytes32 indexed departmentId, bytes32 reasonDigest, uint64 actedAt
    );
    event CompanyRemovedAbnormal(
        bytes18 indexed uscc, bytes32 indexed departmentId, bytes32 reasonDigest, uint64 actedAt
    );
    /// @dev Every change of status but registration: suspension, resumption, revocations, moving out, deregistration.
    event CompanyStatusChanged(
        bytes18 indexed uscc,
        bytes32 indexed departmentId,
        CompanyStatus indexed status,
        CompanyStatus previous,
        bytes32 reasonDigest,
        uint64 actedAt
    );
    event TaxGradeAssessed(
        bytes18 indexed uscc, bytes32 indexed departmentId, uint16 indexed year, TaxGrade grade, uint64 assessedAt
    );
    event TaxGradeCorrected(
        bytes18 indexed uscc,
        bytes32 indexed departmentId,
        uint16 indexed year,
        TaxGrade previous,
        TaxGrade grade,
        bytes32 reasonDigest,
        uint64 correctedAt
    );

    /**
     * @notice Register a company as Existing, from its date of establishment; or register a
     * company moving into the city (迁入) after it moved out, keeping its code.
     * @dev Idempotent: registering an Existing company with exactly its stored particulars
     * and date is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - `uscc` is a valid code (GB 32100); the name digest, legal-representative hash and division are non-zero;
     * - `establishedAt` is non-zero and not after the block's time;
     * - the code is not registered, or its company MovedOut (a code is never reused otherwise).
     *
     * Emits a {CompanyRegistered} event.
     */
    function register(bytes18 uscc, CompanyData calldata data, uint64 establishedAt) external returns (bool registered);

    /**
     * @notice {register} for many companies; all or nothing.
     * @return count the number of companies registered (those already stored are skipped).
     */
    function registerBatch(RegistrationInput[] calldata registrations) external returns (uint256 count);

    /**
     * @notice Amend a company's registered particulars (变更登记: name, legal representative,
     * capital, address, business scope, registering division).
     * @dev Idempotent: amending to the stored particulars is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company is Existing or Suspended; the name digest, legal-representative hash and division are non-zero;
     * - `actedAt` is not before the establishment and not after the block's time.
     *
     * Emits a {CompanyAmended} event.
     */
    function amend(bytes18 uscc, CompanyData calldata data, uint64 actedAt) external returns (bool amended);

    /**
     * @notice Put a company on the abnormal-operations list (经营异常名录). Its status stays;
     * three years on the list without removal put it on the serious-violation list
     * ({seriousViolationSince}, computed, no transaction).
     * @dev Idempotent: listing a company listed for the same reason on the same day is a no-op.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company is Existing or Suspended and not on the list (else {CompanyRegistryAbnormalConflict});
     * - `reasonDigest` is non-zero; `actedAt` not before the establishment nor after the block's time.
     *
     * Emits a {CompanyListedAbnormal} event.
     */
    function listAbnormal(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool listed);

    /**
     * @notice Remove a company from the abnormal-operations list after correction.
     * @dev Idempotent: removing a listing removed already is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active MarketRegulation department;
     * - the company has an abnormal listing ({CompanyRegistryNotAbnormal} otherwise);
     * - `actedAt` is not before the listing day and not after the block's time.
     *
     * Emits a {CompanyRemovedAbnormal} event.
     */
    function removeAbnormal(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool removed);

    /**
     * @notice Suspend a company's business (歇业, Regulations on the Registration of Market
     * Entities 2022, Art. 30): Existing → Suspended, for at most three years.
     * @dev Idempotent: a company Suspended on `actedAt` already is a no-op.
     *
     * Requirements: a MarketRegulation department; the company is Existing; `actedAt` valid.
     *
     * Emits a {CompanyStatusChanged} event.
     */
    function suspendBusiness(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool changed);

    /**
     * @notice Resume a suspended business (Art. 30): Suspended → Existing.
     * @dev Idempotent: a company Existing since `actedAt` already is a no-op.
     *
     * Requirements: a MarketRegulation department; the company is Suspended; `actedAt` valid
     * and within the three years from the suspension ({CompanyRegistrySuspensionExpired}).
     *
     * Emits a {CompanyStatusChanged} event.
     */
    function resumeBusiness(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool changed);

    /**
     * @notice Revoke a company's business license (吊销营业执照): Existing or Suspended → LicenseRevoked.
     * @dev Idempotent: a company LicenseRevoked on `actedAt` already is a no-op.
     *
     * Requirements: a MarketRegulation department; the company is Existing or Suspended; `actedAt` valid.
     *
     * Emits a {CompanyStatusChanged} event.
     */
    function revokeLicense(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool changed);

    /**
     * @notice Revoke a company's registration (撤销登记, e.g. obtained by false materials, Art. 40):
     * Existing, Suspended or LicenseRevoked → RegistrationRevoked. Final.
     * @dev Idempotent: a company RegistrationRevoked on `actedAt` already is a no-op.
     *
     * Requirements: a MarketRegulation department; the status is one of the three; `actedAt` valid.
     *
     * Emits a {CompanyStatusChanged} event.
     */
    function revokeRegistration(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool changed);

    /**
     * @notice Record a company moving out of the city (迁出): Existing → MovedOut. It may
     * come back by {register} with its code.
     * @dev Idempotent: a company MovedOut on `actedAt` already is a no-op.
     *
     * Requirements: a MarketRegulation department; the company is Existing; `actedAt` valid.
     *
     * Emits a {CompanyStatusChanged} event.
     */
    function moveOut(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool changed);

    /**
     * @notice Deregister a company (注销): Existing, Suspended or LicenseRevoked → Deregistered.
     * Final: nothing changes a deregistered company.
     * @dev Idempotent: a company Deregistered on `actedAt` already is a no-op.
     *
     * Requirements:
     * - a MarketRegulation department; the status is one of the three; `actedAt` valid;
     * - no court's dishonest-judgment-debtor listing of the company is live ({CompanyRegistryCourtListingLive}).
     *
     * Emits a {CompanyStatusChanged} event.
     */
    function deregister(bytes18 uscc, bytes32 reasonDigest, uint64 actedAt) external returns (bool changed);

    /**
     * @notice Assess a company's tax credit grade for `year`.
     * @dev Idempotent: the stored grade again is a no-op (whatever `assessedAt`); another
     * grade for a graded year reverts ({CompanyRegistryTaxGradeConflict}: correct it instead).
     * The latest graded year gives the company's current grade.
     *
     * Requirements:
     * - the caller signs for an active TaxBureau department; the company is registered;
     * - `grade` is not None; 2014 ≤ `year`, the year of establishment ≤ `year`, `year` ≤ the
     *   current year (of the block's time, UTC+8);
     * - `assessedAt` is non-zero and not after the block's time.
     *
     * Emits a {TaxGradeAssessed} event.
     */
    function setTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade, uint64 assessedAt) external returns (bool set);

    /**
     * @notice {setTaxGrade} for many grades; all or nothing.
     * @return count the number of grades written (grades already stored are skipped).
     */
    function setTaxGradeBatch(TaxGradeInput[] calldata grades) external returns (uint256 count);

    /**
     * @notice Correct a graded year (纳税信用修复, SAT Announcement 2019 No. 37; or a review):
     * the history keeps the assessment and every correction.
     * @dev Idempotent: correcting to the current grade is a no-op returning false.
     *
     * Requirements:
     * - the caller signs for an active TaxBureau department;
     * - the year is graded ({CompanyRegistryTaxYearNotGraded}); `grade` is not None;
     * - `reasonDigest` is non-zero; `correctedAt` is non-zero and not after the block's time.
     *
     * Emits a {TaxGradeCorrected} event.
     */
    function correctTaxGrade(bytes18 uscc, uint16 year, TaxGrade grade, bytes32 reasonDigest, uint64 correctedAt)
        external
        returns (bool corrected);

    /// @notice The stored company (status None when never registered).
    function getCompany(bytes18 uscc) external view returns (Company memory);

    /// @notice The company's status (None when never registered).
    function statusOf(bytes18 uscc) external view returns (CompanyStatus);

    /// @notice The company's latest abnormal-operations listing (zero when never listed).
    function abnormalListingOf(bytes18 uscc) external view returns (AbnormalListing memory);

    /**
     * @notice When the company joined the serious-violation list (严重违法失信名单) by three
     * years on the abnormal-operations list without removal: the first second of the day after
     * the three years' last day (UTC+8); 0 when it is not (yet) on it by that rule at the
     * block's time.
     */
    function seriousViolationSince(bytes18 uscc) external view returns (uint64);

    /// @notice The company's tax standing: latest graded year and its current grade.
    function taxStatusOf(bytes18 uscc) external view returns (TaxStatus memory);

    /// @notice The company's current grade for `year` (None when not graded).
    function taxGradeOf(bytes18 uscc, uint16 year) external view returns (TaxGrade);

    /// @notice Every graded year of the company, in the order first graded.
    function taxYearsOf(bytes18 uscc) external view returns (uint16[] memory);

    /// @notice The history of `year`'s grade: the assessment, then every correction.
    function taxGradeHistoryOf(bytes18 uscc, uint16 year) external view returns (TaxGradeEntry[] memory);

    /// @notice The civil year (UTC+8) of a timestamp, as the registry computes "the current year".
    function yearOf(uint64 timestamp) external pure returns (uint16);

    /// @notice The first rule `uscc` breaks as a unified social credit code (None when valid).
    function usccProblemOf(bytes18 uscc) external pure returns (USCCProblem);

    /// @notice The credit lists asked before deregistration.
    function creditLists() external view returns (ICreditLists);
}

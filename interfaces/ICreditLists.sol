// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DepartmentKind} from "./ICityDirectory.sol";
import {USCCProblem} from "./IUSCC.sol";

/**
 * @dev The credit lists that bar a supplier from government procurement, each owned by one
 * kind of department: Court, TaxBureau, MarketRegulation, Finance. Append, never reorder.
 */
enum CreditListType {
    None,
    DishonestJudgmentDebtor, // Court: 失信被执行人
    MajorTaxViolation, // TaxBureau: 重大税收违法失信主体
    SeriousViolation, // MarketRegulation: 严重违法失信名单
    ProcurementDishonesty // Finance: 政府采购严重违法失信
}

/// @dev Who a listing is about: a company by its USCC, or a person by a salted identity hash.
enum SubjectKind {
    None,
    Company,
    Person
}

/**
 * @dev Listings of companies and people on the credit lists. One listing per (list type,
 * subject) at a time: a listing is effective from `start` until `end` (0: open-ended) unless
 * its owner lifted it earlier (credit repair); once it is no longer effective a new listing
 * may replace it. Only departments of the list type's owning kind write it; the full
 * history is in the events.
 *
 * A company subject is its USCC left-aligned in 32 bytes (`bytes32(bytes18 uscc)`); a person
 * subject is a salted hash of the identity number, never the number.
 */
interface ICreditLists {
    /// @dev A listing to write; `end` 0 means open-ended.
    struct ListingInput {
        CreditListType listType;
        SubjectKind subjectKind;
        bytes32 subject;
        bytes32 reasonCode;
        bytes32 legalBasisDigest;
        uint64 start;
        uint64 end;
    }

    /// @dev A stored listing: five slots, `start`, `end`, `liftedAt` and `subjectKind` sharing the last.
    struct Listing {
        bytes32 departmentId;
        bytes32 reasonCode;
        bytes32 legalBasisDigest;
        bytes32 liftReasonCode;
        uint64 start;
        uint64 end;
        uint64 liftedAt;
        SubjectKind subjectKind;
    }

    error CreditListsInvalidListType(CreditListType listType);
    error CreditListsInvalidSubject(SubjectKind subjectKind, bytes32 subject);
    error CreditListsInvalidCompanyCode(bytes18 uscc, USCCProblem problem);
    error CreditListsInvalidPeriod(CreditListType listType, bytes32 subject, uint64 start, uint64 end);
    /// @dev The subject already has a different listing of this type that is pending or effective.
    error CreditListsConflictingListing(CreditListType listType, bytes32 subject);
    error CreditListsNotListed(CreditListType listType, bytes32 subject);

    event Listed(
        CreditListType indexed listType,
        bytes32 indexed subject,
        bytes32 indexed departmentId,
        SubjectKind subjectKind,
        bytes32 reasonCode,
        bytes32 legalBasisDigest,
        uint64 start,
        uint64 end
    );
    event Lifted(
        CreditListType indexed listType, bytes32 indexed subject, bytes32 indexed departmentId, bytes32 reasonCode
    );

    /**
     * @notice List a subject on a credit list.
     * @dev Idempotent: the stored listing again (same department, reason, basis, start and
     * end) is a no-op returning false, even after it was lifted or expired, so a resent batch
     * never revives a lifted listing. A different listing replaces one that was lifted or expired.
     *
     * Requirements:
     * - the caller signs for an active department of the list type's owning kind;
     * - a list type other than None; a company subject is a valid USCC left-aligned with a
     *   zero tail; a person subject is non-zero;
     * - `start` is non-zero and `end` is 0 or after `start`;
     * - no other listing of this type and subject is pending or effective.
     *
     * Emits a {Listed} event.
     */
    function list(ListingInput calldata listing) external returns (bool listed);

    /**
     * @notice {list} for many listings, for imports; all or nothing.
     * @dev Each entry is checked against the list type's owner, so one batch may only carry
     * list types the caller owns.
     *
     * Emits a {Listed} event per new listing.
     * @return count the number of listings written (entries already stored are skipped).
     */
    function listBatch(ListingInput[] calldata listings) external returns (uint256 count);

    /**
     * @notice Lift a listing before its end (credit repair or performance).
     * @dev Idempotent: lifting a listing that is already lifted or has expired is a no-op
     * returning false.
     *
     * Requirements:
     * - the caller signs for an active department of the list type's owning kind;
     * - the subject has a listing of this type.
     *
     * Emits a {Lifted} event.
     */
    function lift(CreditListType listType, bytes32 subject, bytes32 reasonCode) external returns (bool lifted);

    /// @notice The stored listing of `subject` on `listType` (zero when never listed).
    function getListing(CreditListType listType, bytes32 subject) external view returns (Listing memory);

    /// @notice Whether the listing of `subject` on `listType` is effective now (`block.timestamp`).
    function isEffective(CreditListType listType, bytes32 subject) external view returns (bool);

    /// @notice Whether `subject` is on any credit list now.
    function isListed(bytes32 subject) external view returns (bool);

    /// @notice The kind of department that owns `listType` (None for None).
    function ownerKindOf(CreditListType listType) external pure returns (DepartmentKind);

    /// @notice The subject key of a company: its USCC left-aligned in 32 bytes.
    function companySubject(bytes18 uscc) external pure returns (bytes32);
}

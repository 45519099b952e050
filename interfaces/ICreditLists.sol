// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DepartmentKind} from "./ICityDirectory.sol";
import {USCCProblem} from "./IUSCC.sol";

/**
 * @dev The credit lists that bar a supplier from government procurement, each owned by one
 * kind of department: Court, TaxBureau, MarketRegulation, Finance. Mirrored by
 * `chaincity.chain.enums.CreditListType`: append, never reorder.
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

/// @dev How a listing ended early, if it did: lifted (performance, settlement…) or repaired (信用修复).
enum ListingEnding {
    None,
    Lifted,
    Repaired
}

/**
 * @dev Listings of companies and people on the credit lists, one per case: a listing is
 * keyed by (list type, subject, case digest), so one subject may be listed at once by several
 * departments in several cases (two courts, two judgments; SPC provisions on publishing the
 * list of dishonest judgment debtors, 2017). Only departments of the list type's owning kind
 * list; a listing is lifted or repaired only by the department that made it, or by the
 * administrators' quorum (a proposal executed by the directory).
 *
 * Days: `start`, `end` and a lift's `end` are timestamps of the start (00:00, UTC+8) of a
 * day, as the oracle derives them from the export's dates. `end` is INCLUSIVE: it is the last
 * day the listing is live (the export's `effective_until`), so a listing is live at time `t`
 * while `start <= t < end + 1 day` (`end` 0: open-ended) and no lift or repair's last day
 * has passed the same way. A subject is listed while any of its listings is live.
 *
 * A company subject is its USCC left-aligned in 32 bytes (`bytes32(bytes18 uscc)`); a person
 * subject is a salted hash of the identity number, never the number. The case digest is a
 * digest of the case number (e.g. keccak256 of "(2024)湘13执123号"). Errors about one listing
 * name it first by its id ({listingIdOf}), then by its key.
 */
interface ICreditLists {
    /// @dev A listing's key.
    struct ListingKey {
        CreditListType listType;
        bytes32 caseDigest;
    }

    /// @dev A listing to write; `end` 0 means open-ended, else the last day live (inclusive).
    struct ListingInput {
        CreditListType listType;
        SubjectKind subjectKind;
        bytes32 subject;
        bytes32 caseDigest;
        bytes32 reasonDigest;
        bytes32 legalBasisDigest;
        uint64 start;
        uint64 end;
    }

    /**
     * @dev A stored listing (five slots: `start`, `end`, `endedOn`, `subjectKind` and
     * `ending` share the last). `end` is as listed; a lift or repair keeps it and records its
     * own last day in `endedOn`, its reason in `endingReasonDigest`.
     */
    struct Listing {
        bytes32 departmentId;
        bytes32 reasonDigest;
        bytes32 legalBasisDigest;
        bytes32 endingReasonDigest;
        uint64 start;
        uint64 end;
        uint64 endedOn;
        SubjectKind subjectKind;
        ListingEnding ending;
    }

    error CreditListsInvalidListType(CreditListType listType);
    error CreditListsInvalidSubject(SubjectKind subjectKind, bytes32 subject);
    error CreditListsInvalidCompanyCode(bytes18 uscc, USCCProblem problem);
    /// @dev The case digest is zero.
    error CreditListsMissingCase(bytes32 listingId, CreditListType listType, bytes32 subject);
    /// @dev The reason digest (of a listing, a lift or a repair) is zero.
    error CreditListsMissingReason(bytes32 listingId, CreditListType listType, bytes32 subject, bytes32 caseDigest);
    /// @dev The legal-basis digest is zero.
    error CreditListsMissingLegalBasis(bytes32 listingId, CreditListType listType, bytes32 subject, bytes32 caseDigest);
    /// @dev `start` is zero, `end` is before `start`, or a lift's last day is zero or after the listing's end.
    error CreditListsInvalidPeriod(
        bytes32 listingId, CreditListType listType, bytes32 subject, bytes32 caseDigest, uint64 start, uint64 end
    );
    /// @dev The key is listed already with other particulars (or by another department).
    error CreditListsConflictingListing(
        bytes32 listingId, CreditListType listType, bytes32 subject, bytes32 caseDigest
    );
    error CreditListsNotListed(bytes32 listingId, CreditListType listType, bytes32 subject, bytes32 caseDigest);
    /// @dev A lift or repair by a department other than the listing's maker.
    error CreditListsNotListingMaker(
        bytes32 listingId, CreditListType listType, bytes32 subject, bytes32 caseDigest, bytes32 makerDepartmentId
    );

    event Listed(
        bytes32 indexed subject,
        bytes32 indexed caseDigest,
        bytes32 indexed departmentId,
        CreditListType listType,
        SubjectKind subjectKind,
        bytes32 reasonDigest,
        bytes32 legalBasisDigest,
        uint64 start,
        uint64 end
    );
    /**
     * @dev A lift or a repair (`ending`), by `departmentId`: the listing's maker, or 0 for
     * the administrators' quorum. `endedOn` is the listing's last live day now.
     */
    event ListingEnded(
        bytes32 indexed subject,
        bytes32 indexed caseDigest,
        bytes32 indexed departmentId,
        CreditListType listType,
        ListingEnding ending,
        bytes32 reasonDigest,
        uint64 endedOn
    );

    /**
     * @notice List a subject on a credit list, in one case.
     * @dev Idempotent: the stored listing again (same department, subject kind, reason,
     * basis, start and end) is a no-op returning false, even after it was lifted or expired,
     * so a resent batch never revives a lifted listing. A key is listed once.
     *
     * Requirements:
     * - the caller signs for an active department of the list type's owning kind;
     * - a list type other than None; a company subject is a valid USCC left-aligned with a
     *   zero tail; a person subject is non-zero; the case, reason and legal-basis digests are non-zero;
     * - `start` is non-zero and `end` is 0 or not before `start`;
     * - the key is not listed with other particulars ({CreditListsConflictingListing}).
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
     * @notice Lift a listing (performance, settlement, the case closed; SPC provisions on
     * publishing the list of dishonest judgment debtors, 2017, Art. 10): it is live up to and
     * including `endedOn`, then no more.
     * @dev Idempotent: lifting or repairing a listing that was lifted or repaired already is
     * a no-op returning false. Lifting an expired listing records the lift.
     *
     * Requirements:
     * - the caller is the department that made the listing, signing for it while active, or
     *   the directory running an administrators' proposal;
     * - the key is listed; `reasonDigest` is non-zero;
     * - `endedOn` is non-zero and not after the listing's `end` (a lift never extends a listing).
     *
     * Emits a {ListingEnded} event.
     */
    function lift(CreditListType listType, bytes32 subject, bytes32 caseDigest, bytes32 reasonDigest, uint64 endedOn)
        external
        returns (bool lifted);

    /**
     * @notice Repair the subject's credit in one listing (信用修复): as {lift}, recorded as a repair.
     *
     * Requirements: as {lift}.
     *
     * Emits a {ListingEnded} event.
     */
    function repair(CreditListType listType, bytes32 subject, bytes32 caseDigest, bytes32 reasonDigest, uint64 endedOn)
        external
        returns (bool repaired);

    /// @notice The stored listing of a key (zero when never listed).
    function getListing(CreditListType listType, bytes32 subject, bytes32 caseDigest)
        external
        view
        returns (Listing memory);

    /// @notice Every listing of `subject`, live and past, in the order listed.
    function listingsOf(bytes32 subject) external view returns (ListingKey[] memory keys, Listing[] memory listings);

    /// @notice Whether the listing of a key is live now (`block.timestamp`).
    function isLive(CreditListType listType, bytes32 subject, bytes32 caseDigest) external view returns (bool);

    /// @notice Whether `subject` has a live listing on `listType` now.
    function hasLiveListing(CreditListType listType, bytes32 subject) external view returns (bool);

    /// @notice The list types on which `subject` has a live listing now: bit `1 << uint8(listType)` each.
    function liveListTypesOf(bytes32 subject) external view returns (uint256 mask);

    /// @notice Whether `subject` is on any credit list now.
    function isListed(bytes32 subject) external view returns (bool);

    /// @notice The kind of department that owns `listType` (None for None).
    function ownerKindOf(CreditListType listType) external pure returns (DepartmentKind);

    /**
     * @notice A listing's id, `keccak256(abi.encode(listType, subject, caseDigest))`: the first
     * argument of every error about one listing, so an oracle finds the record a batch failed on.
     */
    function listingIdOf(CreditListType listType, bytes32 subject, bytes32 caseDigest) external pure returns (bytes32);

    /// @notice The subject key of a company: its USCC left-aligned in 32 bytes.
    function companySubject(bytes18 uscc) external pure returns (bytes32);
}

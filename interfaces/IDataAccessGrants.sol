// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Data-access grants between departments. A department requests access to a category of
 * another department's data (`keccak256("property.status")`, `keccak256("company.taxGrade")`,
 * `keccak256("hpf.contributions")`…) for a purpose code, for one subject (a unit code, USCC or
 * salted identity hash as bytes32) or for all subjects (`bytes32(0)`). The owning department
 * grants it until an expiry, or refuses; either side can revoke. The owner's oracle records a
 * read receipt (digests of the query and of the answer) for every answer it serves under a
 * live grant, so who read what, under which grant, is auditable on chain.
 *
 * The grant id is chosen by the requester, e.g. the digest of its request letter, which makes
 * requests idempotent: the same request again is a no-op, another request under the same id
 * reverts. A new request after a refusal or revocation takes a new id.
 */
interface IDataAccessGrants {
    /// @dev Stored states are None, Requested, Granted, Refused and Revoked; Expired is only
    /// reported by the views, for a Granted grant past its expiry.
    enum GrantState {
        None,
        Requested,
        Granted,
        Refused,
        Revoked,
        Expired
    }

    /// @dev Five words of ids, then one slot for the times, the receipt count and the state.
    struct Grant {
        bytes32 requester;
        bytes32 owner;
        bytes32 category;
        bytes32 subject;
        bytes32 purpose;
        uint64 requestedAt;
        uint64 expiresAt;
        uint64 receiptCount;
        GrantState state;
    }

    /// @dev An answer served under a grant, for {recordReceipt} and {recordReceipts}.
    struct ReadReceipt {
        bytes32 grantId;
        bytes32 queryDigest;
        bytes32 answerDigest;
    }

    /// @dev A stored receipt: two slots, the answer digest and the time it was recorded.
    struct StoredReceipt {
        bytes32 answerDigest;
        uint64 recordedAt;
    }

    /// @dev A zero grant id.
    error DataAccessGrantsInvalidGrant(bytes32 grantId);
    /// @dev The owner is unknown to the directory or is the requester itself.
    error DataAccessGrantsInvalidOwner(bytes32 grantId, bytes32 owner);
    /// @dev A zero data category.
    error DataAccessGrantsInvalidCategory(bytes32 grantId);
    /// @dev A grant with that id exists with other data.
    error DataAccessGrantsGrantConflict(bytes32 grantId);
    error DataAccessGrantsUnknownGrant(bytes32 grantId);
    error DataAccessGrantsNotOwner(bytes32 grantId, bytes32 departmentId);
    /// @dev The caller's department is neither the requester nor the owner.
    error DataAccessGrantsNotParty(bytes32 grantId, bytes32 departmentId);
    /// @dev The grant is not waiting for the owner's decision.
    error DataAccessGrantsGrantNotPending(bytes32 grantId, GrantState state);
    /// @dev The grant was refused and cannot be revoked.
    error DataAccessGrantsGrantClosed(bytes32 grantId, GrantState state);
    /// @dev The grant is not granted, or has expired or been revoked.
    error DataAccessGrantsGrantNotLive(bytes32 grantId, GrantState state);
    /// @dev An expiry that is not in the future.
    error DataAccessGrantsInvalidExpiry(bytes32 grantId, uint64 expiresAt);
    /// @dev A zero query digest.
    error DataAccessGrantsInvalidQuery(bytes32 grantId);
    /// @dev A receipt for the query exists with another answer.
    error DataAccessGrantsReceiptConflict(bytes32 grantId, bytes32 queryDigest);

    event AccessRequested(
        bytes32 indexed grantId,
        bytes32 indexed requester,
        bytes32 indexed owner,
        bytes32 category,
        bytes32 subject,
        bytes32 purpose
    );
    event AccessGranted(bytes32 indexed grantId, bytes32 indexed owner, bytes32 indexed requester, uint64 expiresAt);
    event AccessRefused(bytes32 indexed grantId, bytes32 indexed owner, bytes32 indexed requester, bytes32 reasonCode);
    event AccessRevoked(bytes32 indexed grantId, bytes32 indexed revokedBy, bytes32 reasonCode);
    event ReceiptRecorded(
        bytes32 indexed grantId,
        bytes32 indexed requester,
        bytes32 indexed queryDigest,
        bytes32 answerDigest,
        uint64 recordedAt
    );

    /**
     * @notice Ask another department for access to a category of its data.
     * @dev Idempotent: the same request again (same requester, owner, category, subject and
     * purpose) changes nothing and returns false, whatever happened to it since.
     *
     * Requirements:
     * - the caller signs for an active department;
     * - a non-zero grant id and category; an owner the directory knows, other than the caller's;
     * - no grant with that id and other data.
     *
     * Emits an {AccessRequested} event unless nothing changed.
     */
    function requestAccess(bytes32 grantId, bytes32 owner, bytes32 category, bytes32 subject, bytes32 purpose)
        external
        returns (bool requested);

    /**
     * @notice Grant a pending request until `expiresAt`.
     * @dev Idempotent: granting again with the same expiry changes nothing and returns false.
     *
     * Requirements:
     * - the caller signs for the active owning department;
     * - the request is pending; `expiresAt` is in the future.
     *
     * Emits an {AccessGranted} event unless nothing changed.
     */
    function grantAccess(bytes32 grantId, uint64 expiresAt) external returns (bool granted);

    /**
     * @notice Refuse a pending request.
     * @dev Idempotent: refusing a refused request changes nothing and returns false.
     *
     * Requirements:
     * - the caller signs for the active owning department; the request is pending.
     *
     * Emits an {AccessRefused} event unless nothing changed.
     */
    function refuseAccess(bytes32 grantId, bytes32 reasonCode) external returns (bool refused);

    /**
     * @notice Revoke a grant or withdraw a pending request; access ends at once.
     * @dev Idempotent: revoking a revoked grant changes nothing and returns false. An expired
     * grant can still be revoked, to close it on the record.
     *
     * Requirements:
     * - the caller signs for the active requesting or owning department;
     * - the grant is requested or granted (not refused).
     *
     * Emits an {AccessRevoked} event unless nothing changed.
     */
    function revokeAccess(bytes32 grantId, bytes32 reasonCode) external returns (bool revoked);

    /**
     * @notice Record that the owner served an answer under a grant.
     * @dev Idempotent: the same query digest with the same answer again changes nothing and
     * returns false, even once the grant has ended (a crashed oracle may resend). The time
     * recorded is the block's.
     *
     * Requirements:
     * - the caller signs for the active owning department of the grant;
     * - a non-zero query digest; no receipt for it with another answer;
     * - for a new receipt, the grant is live (granted, not expired, not revoked).
     *
     * Emits a {ReceiptRecorded} event unless nothing changed.
     */
    function recordReceipt(ReadReceipt calldata receipt) external returns (bool recorded);

    /**
     * @notice Record several receipts, each as {recordReceipt}, possibly under several grants of
     * the caller's department. One failing receipt reverts all.
     * @return recorded how many were new.
     */
    function recordReceipts(ReadReceipt[] calldata receipts) external returns (uint256 recorded);

    /**
     * @notice Whether `requester` may read `owner`'s `category` data about `subject` now: some
     * grant to it for that subject, or for all subjects, is granted and not expired.
     * @dev Says nothing about the departments' status in the directory; ask it separately.
     */
    function hasAccess(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        external
        view
        returns (bool);

    /// @notice The stored grant (state None if unknown); the stored state is never Expired.
    function getGrant(bytes32 grantId) external view returns (Grant memory);

    /// @notice The state of a grant, Expired for a granted one past its expiry.
    function grantState(bytes32 grantId) external view returns (GrantState);

    /// @notice The number of receipts recorded under a grant.
    function receiptCount(bytes32 grantId) external view returns (uint256);

    /// @notice The receipt for a query served under a grant (zero if none).
    function getReceipt(bytes32 grantId, bytes32 queryDigest) external view returns (StoredReceipt memory);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Data-access grants between departments. A department requests access to a category of
 * another department's data (`keccak256("property.status")`, `keccak256("company.taxGrade")`,
 * `keccak256("hpf.contributions")`…) for a purpose code, for one subject (a unit code, USCC or
 * salted identity hash as bytes32) or for all subjects (`bytes32(0)`). The owning department
 * grants it until an expiry, or refuses; either side can revoke. A grant gives access only while
 * both departments are active and the city is not paused, as the directory says at call time:
 * a suspension takes effect here at once, like everywhere else.
 *
 * The grant id is chosen by the requester, e.g. the digest of its request letter, which makes
 * requests idempotent: the same request again is a no-op, another request under the same id
 * reverts. A new request after a refusal or revocation takes a new id.
 *
 * Read receipts: the serving (owning) department records one receipt per answer it serves,
 * keyed by a read id unique to that read (the gateway's choice, e.g. the digest of the signed
 * request, whose nonce makes it unique), with the digests of the query and of the answer. The
 * same query served twice is two reads and two receipts; a changed answer is a new read. A
 * receipt resent with the same data is a no-op (a crashed or retrying gateway may resend), so
 * who read what, under which grant, when, is auditable on chain, once per read.
 *
 * Encryption keys: each department registers for itself the X25519 public key that gateways
 * encrypt its answers to (a sealed box), so no department needs a point-to-point key exchange.
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

    /// @dev A read served under a grant, for {recordReceipt} and {recordReceipts}.
    struct ReadReceipt {
        bytes32 readId;
        bytes32 grantId;
        bytes32 queryDigest;
        bytes32 answerDigest;
    }

    /**
     * @dev A recorded read as {getReceipt} reports it: the stored grant id, digests and time,
     * with the grant's requester, serving department (its owner), category and subject.
     */
    struct ReceiptRecord {
        bytes32 grantId;
        bytes32 requester;
        bytes32 server;
        bytes32 category;
        bytes32 subject;
        bytes32 queryDigest;
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
    /// @dev The grant is not granted, or has expired or been revoked (more than
    /// {RECEIPT_GRACE} ago, for a receipt).
    error DataAccessGrantsGrantNotLive(bytes32 grantId, GrantState state);
    /// @dev An expiry that is not in the future.
    error DataAccessGrantsInvalidExpiry(bytes32 grantId, uint64 expiresAt);
    /// @dev A zero read id, query digest or answer digest.
    error DataAccessGrantsInvalidReceipt(bytes32 readId);
    /// @dev A receipt with that read id exists with other data.
    error DataAccessGrantsReceiptConflict(bytes32 readId);
    /// @dev The requester of the grant is suspended or unknown (or the city paused): the grant
    /// gives no access now.
    error DataAccessGrantsRequesterInactive(bytes32 grantId, bytes32 requester);
    /// @dev A zero encryption key.
    error DataAccessGrantsInvalidEncryptionKey(bytes32 departmentId);

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
        bytes32 indexed readId,
        bytes32 indexed requester,
        bytes32 indexed server,
        bytes32 grantId,
        bytes32 category,
        bytes32 queryDigest,
        bytes32 answerDigest,
        uint64 recordedAt
    );
    /// @dev `signer` is the address that set it, one of the department's signing keys.
    event EncryptionKeySet(bytes32 indexed departmentId, bytes32 publicKey, address indexed signer);

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
     * @notice Record that the caller's department served a read under a grant.
     * @dev Idempotent: the same read id with the same grant and digests again changes nothing
     * and returns false, even once the grant has ended (a crashed gateway may resend). The
     * time recorded is the block's.
     *
     * Requirements:
     * - the caller signs for the active owning (serving) department of the grant;
     * - a non-zero read id, query digest and answer digest; no receipt under that read id with
     *   other data;
     * - for a new receipt, the grant gives the requester access (granted, not expired, not
     *   revoked), or gave it less than {RECEIPT_GRACE} seconds ago: a gateway records its
     *   receipts in batches after answering, and a read served under a live grant must not lose
     *   its receipt because the grant expired or was revoked before the batch left;
     * - the requester is active (no grace: a suspension is an emergency and takes effect at once).
     *
     * Emits a {ReceiptRecorded} event unless nothing changed.
     */
    function recordReceipt(ReadReceipt calldata receipt) external returns (bool recorded);

    /**
     * @notice Record several reads, each as {recordReceipt}, possibly under several grants of
     * the caller's department. One failing receipt reverts all.
     * @return recorded how many were new (a resent receipt counts 0).
     */
    function recordReceipts(ReadReceipt[] calldata receipts) external returns (uint256 recorded);

    /**
     * @notice Register the X25519 public key (32 bytes) that answers to the caller's department
     * are encrypted to; replaces the previous one.
     * @dev Idempotent: setting the stored key changes nothing and returns false.
     *
     * Requirements:
     * - the caller signs for an active department (which sets its own key only);
     * - a non-zero key.
     *
     * Emits an {EncryptionKeySet} event unless nothing changed.
     */
    function setEncryptionKey(bytes32 publicKey) external returns (bool changed);

    /**
     * @notice Whether `requester` may read `owner`'s `category` data about `subject` now: some
     * grant to it for that subject, or for all subjects, is granted and not expired, both
     * departments are active and the city is not paused.
     */
    function hasAccess(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        external
        view
        returns (bool);

    /**
     * @notice A grant that gives `requester` access now as {hasAccess} says (one for that subject
     * if there is one, else one for all subjects), to record receipts under; zero if none.
     */
    function accessGrant(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        external
        view
        returns (bytes32 grantId);

    /// @notice The stored grant (state None if unknown); the stored state is never Expired.
    function getGrant(bytes32 grantId) external view returns (Grant memory);

    /// @notice The state of a grant, Expired for a granted one past its expiry.
    function grantState(bytes32 grantId) external view returns (GrantState);

    /// @notice How long after a grant expired or was revoked its server may still record the
    /// receipts of reads it served before (seconds).
    function RECEIPT_GRACE() external view returns (uint64);

    /// @notice The number of receipts recorded under a grant.
    function receiptCount(bytes32 grantId) external view returns (uint256);

    /// @notice The receipt of a read (grant id zero and recordedAt 0 if none).
    function getReceipt(bytes32 readId) external view returns (ReceiptRecord memory);

    /// @notice The X25519 public key a department registered for answers to it (zero if none).
    function encryptionKey(bytes32 departmentId) external view returns (bytes32);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Electronic vouchers passed between departments: a mortgage-release notice, a provident-fund
 * withdrawal approval, a court assistance-in-enforcement notice, a tax payment certificate, a
 * registration receipt. A voucher's id is the digest of its document; its subject is a bytes32
 * reference (unit code, USCC or salted identity hash), never personal data.
 *
 * A type registry says which department kinds may issue and which may receive each type (masks
 * of bits `1 << uint8(DepartmentKind)`). Types are a city-level setting made only by the city
 * directory, running a proposal that k of n city administrators approved and that targets this
 * registry (an allow-listed city contract of the directory).
 *
 * A voucher is issued to a first holder. The holder nominates the next holder (a department whose
 * kind may receive the type), who accepts or rejects; only an accepted hand-over moves it. It
 * ends when a holder of a receiving kind redeems it, when its holder surrenders it to the issuer,
 * when the issuer revokes it (with a reason), or when it expires; after that it cannot move. Every
 * step is kept in the voucher's custody chain with a remarks digest. A chain has no fixed bound
 * (nominations may be rejected and made again), so it is read in pages ({custodyChain}).
 */
interface IVoucherRegistry {
    /// @dev Stored states are None, Active, Redeemed, Surrendered and Revoked; Expired is only
    /// reported by the views, for an Active voucher past its expiry.
    enum VoucherState {
        None,
        Active,
        Redeemed,
        Surrendered,
        Revoked,
        Expired
    }

    /// @dev The kind of step recorded in a custody entry.
    enum CustodyAction {
        Issued,
        Nominated,
        Accepted,
        Rejected,
        NominationCancelled,
        Redeemed,
        Surrendered,
        Revoked
    }

    /// @dev Which department kinds may issue and receive a type. Fits into a single slot.
    struct VoucherType {
        uint128 issuerKinds;
        uint128 receiverKinds;
    }

    /// @dev A voucher to issue, for {issueVoucher} and {issueVouchers}.
    struct VoucherIssue {
        bytes32 voucherId;
        bytes32 typeId;
        bytes32 subject;
        bytes32 firstHolder;
        uint64 expiresAt;
    }

    /// @dev A stored voucher: five words of ids, then one slot for times and state.
    struct Voucher {
        bytes32 typeId;
        bytes32 subject;
        bytes32 issuer;
        bytes32 holder;
        bytes32 nominee;
        uint64 issuedAt;
        uint64 expiresAt;
        VoucherState state;
    }

    /**
     * @dev One step in a voucher's life: who it came from and went to (for a nomination, the
     * holder and the nominee), the digest of the remarks (the reason code for a revocation).
     */
    struct CustodyEntry {
        CustodyAction action;
        uint64 at;
        bytes32 from;
        bytes32 to;
        bytes32 remarks;
    }

    /// @dev A zero type id.
    error VoucherRegistryInvalidType(bytes32 typeId);
    /// @dev A mask with the None bit or a bit past the last kind, or a type open to issuers
    /// that no kind may receive.
    error VoucherRegistryInvalidKinds(bytes32 typeId, uint256 issuerKinds, uint256 receiverKinds);
    /// @dev A zero voucher id.
    error VoucherRegistryInvalidVoucher(bytes32 voucherId);
    /// @dev The type does not exist or no kind may issue it any more.
    error VoucherRegistryUnknownType(bytes32 voucherId, bytes32 typeId);
    /// @dev The issuing department's kind may not issue the voucher's type.
    error VoucherRegistryIssuerNotAllowed(bytes32 voucherId, bytes32 departmentId);
    /// @dev The department is unknown or its kind may not receive (or redeem) the voucher's type.
    error VoucherRegistryReceiverNotAllowed(bytes32 voucherId, bytes32 departmentId);
    /// @dev A non-zero expiry that is not in the future.
    error VoucherRegistryInvalidExpiry(bytes32 voucherId, uint64 expiresAt);
    /// @dev The voucher exists with other data.
    error VoucherRegistryVoucherConflict(bytes32 voucherId);
    error VoucherRegistryUnknownVoucher(bytes32 voucherId);
    /// @dev The voucher was redeemed, surrendered, revoked or has expired.
    error VoucherRegistryVoucherNotLive(bytes32 voucherId, VoucherState state);
    error VoucherRegistryNotHolder(bytes32 voucherId, bytes32 departmentId);
    error VoucherRegistryNotIssuer(bytes32 voucherId, bytes32 departmentId);
    error VoucherRegistryNotNominee(bytes32 voucherId, bytes32 departmentId);
    /// @dev The holder nominated itself.
    error VoucherRegistrySelfHandover(bytes32 voucherId);
    /// @dev Another department is nominated already.
    error VoucherRegistryHandoverPending(bytes32 voucherId, bytes32 nominee);
    error VoucherRegistryNoPendingHandover(bytes32 voucherId);
    /// @dev A revocation without a reason: the reason code digest is zero.
    error VoucherRegistryMissingReason(bytes32 voucherId);

    /// @dev `admin` is the caller: the city directory, running a proposal.
    event VoucherTypeSet(bytes32 indexed typeId, uint256 issuerKinds, uint256 receiverKinds, address indexed admin);
    event VoucherIssued(
        bytes32 indexed voucherId,
        bytes32 indexed typeId,
        bytes32 indexed issuer,
        bytes32 subject,
        bytes32 holder,
        uint64 expiresAt
    );
    event HandoverNominated(bytes32 indexed voucherId, bytes32 indexed holder, bytes32 indexed nominee, bytes32 remarks);
    event HandoverAccepted(bytes32 indexed voucherId, bytes32 indexed previousHolder, bytes32 indexed holder, bytes32 remarks);
    event HandoverRejected(bytes32 indexed voucherId, bytes32 indexed holder, bytes32 indexed nominee, bytes32 remarks);
    event NominationCancelled(bytes32 indexed voucherId, bytes32 indexed holder, bytes32 indexed nominee, bytes32 remarks);
    event VoucherRedeemed(bytes32 indexed voucherId, bytes32 indexed holder, bytes32 remarks);
    event VoucherSurrendered(bytes32 indexed voucherId, bytes32 indexed holder, bytes32 indexed issuer, bytes32 remarks);
    event VoucherRevoked(bytes32 indexed voucherId, bytes32 indexed issuer, bytes32 reasonCode);

    // ---- types ------------------------------------------------------------------------

    /**
     * @notice Say which department kinds may issue and receive a voucher type.
     * @dev Idempotent: setting what is stored changes nothing and returns false. A zero
     * `issuerKinds` closes the type to new vouchers; vouchers already issued keep circulating
     * under the current receiver mask.
     *
     * Requirements:
     * - only by the directory, through an executed proposal
     *   (else {IDepartmentGated-DepartmentGatedOnlyByProposal});
     * - a non-zero type id; masks without the None bit and without bits past the last kind;
     * - some receiving kind when some kind may issue (else no voucher could be issued).
     *
     * Emits a {VoucherTypeSet} event unless nothing changed.
     */
    function setVoucherType(bytes32 typeId, uint256 issuerKinds, uint256 receiverKinds) external returns (bool changed);

    // ---- issue ------------------------------------------------------------------------

    /**
     * @notice Issue a voucher from the caller's department to a first holder.
     * @dev Idempotent: issuing again exactly what was issued (same issuer, type, subject, first
     * holder and expiry) changes nothing and returns false, whatever happened to it since.
     *
     * Requirements:
     * - the caller signs for an active department whose kind may issue the type;
     * - a non-zero voucher id; a type that some kind may issue; a first holder whose kind may
     *   receive the type; no expiry (zero) or one in the future;
     * - no voucher with that id and other data.
     *
     * Emits a {VoucherIssued} event unless nothing changed.
     */
    function issueVoucher(VoucherIssue calldata voucher) external returns (bool issued);

    /**
     * @notice Issue several vouchers; each as {issueVoucher}. One failing voucher reverts all.
     * @return issued how many were new.
     */
    function issueVouchers(VoucherIssue[] calldata vouchers) external returns (uint256 issued);

    // ---- circulation ------------------------------------------------------------------

    /**
     * @notice Nominate the next holder of a voucher; the voucher moves only when it accepts.
     * @dev Idempotent: nominating the department already nominated changes nothing and returns false.
     *
     * Requirements:
     * - the caller signs for the active department holding the voucher; the voucher is live;
     * - `nominee` is another department whose kind may receive the type;
     * - no other department is nominated.
     *
     * Emits a {HandoverNominated} event unless nothing changed.
     */
    function nominateHolder(bytes32 voucherId, bytes32 nominee, bytes32 remarks) external returns (bool nominated);

    /**
     * @notice Withdraw the pending nomination of a voucher.
     *
     * Requirements:
     * - the caller signs for the active department holding the voucher; the voucher is live;
     * - a department is nominated.
     *
     * Emits a {NominationCancelled} event.
     */
    function cancelNomination(bytes32 voucherId, bytes32 remarks) external;

    /**
     * @notice Accept a voucher the holder nominated the caller's department for; it becomes the holder.
     *
     * Requirements:
     * - the caller signs for the active nominated department, whose kind may receive the type;
     * - the voucher is live.
     *
     * Emits a {HandoverAccepted} event.
     */
    function acceptHandover(bytes32 voucherId, bytes32 remarks) external;

    /**
     * @notice Refuse a voucher the holder nominated the caller's department for; it stays put.
     *
     * Requirements:
     * - the caller signs for the active nominated department; the voucher is live.
     *
     * Emits a {HandoverRejected} event.
     */
    function rejectHandover(bytes32 voucherId, bytes32 remarks) external;

    // ---- end of life ------------------------------------------------------------------

    /**
     * @notice Redeem a voucher: the holder has acted on it, and it ends.
     * @dev A pending nomination lapses.
     *
     * Requirements:
     * - the caller signs for the active department holding the voucher, whose kind may
     *   receive the type; the voucher is live.
     *
     * Emits a {VoucherRedeemed} event.
     */
    function redeemVoucher(bytes32 voucherId, bytes32 remarks) external;

    /**
     * @notice Surrender a voucher back to its issuer, which becomes its last holder; it ends.
     * @dev A pending nomination lapses.
     *
     * Requirements:
     * - the caller signs for the active department holding the voucher; the voucher is live.
     *
     * Emits a {VoucherSurrendered} event.
     */
    function surrenderVoucher(bytes32 voucherId, bytes32 remarks) external;

    /**
     * @notice Revoke a voucher the caller's department issued; it ends where it is.
     * @dev A pending nomination lapses. `reasonCode` is the digest of the reason (e.g.
     * `keccak256("ISSUED_IN_ERROR")` or of the revocation decision); it is kept in the custody chain.
     *
     * Requirements:
     * - the caller signs for the active issuing department; the voucher is live;
     * - a non-zero `reasonCode` (else {VoucherRegistryMissingReason}).
     *
     * Emits a {VoucherRevoked} event.
     */
    function revokeVoucher(bytes32 voucherId, bytes32 reasonCode) external;

    // ---- reads ------------------------------------------------------------------------

    /**
     * @notice What anyone needs to check a voucher document: hash it and pass the digest.
     * @return state None for an unknown digest; Expired for an active voucher past its expiry.
     * @return typeId the voucher's type.
     * @return issuer the issuing department.
     * @return holder the department holding it now (the last holder once it ended).
     * @return historyLength the number of entries in its custody chain.
     */
    function verifyVoucher(bytes32 voucherId)
        external
        view
        returns (VoucherState state, bytes32 typeId, bytes32 issuer, bytes32 holder, uint256 historyLength);

    /// @notice The stored voucher (state None if unknown); the stored state is never Expired.
    function getVoucher(bytes32 voucherId) external view returns (Voucher memory);

    /// @notice The state of a voucher, Expired for an active one past its expiry.
    function voucherState(bytes32 voucherId) external view returns (VoucherState);

    /**
     * @notice A page of a voucher's custody chain, oldest first: the entries from index `start`,
     * at most `limit` of them (fewer at the end of the chain; empty past it or if unknown).
     * Read the whole chain in pages up to {custodyLength}.
     */
    function custodyChain(bytes32 voucherId, uint256 start, uint256 limit)
        external
        view
        returns (CustodyEntry[] memory entries);

    /// @notice The number of entries in a voucher's custody chain.
    function custodyLength(bytes32 voucherId) external view returns (uint256);

    /// @notice The kinds that may issue and receive a type (both zero if unknown).
    function getVoucherType(bytes32 typeId) external view returns (VoucherType memory);
}

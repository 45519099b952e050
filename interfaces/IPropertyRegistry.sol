// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev A title is `Registered` from its first registration until it is `Cancelled` (final).
enum TitleStatus {
    None,
    Registered,
    Cancelled
}

/// @dev What {IPropertyRegistry-verifyCertificate} says of a certificate digest. A title
/// certificate (不动产权证书) is valid, superseded or revoked; a mortgage registration
/// certificate (不动产登记证明) is valid, released (the mortgage released, cancelled or
/// extinguished), transferred (the mortgage passed to another lender) or revoked.
enum CertificateState {
    None,
    Valid,
    Superseded,
    Revoked,
    Released,
    Transferred
}

/// @dev Advance notice (预告登记, lapses after 90 days) and objection (异议登记, 15 days).
enum NoticeKind {
    None,
    AdvanceNotice,
    Objection
}

/**
 * @dev The city's real-estate register (Civil Code Art. 214 ff.). Titles are keyed by the
 * 28-character real-estate unit code (GB/T 37346-2019) passed as `bytes32`: the ASCII code
 * left-aligned, the last four bytes zero. People and documents appear only as salted hashes
 * and digests.
 *
 * Writers by department kind: the real-estate registration centre registers, transfers and
 * cancels titles, registers notices and revokes certificates; a bank or the housing
 * provident fund registers and releases its own mortgages; a court seizes, renews and lifts
 * its own seizures. City administrators of the directory declare the county codes. Everyone
 * reads. Every change emits an event whose first topic after the signature is the unit code,
 * so a title's history is rebuilt from the logs.
 */
interface IPropertyRegistry {
    /// @dev A co-owner: salted identity hash and share in basis points (shares sum to 10000).
    struct Owner {
        bytes32 holder;
        uint16 share;
    }

    /// @dev One title of a (batch) registration.
    struct TitleInput {
        bytes32 unit;
        uint8 rightType;
        bytes32 documents;
        Owner[] owners;
    }

    /// @dev One mortgage of a (batch) registration; the lender is the calling department.
    struct MortgageInput {
        bytes32 unit;
        bytes32 proof;
        uint128 amount;
        uint40 termEnd;
        bool noTransfer;
    }

    /// @dev One maximum-amount mortgage (最高额抵押, Civil Code Art. 420) of a batch: it secures
    /// the claims arising until `determinationDate` up to `ceiling`.
    struct MaximumMortgageInput {
        bytes32 unit;
        bytes32 proof;
        uint128 ceiling;
        uint40 determinationDate;
        uint40 termEnd;
        bool noTransfer;
    }

    /// @dev A mortgage as stored: five slots. `sequence` grows with every registration on the
    /// title. A maximum-amount mortgage has a non-zero `determinationDate`, the day its claims
    /// are determined (Art. 423 (1)), and `amount` is its ceiling; zero for an ordinary one.
    /// `certificate`: the current registration certificate (不动产登记证明).
    struct Mortgage {
        bytes32 lender;
        bytes32 proof;
        uint128 amount;
        uint40 termEnd;
        uint40 registeredAt;
        uint32 sequence;
        bool noTransfer;
        uint40 determinationDate;
        bytes32 certificate;
    }

    /// @dev A live seizure: `effective` for the first, queued (from and until zero) for the rest.
    struct SeizureView {
        bytes32 court;
        bytes32 order;
        uint40 registeredAt;
        uint40 term;
        bool effective;
        uint40 effectiveFrom;
        uint40 endsAt;
    }

    /// @dev A standing notice; all zero when there is none or it lapsed. `holder` is the first of
    /// `holders` (an advance notice's; an objection has one holder and `holders` empty). `lapsesAt` zero: it stands until removed (an objection whose suit is recorded)
    /// or until 90 days after the main registration becomes possible (an advance notice on a
    /// unit without a title and no day set). `consent`: the holders' consent recorded for the
    /// next disposal (advance notice); `suit`: the objector's recorded suit (objection).
    struct NoticeView {
        bytes32 holder;
        bytes32 documents;
        uint40 registeredAt;
        uint40 lapsesAt;
        bytes32[] holders;
        bytes32 consent;
        bytes32 suit;
    }

    /// @dev Everything a bank or a court needs about a title, in one call. `seizures` holds the
    /// effective seizure and every queued one in order; `queuedSeizureCount` is the number of
    /// queued ones.
    struct TitleView {
        bytes32 unit;
        TitleStatus status;
        uint8 rightType;
        uint40 registeredAt;
        uint40 updatedAt;
        bytes32 documents;
        bytes32 certificate;
        Owner[] owners;
        Mortgage[] mortgages;
        SeizureView[] seizures;
        NoticeView advanceNotice;
        NoticeView objection;
        uint256 queuedSeizureCount;
    }

    /// @dev What a certificate digest is.
    /// @dev What a certificate digest is. `proof`: the mortgage of a registration certificate,
    /// zero for a title certificate.
    struct CertificateView {
        CertificateState state;
        bytes32 unit;
        uint40 issuedAt;
        bytes32 revocationReason;
        bytes32 proof;
    }

    error PropertyRegistryInvalidCounty(bytes6 county);
    error PropertyRegistryInvalidUnitCode(bytes32 unit);
    error PropertyRegistryUnknownCounty(bytes32 unit);
    error PropertyRegistryInvalidRightType(bytes32 unit);
    error PropertyRegistryInvalidDocuments(bytes32 unit);
    /// @dev No owner, more than {MAX_OWNERS}, a zero holder or share, or a holder twice.
    error PropertyRegistryInvalidOwners(bytes32 unit);
    error PropertyRegistryInvalidShares(bytes32 unit, uint256 total);
    /// @dev The unit is registered with different data (owners, shares, right type, documents).
    error PropertyRegistryTitleConflict(bytes32 unit);
    error PropertyRegistryTitleNotRegistered(bytes32 unit);
    /// @dev The title is under the effective seizure `order`.
    error PropertyRegistryTitleFrozen(bytes32 unit, bytes32 order);
    error PropertyRegistryNoTransferAgreement(bytes32 unit, bytes32 proof);
    /// @dev Art. 221: an advance notice stands and its holders' consent was not recorded.
    error PropertyRegistryAdvanceNoticeHeld(bytes32 unit);
    error PropertyRegistryTitleEncumbered(bytes32 unit);
    error PropertyRegistryInvalidReasonCode(bytes32 key);
    error PropertyRegistryCertificateNotValid(bytes32 certificate);
    error PropertyRegistryInvalidMortgage(bytes32 unit, bytes32 proof);
    error PropertyRegistryMortgageConflict(bytes32 unit, bytes32 proof);
    error PropertyRegistryUnknownMortgage(bytes32 unit, bytes32 proof);
    error PropertyRegistryNotMortgagee(bytes32 unit, bytes32 proof, bytes32 department);
    /// @dev The title already has the maximum number of mortgages.
    error PropertyRegistryQueueFull(bytes32 unit);
    error PropertyRegistryInvalidSeizure(bytes32 unit, bytes32 order, uint256 term);
    error PropertyRegistrySeizureConflict(bytes32 unit, bytes32 order);
    error PropertyRegistryUnknownSeizure(bytes32 unit, bytes32 order);
    error PropertyRegistryNotSeizingCourt(bytes32 unit, bytes32 order, bytes32 department);
    /// @dev A split into fewer than two parts, a merger of fewer than two titles, or a merger into one of its sources.
    error PropertyRegistryInvalidSplit(bytes32 unit);
    error PropertyRegistryInvalidNotice(bytes32 unit);
    /// @dev The certificate digest was issued before: a revoked or superseded one is never issued again.
    error PropertyRegistryCertificateSpent(bytes32 certificate);
    /// @dev The mortgage `proof` on `unit` was released, cancelled, or extinguished by a judicial sale.
    error PropertyRegistryMortgageSpent(bytes32 unit, bytes32 proof);
    /// @dev The seizure `order` on `unit` was lifted, lapsed, or cleared by a judicial sale.
    error PropertyRegistrySeizureSpent(bytes32 unit, bytes32 order);
    /// @dev A mortgage can pass only to another active Bank department.
    error PropertyRegistryInvalidLender(bytes32 unit, bytes32 proof, bytes32 department);
    /// @dev Art. 421: a maximum-amount mortgage does not pass with a claim before its claims are determined.
    error PropertyRegistryMortgageUndetermined(bytes32 unit, bytes32 proof);
    /// @dev A judicial sale needs an effective seizure of the ordering court.
    error PropertyRegistryTitleNotSeized(bytes32 unit);
    error PropertyRegistryNoticeConflict(bytes32 unit, NoticeKind kind);
    error PropertyRegistryUnknownNotice(bytes32 unit, NoticeKind kind);

    event CountyAdded(bytes6 indexed county, address indexed admin);
    event TitleRegistered(
        bytes32 indexed unit, bytes32 indexed certificate, uint8 rightType, bytes32 documents, Owner[] owners
    );
    event TitleTransferred(
        bytes32 indexed unit, bytes32 indexed certificate, bytes32 previousCertificate, bytes32 documents, Owner[] owners
    );
    /// @dev Art. 406: one per mortgagee department of a transferred title.
    event MortgageeNotified(bytes32 indexed unit, bytes32 indexed lender, bytes32 certificate);
    event TitleCancelled(bytes32 indexed unit, bytes32 indexed certificate, bytes32 documents, bytes32 reasonCode);
    /// @dev The title `unit` was cancelled and `parts` registered in its place.
    event TitleSplit(bytes32 indexed unit, bytes32 documents, bytes32[] parts);
    /// @dev The titles `sources` were cancelled and `unit` registered in their place.
    event TitleMerged(bytes32 indexed unit, bytes32 documents, bytes32[] sources);
    event CertificateReissued(
        bytes32 indexed unit, bytes32 indexed certificate, bytes32 previousCertificate, bytes32 documents
    );
    event CertificateRevoked(bytes32 indexed unit, bytes32 indexed certificate, bytes32 reasonCode);
    event MortgageRegistered(
        bytes32 indexed unit,
        bytes32 indexed lender,
        bytes32 proof,
        uint128 amount,
        uint40 termEnd,
        bool noTransfer,
        uint32 sequence
    );
    /// @dev A mortgage registration certificate (不动产登记证明) was issued to `lender`: at
    /// registration, and to the new lender at a transfer (Art. 407).
    event MortgageCertificateIssued(
        bytes32 indexed unit, bytes32 indexed certificate, bytes32 indexed lender, bytes32 proof
    );
    /// @dev Art. 420: the mortgage `proof` just registered is a maximum-amount mortgage.
    event MaximumMortgageRegistered(bytes32 indexed unit, bytes32 proof, uint128 ceiling, uint40 determinationDate);
    /// @dev Emitted when the lender releases a mortgage, and for each mortgage a judicial sale extinguishes.
    event MortgageReleased(bytes32 indexed unit, bytes32 indexed lender, bytes32 proof);
    /// @dev Art. 407: the mortgage passed with its claim from `lender` to `newLender`, keeping its rank.
    event MortgageTransferred(
        bytes32 indexed unit, bytes32 indexed lender, bytes32 indexed newLender, bytes32 proof, bytes32 documents
    );
    /// @dev The registration centre cancelled the mortgage on a court's decision (digest `decision`).
    event MortgageCancelledByDecision(bytes32 indexed unit, bytes32 indexed lender, bytes32 proof, bytes32 decision);
    /// @dev A court's judicial sale (司法拍卖/以物抵债) passed the title to `buyers`, free of mortgages and seizures.
    event TitleSoldJudicially(
        bytes32 indexed unit,
        bytes32 indexed court,
        bytes32 indexed certificate,
        bytes32 previousCertificate,
        bytes32 documents,
        bytes32 ruling,
        Owner[] buyers
    );
    /// @dev `position` 0: effective at once; n: queued behind n live seizures.
    event TitleSeized(bytes32 indexed unit, bytes32 indexed court, bytes32 order, uint40 term, uint256 position);
    event SeizureRenewed(bytes32 indexed unit, bytes32 indexed court, bytes32 order, uint40 term);
    /// @dev Emitted when the court lifts its seizure, and for each seizure a judicial sale clears.
    event SeizureLifted(bytes32 indexed unit, bytes32 indexed court, bytes32 order);
    /// @dev Emitted when a write finds that a seizure ran out of term at `lapsedAt` and drops it.
    event SeizureLapsed(bytes32 indexed unit, bytes32 indexed court, bytes32 order, uint40 lapsedAt);
    event NoticeRegistered(
        bytes32 indexed unit, NoticeKind indexed kind, bytes32 holder, bytes32 documents, uint40 lapsesAt
    );
    /// @dev `holder`: the first holder of the notice.
    event NoticeRemoved(bytes32 indexed unit, NoticeKind indexed kind, bytes32 holder);
    /// @dev Every holder of a newly registered advance notice (after its {NoticeRegistered}).
    event AdvanceNoticeHolders(bytes32 indexed unit, bytes32[] holders);
    /// @dev The registration centre set the day the main registration became possible.
    event AdvanceNoticeLapseSet(bytes32 indexed unit, uint40 possibleSince, uint40 lapsesAt);
    /// @dev The holders consented to the next disposal of the unit (document digest `consent`).
    event AdvanceNoticeConsentRecorded(bytes32 indexed unit, bytes32 consent);
    /// @dev Art. 220: the objector's suit was recorded; the objection stands until removed.
    event ObjectionSuitRecorded(bytes32 indexed unit, bytes32 holder, bytes32 suit, bytes32 indexed department);

    // ---- city administrators ----------------------------------------------------------

    /**
     * @notice Declare a county-level division code (GB/T 2260) whose units may be registered.
     * @dev Idempotent: a known county returns false and emits nothing.
     *
     * Requirements:
     * - only by the city directory, through an executed k-of-n proposal
     *   (else `DepartmentGatedOnlyByProposal`);
     * - `county` is six ASCII digits.
     *
     * Emits a {CountyAdded} event.
     */
    function addCounty(bytes6 county) external returns (bool added);

    // ---- registration centre ------------------------------------------------------------

    /**
     * @notice Register titles in one transaction, each with its first certificate.
     * @dev The certificate digest is `keccak256(abi.encode(registry, unit, documents, version))`.
     * Idempotent per title: a title already stored identically is skipped (no event); any
     * conflict reverts the whole batch. (The single-title `registerTitle` was removed to keep
     * the registry under the 24 KiB code size limit: a batch of one does the same.)
     *
     * Requirements, per title:
     * - the caller signs for an active RealEstateRegistration department;
     * - a valid unit code of a known county; a non-zero right type and documents digest;
     * - 1 to {MAX_OWNERS} distinct non-zero holders with non-zero shares summing to 10000;
     * - the unit is not registered with different data, nor cancelled.
     *
     * Emits a {TitleRegistered} event per new title.
     * @return registered how many titles were new.
     */
    function registerTitles(TitleInput[] calldata titles) external returns (uint256 registered);

    /**
     * @notice Register a transfer: new owners and shares, a new certificate superseding the old.
     * @dev Mortgages follow the title (Art. 406). Transferring to the holder of an effective
     * advance notice fulfils and removes it (Art. 221). Idempotent: the current owners and documents
     * again return false and emit nothing.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - the title is registered; owners and documents as for {registerTitles};
     * - no effective seizure; no mortgage with a registered no-transfer agreement;
     * - no standing advance notice, unless the new owners are exactly its holders or their
     *   consent was recorded ({consentToDisposal}, used up here).
     *
     * Emits a {TitleTransferred} event, a {MortgageeNotified} event per mortgagee department
     * and, when an advance notice is fulfilled, a {NoticeRemoved} event.
     */
    function transferTitle(bytes32 unit, Owner[] calldata owners, bytes32 documents) external returns (bool transferred);

    /**
     * @notice Cancel (注销) a title for good; its current certificate is revoked.
     * @dev Idempotent: cancelling a cancelled title returns false.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - the title is registered, not under an effective seizure, without mortgages;
     * - no standing advance notice, or its holders' consent recorded (Art. 221);
     * - a non-zero reason code.
     *
     * Emits a {TitleCancelled} event, and a {CertificateRevoked} event if the certificate was valid.
     */
    function cancelTitle(bytes32 unit, bytes32 documents, bytes32 reasonCode) external returns (bool cancelled);

    /**
     * @notice Split a title: cancel it (certificate revoked, reason `keccak256("SPLIT")`)
     * and register the new units in its place, each as {registerTitles}.
     * @dev Idempotent: when `unit` is already cancelled and every part stored identically,
     * returns false and emits nothing.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - at least two parts; the title is registered, not under an effective seizure,
     *   without mortgages, without a standing advance notice unless its holders' consent
     *   was recorded; every part is a new, valid title.
     *
     * Emits {TitleCancelled}, {CertificateRevoked}, a {TitleRegistered} per part, {TitleSplit}.
     */
    function splitTitle(bytes32 unit, TitleInput[] calldata parts, bytes32 documents) external returns (bool split);

    /**
     * @notice Merge titles: cancel each (certificates revoked, reason `keccak256("MERGED")`)
     * and register `merged` in their place, as {registerTitles}.
     * @dev Idempotent: when every source is already cancelled and `merged` stored
     * identically, returns false and emits nothing.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - at least two distinct sources, none of them the merged unit; each registered, not
     *   under an effective seizure, without mortgages, without a standing advance notice
     *   unless its holders' consent was recorded; `merged` is a new, valid title.
     *
     * Emits a {TitleCancelled} and {CertificateRevoked} per source, {TitleRegistered}, {TitleMerged}.
     */
    function mergeTitles(bytes32[] calldata units, TitleInput calldata merged, bytes32 documents)
        external
        returns (bool merged_);

    /**
     * @notice Issue a new certificate for a title (replacement), superseding the current one.
     * @dev Idempotent: the same documents while the current certificate is valid return false.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - the title is registered; a non-zero documents digest.
     *
     * Emits a {CertificateReissued} event.
     */
    function reissueCertificate(bytes32 unit, bytes32 documents) external returns (bool reissued);

    /**
     * @notice Revoke a valid certificate with a reason code.
     * @dev Idempotent: revoking a revoked certificate with the same reason returns false.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - the certificate is valid; a non-zero reason code.
     *
     * Emits a {CertificateRevoked} event.
     */
    function revokeCertificate(bytes32 certificate, bytes32 reasonCode) external returns (bool revoked);

    /**
     * @notice Register an advance notice (预告登记, Civil Code Art. 221) with a single holder,
     * as {registerAdvanceNotice}, or an objection (异议登记, Art. 220), which only warns and
     * blocks nothing; it lapses 15 days after registration unless its suit is recorded
     * ({recordObjectionSuit}).
     * @dev Idempotent: the same standing notice again returns false. A lapsed notice is replaced.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - kind is not None; non-zero holder and documents;
     * - an objection needs a registered title; an advance notice a known, uncancelled unit;
     * - no other standing notice of that kind.
     *
     * Emits a {NoticeRegistered} event (and {AdvanceNoticeHolders} for an advance notice).
     */
    function registerNotice(bytes32 unit, NoticeKind kind, bytes32 holder, bytes32 documents)
        external
        returns (bool registered);

    /**
     * @notice Remove an effective notice (withdrawn, or the suit decided).
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - an effective notice of that kind stands on the title.
     *
     * Emits a {NoticeRemoved} event.
     */
    function removeNotice(bytes32 unit, NoticeKind kind) external;

    /**
     * @notice Register an advance notice (预告登记, Civil Code Art. 221) for one or more holders
     * (a couple buying together), also on a unit without a title yet (a pre-sale flat). While
     * it stands, a transfer, mortgage, cancellation, split, merge or judicial sale of the title
     * reverts with {PropertyRegistryAdvanceNoticeHeld} unless the holders' consent was recorded
     * ({consentToDisposal}); a transfer to exactly its holders fulfils and removes it. It lapses
     * 90 days after the day the main registration became possible: the day set with
     * {setRegistrationPossibleSince}, else the later of the title's registration and the notice's.
     * @dev Idempotent: the same standing notice (holders in the same order, documents) returns false.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - a valid unit code of a known county, not cancelled; a non-zero documents digest;
     * - 1 to {MAX_NOTICE_HOLDERS} distinct non-zero holders;
     * - no other standing advance notice on the unit.
     *
     * Emits a {NoticeRegistered} event (naming the first holder) and an {AdvanceNoticeHolders} event.
     */
    function registerAdvanceNotice(bytes32 unit, bytes32[] calldata holders, bytes32 documents)
        external
        returns (bool registered);

    /**
     * @notice Record the day the main registration became possible (Art. 221); the advance
     * notice lapses 90 days later.
     * @dev Idempotent: the same day again returns false.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - an advance notice stands on the unit; 0 < since <= now.
     *
     * Emits an {AdvanceNoticeLapseSet} event.
     */
    function setRegistrationPossibleSince(bytes32 unit, uint40 since) external returns (bool set);

    /**
     * @notice Record the advance notice holders' consent (digest of their written consent) to
     * the next disposal of the unit (Art. 221); that disposal uses it up.
     * @dev Idempotent: the same unused consent again returns false.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - an advance notice stands on the unit; a non-zero consent digest.
     *
     * Emits an {AdvanceNoticeConsentRecorded} event.
     */
    function consentToDisposal(bytes32 unit, bytes32 consent) external returns (bool recorded);

    /**
     * @notice Record the objector's suit (Art. 220): the objection then stands until removed.
     * @dev Idempotent: the same suit again returns false; another suit reverts.
     *
     * Requirements:
     * - the caller signs for an active Court or RealEstateRegistration department;
     * - an objection stands on the unit (not lapsed); a non-zero suit digest.
     *
     * Emits an {ObjectionSuitRecorded} event.
     */
    function recordObjectionSuit(bytes32 unit, bytes32 suit) external returns (bool recorded);

    // ---- lenders ------------------------------------------------------------------------

    /**
     * @notice Register mortgages of the calling bank or provident fund; each ranks after the
     * title's existing mortgages (Art. 414).
     * @dev Keyed by (unit, proof). Idempotent per mortgage: the same mortgage again is skipped
     * (no event). (The single `registerMortgage` was removed to keep the registry under the
     * 24 KiB code size limit: a batch of one does the same.)
     *
     * Requirements:
     * - the caller signs for an active Bank or HousingProvidentFund department;
     * - the title is registered and not under an effective seizure;
     * - no standing advance notice, or its holders' consent recorded (Art. 221);
     * - a non-zero proof and amount, a term ending in the future;
     * - the proof was never released, cancelled or extinguished on the unit ({PropertyRegistryMortgageSpent});
     * - the proof is not registered on the unit with different data; fewer than
     *   {MAX_MORTGAGES} mortgages on the title.
     *
     * Emits a {MortgageRegistered} event and a {MortgageCertificateIssued} event: the mortgage
     * registration certificate (不动产登记证明), verifiable with {verifyCertificate}.
     */
    /// @return registered how many mortgages were new.
    function registerMortgages(MortgageInput[] calldata mortgages) external returns (uint256 registered);

    /**
     * @notice Register maximum-amount mortgages (最高额抵押, Civil Code Art. 420) of the calling
     * lender: each secures the claims arising until its determination date (Art. 423 (1)) up to
     * its ceiling, and ranks like any mortgage (Art. 414). Otherwise as {registerMortgages}.
     * @dev Idempotent per mortgage as {registerMortgages}.
     *
     * Requirements: as {registerMortgages}, with `ceiling` for the amount, and a determination
     * date in the future, not after the term's end.
     *
     * Emits per new mortgage a {MortgageRegistered} (amount: the ceiling), a
     * {MaximumMortgageRegistered} and a {MortgageCertificateIssued} event.
     * @return registered how many mortgages were new.
     */
    function registerMaximumMortgages(MaximumMortgageInput[] calldata mortgages) external returns (uint256 registered);

    /**
     * @notice Release one of the caller's mortgages; the later ones move up.
     *
     * Requirements:
     * - the caller signs for an active Bank or HousingProvidentFund department;
     * - the mortgage is registered on the unit by the caller's department (a spent one
     *   reverts with {PropertyRegistryMortgageSpent}).
     *
     * Emits a {MortgageReleased} event.
     */
    function releaseMortgage(bytes32 unit, bytes32 proof) external;

    /**
     * @notice Transfer a mortgage together with the claim it secures (Civil Code Art. 407),
     * e.g. a bad-loan sale to an asset manager: the mortgage keeps its rank and sequence.
     * @dev Idempotent: a mortgage already held by `newLender` returns false and emits nothing.
     *
     * Requirements:
     * - the caller signs for an active Bank or HousingProvidentFund department, the mortgagee;
     * - the mortgage is live on the unit; a non-zero documents digest;
     * - `newLender` is an active Bank department of the city directory;
     * - a maximum-amount mortgage's claims are determined (Art. 421).
     *
     * Emits a {MortgageTransferred} event and a {MortgageCertificateIssued} event for the new
     * lender; the old certificate verifies as transferred.
     */
    function transferMortgage(bytes32 unit, bytes32 proof, bytes32 newLender, bytes32 documents)
        external
        returns (bool transferred);

    /**
     * @notice Cancel a mortgage on a court's decision (e.g. a judgment that the mortgage is
     * void): the registration centre, not the lender; the later ones move up.
     *
     * Requirements:
     * - the caller signs for an active RealEstateRegistration department;
     * - the mortgage is live on the unit; a non-zero decision digest.
     *
     * Emits a {MortgageCancelledByDecision} event.
     */
    function cancelMortgageByDecision(bytes32 unit, bytes32 proof, bytes32 decision) external;

    // ---- courts ---------------------------------------------------------------------------

    /**
     * @notice Seize (查封) a title for a term of at most three years. A title already under
     * seizure queues the new one (轮候查封): it takes effect when the earlier ones are lifted
     * or lapse, its term counted from then. Lapses follow `block.timestamp`; no keeper.
     * @dev Keyed by (unit, order). Idempotent: the same court, order and term return false.
     *
     * Requirements:
     * - the caller signs for an active Court department;
     * - the title is registered; a non-zero order digest; 0 < term <= {MAX_SEIZURE_TERM};
     * - the order is not live on the unit with other data, and was never lifted, lapsed or
     *   cleared on it ({PropertyRegistrySeizureSpent}). The queue has no bound: a court's
     *   order is never refused for lack of room.
     *
     * Emits a {TitleSeized} event, and a {SeizureLapsed} event per seizure found lapsed.
     */
    function seize(bytes32 unit, bytes32 order, uint40 term) external returns (bool seized);

    /**
     * @notice Renew (续封) one of the caller's live seizures before it ends: the new term runs
     * from the current expiry, not from now (SPC interpretation of the Civil Procedure Law,
     * Art. 485); a queued seizure's whole term grows the same way.
     *
     * Requirements:
     * - the caller signs for an active Court department, the one that seized;
     * - the seizure is live: a lapsed or lifted one is spent ({PropertyRegistrySeizureSpent});
     * - 0 < term <= {MAX_SEIZURE_TERM}: each renewed term is at most three years.
     *
     * Emits a {SeizureRenewed} event, and a {SeizureLapsed} event per seizure found lapsed.
     */
    function renewSeizure(bytes32 unit, bytes32 order, uint40 term) external;

    /**
     * @notice Lift one of the caller's live seizures; the next one in the queue takes effect.
     *
     * Requirements:
     * - the caller signs for an active Court department, the one that seized;
     * - the seizure is live.
     *
     * Emits a {SeizureLifted} event, and a {SeizureLapsed} event per seizure found lapsed.
     */
    function liftSeizure(bytes32 unit, bytes32 order) external;

    /**
     * @notice Register a judicial sale (司法拍卖, 以物抵债): the court that holds the
     * effective seizure orders the title registered to the buyers. Per the SPC rules on
     * auction and sale in civil enforcement, Art. 28, the mortgages and other priority rights
     * are extinguished by the sale (涤除), and per Art. 29 the seizures are lifted: every
     * mortgage and every seizure, effective or queued, is cleared and its proof or order spent.
     * A new certificate is issued as for a transfer.
     * @dev Only the court of the effective seizure: the first seizing court disposes of the
     * property (轮候查封 courts wait their turn). Idempotent: the buyers and documents already
     * registered return false and emit nothing.
     *
     * Requirements:
     * - the caller signs for an active Court department whose seizure is effective on the title;
     * - the title is registered; non-zero documents and ruling digests; buyers as for {registerTitles};
     * - no standing advance notice unless the buyers are its holders or their consent was
     *   recorded (Art. 221: no disposal of their right without consent).
     *
     * Emits a {MortgageReleased} event per mortgage (naming its lender), a {SeizureLifted}
     * event per seizure (naming its court), a {SeizureLapsed} event per seizure found lapsed,
     * and a {TitleSoldJudicially} event.
     */
    function judicialSale(bytes32 unit, Owner[] calldata buyers, bytes32 documents, bytes32 ruling)
        external
        returns (bool sold);

    // ---- reads ------------------------------------------------------------------------------

    /// @notice Whether titles of `county` may be registered.
    function isCounty(bytes6 county) external view returns (bool);

    /// @notice Owners, shares, mortgages in order, effective and queued seizures, effective
    /// notices and the current certificate of a title, in one call.
    function titleOf(bytes32 unit) external view returns (TitleView memory);

    /// @notice Whether the title can be transferred now to anyone (not seized, no
    /// no-transfer agreement, no effective advance notice).
    function isTransferable(bytes32 unit) external view returns (bool);

    /// @notice What a certificate digest is: a title certificate valid, superseded or revoked; a
    /// mortgage registration certificate valid, released, transferred or revoked; of which unit
    /// (and mortgage), since when.
    function verifyCertificate(bytes32 certificate) external view returns (CertificateView memory);
}

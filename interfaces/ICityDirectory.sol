// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev The kinds of department a city runs. Registries grant write powers by kind, so the
 * order is part of the public API: append, never reorder.
 */
enum DepartmentKind {
    None,
    RealEstateRegistration,
    Bank,
    Court,
    MarketRegulation,
    TaxBureau,
    CreditOffice,
    Finance,
    HousingProvidentFund,
    Other
}

enum DepartmentStatus {
    None,
    Active,
    Suspended
}

/**
 * @dev The city directory: which departments exist, of which kind, and which addresses sign
 * for them. Every registry asks the directory whether a sender is an active department of a
 * kind, so a suspension, a key rotation or an emergency pause takes effect everywhere at once.
 *
 * Departments are registered, reinstated and re-keyed by city administrators through
 * proposals that k of the n administrators approve; one administrator alone can only
 * suspend a department or pause the city, which takes powers away and never grants them.
 */
interface ICityDirectory {
    struct Department {
        DepartmentKind kind;
        DepartmentStatus status;
        uint64 registeredAt;
        uint64 updatedAt;
        bytes32 nameDigest;
    }

    /// @dev The function can only run as an executed proposal.
    error CityDirectoryOnlyByProposal(address caller);
    /// @dev The caller is neither a signer of the active department nor an executed proposal.
    error CityDirectoryUnauthorizedSigner(bytes32 departmentId, address account);
    error CityDirectoryUnknownProposal(uint256 proposalId);
    error CityDirectoryProposalNotPending(uint256 proposalId);
    error CityDirectoryProposalExpired(uint256 proposalId, uint64 expiredAt);
    error CityDirectoryProposalAlreadyApproved(uint256 proposalId, address admin);
    error CityDirectoryProposalDataMismatch(uint256 proposalId);
    error CityDirectoryNotEnoughApprovals(uint256 proposalId, uint256 approvals, uint256 threshold);
    error CityDirectoryInvalidThreshold(uint256 threshold, uint256 admins);
    error CityDirectoryInvalidDepartment(bytes32 departmentId);
    error CityDirectoryInvalidKind(bytes32 departmentId);
    error CityDirectoryInvalidSigner(bytes32 departmentId, address signer);
    error CityDirectoryDepartmentExists(bytes32 departmentId);
    error CityDirectoryUnknownDepartment(bytes32 departmentId);
    error CityDirectorySignerInUse(address signer, bytes32 departmentId);
    error CityDirectoryNotSigner(bytes32 departmentId, address signer);

    event ProposalCreated(uint256 indexed proposalId, address indexed proposer, bytes data, uint64 expiresAt);
    event ProposalApproved(uint256 indexed proposalId, address indexed admin, uint256 approvals);
    event ProposalExecuted(uint256 indexed proposalId, address indexed executor);
    event ProposalCancelled(uint256 indexed proposalId, address indexed admin);
    event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold);
    event DepartmentRegistered(bytes32 indexed departmentId, DepartmentKind indexed kind, bytes32 nameDigest);
    event DepartmentSignerAdded(bytes32 indexed departmentId, address indexed signer);
    event DepartmentSignerRemoved(bytes32 indexed departmentId, address indexed signer);
    event DepartmentSuspended(bytes32 indexed departmentId, address indexed admin, bytes32 reasonCode);
    event DepartmentReinstated(bytes32 indexed departmentId);

    // ---- proposals -------------------------------------------------------------------

    /**
     * @notice Propose a call to one of the directory's proposal-only functions.
     * @dev The proposer's approval is counted at once. Only `keccak256(data)` is stored; the
     * data travels in the event and must be passed again to {execute}.
     *
     * Requirements:
     * - the caller is a city administrator.
     *
     * Emits a {ProposalCreated} and a {ProposalApproved} event.
     * @return proposalId the sequential id of the new proposal.
     */
    function propose(bytes calldata data) external returns (uint256 proposalId);

    /**
     * @notice Approve a pending proposal.
     *
     * Requirements:
     * - the caller is a city administrator who has not approved it yet;
     * - the proposal is pending and not expired.
     *
     * Emits a {ProposalApproved} event.
     */
    function approve(uint256 proposalId) external;

    /**
     * @notice Run a pending proposal that enough current administrators approved.
     * @dev Approvals are counted over the administrators at execution time, so the approval
     * of an administrator removed since no longer counts.
     *
     * Requirements:
     * - the caller is a city administrator;
     * - `data` is the proposed data; the proposal is pending and not expired;
     * - at least `threshold()` current administrators approved it.
     *
     * Emits a {ProposalExecuted} event, and the events of the proposed call.
     */
    function execute(uint256 proposalId, bytes calldata data) external;

    /**
     * @notice Withdraw a pending proposal.
     *
     * Requirements:
     * - the caller is a city administrator; the proposal is pending.
     *
     * Emits a {ProposalCancelled} event.
     */
    function cancel(uint256 proposalId) external;

    // ---- proposal-only administration ------------------------------------------------

    /**
     * @notice Register a department with its kind, the digest of its name and its signers.
     * @dev Idempotent: registering exactly what is stored (same kind, name digest, and
     * signers that already sign for it) changes nothing and returns false.
     *
     * Requirements:
     * - only through an executed proposal;
     * - a non-zero id, a kind other than None, at least one signer, no zero signer;
     * - no signer belongs to another department.
     *
     * Emits a {DepartmentRegistered} event and a {DepartmentSignerAdded} event per new signer.
     */
    function registerDepartment(
        bytes32 departmentId,
        DepartmentKind kind,
        bytes32 nameDigest,
        address[] calldata signers
    ) external returns (bool registered);

    /**
     * @notice Give a suspended department its powers back.
     *
     * Requirements:
     * - only through an executed proposal; the department exists.
     *
     * Emits a {DepartmentReinstated} event unless it was active already.
     */
    function reinstateDepartment(bytes32 departmentId) external returns (bool reinstated);

    /**
     * @notice Change the number of approvals a proposal needs.
     *
     * Requirements:
     * - only through an executed proposal; 1 <= threshold <= number of administrators.
     *
     * Emits a {ThresholdChanged} event.
     */
    function changeThreshold(uint256 newThreshold) external;

    /**
     * @notice Lift the emergency pause.
     *
     * Requirements:
     * - only through an executed proposal; the city is paused.
     *
     * Emits an {Unpaused} event.
     */
    function unpause() external;

    // ---- single-administrator actions that only take powers away ---------------------

    /**
     * @notice Suspend a department: its signers lose every power in every registry at once.
     *
     * Requirements:
     * - the caller is a city administrator; the department exists.
     *
     * Emits a {DepartmentSuspended} event unless it was suspended already.
     */
    function suspendDepartment(bytes32 departmentId, bytes32 reasonCode) external returns (bool suspended);

    /**
     * @notice Emergency pause: no department is active anywhere until a proposal unpauses.
     *
     * Requirements:
     * - the caller is a city administrator; the city is not paused.
     *
     * Emits a {Paused} event.
     */
    function pause() external;

    // ---- departments ------------------------------------------------------------------

    /**
     * @notice Replace one of a department's signing keys; the old key loses every power at once.
     *
     * Requirements:
     * - the caller is a signer of the department while it is active and the city is not
     *   paused, or an executed proposal (for a lost key);
     * - `oldSigner` signs for the department; `newSigner` is non-zero and signs for none.
     *
     * Rotating a key to itself changes nothing and emits nothing.
     *
     * Emits a {DepartmentSignerRemoved} and a {DepartmentSignerAdded} event.
     */
    function rotateSigner(bytes32 departmentId, address oldSigner, address newSigner) external;

    // ---- reads -------------------------------------------------------------------------

    /// @notice The department `account` signs for, if it is active and the city is not paused.
    /// @return departmentId zero when the account has no active department.
    /// @return kind None when the account has no active department.
    function activeDepartmentOf(address account) external view returns (bytes32 departmentId, DepartmentKind kind);

    /// @notice Whether `account` signs for an active department of `kind` and the city is not paused.
    function isActiveDepartment(address account, DepartmentKind kind) external view returns (bool);

    /// @notice The department `account` signs for, whatever its status; zero if none.
    function departmentOfSigner(address account) external view returns (bytes32 departmentId);

    /// @notice The stored record of a department (kind None if unknown).
    function getDepartment(bytes32 departmentId) external view returns (Department memory);

    /// @notice The number of approvals a proposal needs.
    function threshold() external view returns (uint256);

    /// @notice The number of proposals created so far; ids run from 1 to this number.
    function proposalCount() external view returns (uint256);

    /// @notice How many current administrators approved a proposal.
    function approvalCount(uint256 proposalId) external view returns (uint256);

    /// @notice Whether `admin` approved a proposal.
    function hasApproved(uint256 proposalId, address admin) external view returns (bool);
}

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

enum ProposalState {
    None,
    Pending,
    Executed,
    Cancelled
}

/**
 * @dev The city directory: which departments exist, of which kind, and which addresses sign
 * for them. Every registry asks the directory whether a sender is an active department of a
 * kind, so a suspension, a key rotation or an emergency pause takes effect everywhere at once.
 *
 * Departments are registered, reinstated and re-keyed by city administrators through
 * proposals that k of the n administrators approve; one administrator alone can only
 * suspend a department or pause the city, which takes powers away and never grants them.
 *
 * A proposal calls one target: the directory itself or a city contract that a proposal put on
 * the directory's allow-list ({setCityContracts}). City contracts guard their city-level
 * settings (voucher types, counties) with `msg.sender == directory`, so those settings too
 * are made only by k of n administrators.
 *
 * An approval counts while the administrator who gave it holds the role in the same tenure:
 * an administrator removed and later re-added starts a new tenure, and their old approvals
 * count no more.
 */
interface ICityDirectory {
    struct Department {
        DepartmentKind kind;
        DepartmentStatus status;
        uint64 registeredAt;
        uint64 updatedAt;
        bytes32 nameDigest;
    }

    /**
     * @dev A proposal: the digest `keccak256(abi.encode(target, data))` of the call it makes,
     * its target, its expiry and its state. Two slots: the digest, then target, expiry and
     * state packed together (20 + 8 + 1 bytes).
     */
    struct Proposal {
        bytes32 dataHash;
        address target;
        uint64 expiresAt;
        ProposalState state;
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
    /// @dev A department code must be 2 to 32 bytes of `A`-`Z`, `0`-`9` and `-`.
    error CityDirectoryInvalidDepartmentCode(string code);
    /// @dev A proposal may only call the directory itself or an allow-listed city contract.
    error CityDirectoryTargetNotAllowed(address target);
    /// @dev Only a contract other than the directory may be allow-listed as a city contract.
    error CityDirectoryInvalidCityContract(address target);
    error CityDirectoryInvalidKind(bytes32 departmentId);
    error CityDirectoryInvalidSigner(bytes32 departmentId, address signer);
    error CityDirectoryDepartmentExists(bytes32 departmentId);
    error CityDirectoryUnknownDepartment(bytes32 departmentId);
    error CityDirectorySignerInUse(address signer, bytes32 departmentId);
    error CityDirectoryNotSigner(bytes32 departmentId, address signer);

    event ProposalCreated(
        uint256 indexed proposalId, address indexed proposer, address indexed target, bytes data, uint64 expiresAt
    );
    event ProposalApproved(uint256 indexed proposalId, address indexed admin, uint256 approvals);
    event ProposalExecuted(uint256 indexed proposalId, address indexed executor);
    event ProposalCancelled(uint256 indexed proposalId, address indexed admin);
    event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold);
    event DepartmentRegistered(bytes32 indexed departmentId, DepartmentKind indexed kind, string code, string name);
    event DepartmentSignerAdded(bytes32 indexed departmentId, address indexed signer);
    event DepartmentSignerRemoved(bytes32 indexed departmentId, address indexed signer);
    event DepartmentSuspended(bytes32 indexed departmentId, address indexed admin, bytes32 reasonCode);
    event DepartmentReinstated(bytes32 indexed departmentId);
    event CityContractSet(address indexed target, bool allowed);

    // ---- proposals -------------------------------------------------------------------

    /**
     * @notice Propose a call of `data` on `target`: one of the directory's proposal-only
     * functions, or a city-level setter of an allow-listed city contract.
     * @dev The proposer's approval is counted at once. Only `keccak256(abi.encode(target, data))`
     * and the target are stored; the data travels in the event and must be passed again to
     * {execute}.
     *
     * Requirements:
     * - the caller is a city administrator;
     * - `target` is the directory or an allow-listed city contract ({isCityContract}).
     *
     * Emits a {ProposalCreated} and a {ProposalApproved} event.
     * @return proposalId the sequential id of the new proposal.
     */
    function propose(address target, bytes calldata data) external returns (uint256 proposalId);

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
     * @notice Run a pending proposal that enough current administrators approved: call
     * `target` with `data`, the directory being the caller.
     * @dev Approvals are counted over the administrators at execution time and in their
     * current tenure, so the approval of an administrator removed since (even if re-added)
     * no longer counts. A failing call reverts the whole execution with the target's own
     * error, unchanged; the proposal stays pending.
     *
     * Requirements:
     * - the caller is a city administrator;
     * - `target` and `data` are the proposed ones; the proposal is pending and not expired;
     * - `target` is still the directory or an allow-listed city contract;
     * - at least `threshold()` current administrators approved it in their current tenure.
     *
     * Emits a {ProposalExecuted} event, and the events of the proposed call.
     */
    function execute(uint256 proposalId, address target, bytes calldata data) external;

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
     * @notice Register a department under its public code and name, with its kind and signers.
     * @dev The department id is `keccak256(bytes(code))`; the record keeps
     * `nameDigest = keccak256(bytes(name))`, and the code and name travel in the event (they
     * identify a public institution, not a person). Idempotent: registering exactly what is
     * stored (same kind, name, and signers that already sign for it) changes nothing and
     * returns false; any other registration of a known code reverts.
     *
     * Requirements:
     * - only through an executed proposal;
     * - `code` is 2 to 32 bytes of `A`-`Z`, `0`-`9` and `-`;
     * - a kind other than None, at least one signer, no zero signer;
     * - no signer belongs to another department.
     *
     * Emits a {DepartmentRegistered} event and a {DepartmentSignerAdded} event per new signer.
     */
    function registerDepartment(
        string calldata code,
        DepartmentKind kind,
        string calldata name,
        address[] calldata signers
    ) external returns (bool registered);

    /**
     * @notice Add city contracts to, or remove them from, the targets proposals may call.
     * @dev Idempotent per target: a target already in the wanted state is skipped silently.
     *
     * Requirements:
     * - only through an executed proposal;
     * - when adding: every target is a contract other than the directory.
     *
     * Emits a {CityContractSet} event for each target whose state changed.
     */
    function setCityContracts(address[] calldata targets, bool allowed) external;

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
     * @dev A signer rotates only its own key; replacing another signer of the department (a
     * lost or compromised key) goes by proposal, so no signer can remove the others alone.
     *
     * Requirements:
     * - the caller is `oldSigner` itself, signing for the department while it is active and
     *   the city is not paused; or an executed proposal;
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

    /**
     * @notice Whether the department `departmentId` is registered and active and the city is not
     * paused: the same test {activeDepartmentOf} makes of a signer's department, for registries
     * that act on behalf of a department that is not the caller (a data grant's requester).
     */
    function isDepartmentActive(bytes32 departmentId) external view returns (bool);

    /// @notice The department `account` signs for, whatever its status; zero if none.
    function departmentOfSigner(address account) external view returns (bytes32 departmentId);

    /// @notice The stored record of a department (kind None if unknown).
    function getDepartment(bytes32 departmentId) external view returns (Department memory);

    /// @notice The number of approvals a proposal needs.
    function threshold() external view returns (uint256);

    /// @notice The number of proposals created so far; ids run from 1 to this number.
    function proposalCount() external view returns (uint256);

    /// @notice The stored record of a proposal (state None if unknown).
    function getProposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice How many current administrators approved a proposal in their current tenure.
    function approvalCount(uint256 proposalId) external view returns (uint256);

    /**
     * @notice Whether `admin` approved a proposal in their current (or, once removed, last)
     * tenure. An approval from an earlier tenure reads false.
     */
    function hasApproved(uint256 proposalId, address admin) external view returns (bool);

    /// @notice Whether `target` is on the allow-list of city contracts proposals may call
    /// (the directory itself, always a valid target, is never on it).
    function isCityContract(address target) external view returns (bool);
}

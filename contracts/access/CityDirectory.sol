// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICityDirectory, DepartmentKind, DepartmentStatus, ProposalState} from "../../interfaces/ICityDirectory.sol";

/**
 * @title CityDirectory
 * @notice The city's departments, their kinds and signing keys, governed by k of n city
 * administrators. See {ICityDirectory}.
 *
 * @dev City administrators hold `CITY_ADMIN_ROLE`. The role's admin is `DEFAULT_ADMIN_ROLE`,
 * held by this contract alone, so administrators are added and removed only by executed
 * proposals that call {grantRole} / {revokeRole} on the directory itself.
 *
 * Each grant of the role starts a new tenure of that administrator (a counter per account);
 * an approval records the tenure it was given in and counts only while that is the
 * administrator's current tenure and they hold the role.
 */
contract CityDirectory is ICityDirectory, AccessControlEnumerable, Pausable {
    bytes32 public constant CITY_ADMIN_ROLE = keccak256("CITY_ADMIN_ROLE");

    /// @notice How long a proposal can collect approvals and be executed.
    uint64 public constant PROPOSAL_LIFETIME = 7 days;

    /// @dev `DEFAULT_ADMIN_ROLE` may only be held by the directory itself.
    error CityDirectoryForbiddenRoleGrant(bytes32 role, address account);

    uint256 private _threshold;
    uint256 private _proposalCount;
    mapping(uint256 proposalId => Proposal) private _proposals;
    /// @dev The tenure an approval was given in; zero for none.
    mapping(uint256 proposalId => mapping(address admin => uint64 tenure)) private _approvals;
    /// @dev How many times each account was granted `CITY_ADMIN_ROLE`: its current (or last) tenure.
    mapping(address admin => uint64 tenure) private _tenures;
    mapping(bytes32 departmentId => Department) private _departments;
    mapping(address signer => bytes32 departmentId) private _departmentOfSigner;
    mapping(address target => bool) private _cityContracts;

    modifier onlyByProposal() {
        _checkByProposal();
        _;
    }

    /**
     * @param admins the first city administrators.
     * @param threshold_ how many of them must approve a proposal (1 <= k <= n).
     */
    constructor(address[] memory admins, uint256 threshold_) {
        _grantRole(DEFAULT_ADMIN_ROLE, address(this));
        for (uint256 i = 0; i < admins.length; ++i) {
            _grantRole(CITY_ADMIN_ROLE, admins[i]);
        }
        _setThreshold(threshold_);
    }

    // ---- proposals -------------------------------------------------------------------

    /// @inheritdoc ICityDirectory
    function propose(address target, bytes calldata data)
        external
        onlyRole(CITY_ADMIN_ROLE)
        returns (uint256 proposalId)
    {
        _checkTarget(target);
        proposalId = ++_proposalCount;
        uint64 expiresAt = uint64(block.timestamp) + PROPOSAL_LIFETIME;
        _proposals[proposalId] = Proposal(_callHash(target, data), target, expiresAt, ProposalState.Pending);
        emit ProposalCreated(proposalId, _msgSender(), target, data, expiresAt);
        _approve(proposalId, _msgSender());
    }

    /// @inheritdoc ICityDirectory
    function approve(uint256 proposalId) external onlyRole(CITY_ADMIN_ROLE) {
        _requireOpen(proposalId);
        _approve(proposalId, _msgSender());
    }

    /// @inheritdoc ICityDirectory
    function execute(uint256 proposalId, address target, bytes calldata data) external onlyRole(CITY_ADMIN_ROLE) {
        Proposal storage proposal = _requireOpen(proposalId);
        if (proposal.dataHash != _callHash(target, data)) revert CityDirectoryProposalDataMismatch(proposalId);
        _checkTarget(target); // the allow-list may have changed since the proposal
        uint256 approvals = approvalCount(proposalId);
        if (approvals < _threshold) revert CityDirectoryNotEnoughApprovals(proposalId, approvals, _threshold);

        // Marked before the call, so the proposal cannot run twice even if the call re-enters.
        proposal.state = ProposalState.Executed;
        emit ProposalExecuted(proposalId, _msgSender());
        (bool success, bytes memory returndata) = target.call(data);
        if (!success) {
            // Bubble the typed error of the proposed call up unchanged.
            assembly ("memory-safe") {
                revert(add(returndata, 0x20), mload(returndata))
            }
        }
    }

    /// @inheritdoc ICityDirectory
    function cancel(uint256 proposalId) external onlyRole(CITY_ADMIN_ROLE) {
        Proposal storage proposal = _proposals[proposalId];
        if (proposal.state == ProposalState.None) revert CityDirectoryUnknownProposal(proposalId);
        if (proposal.state != ProposalState.Pending) revert CityDirectoryProposalNotPending(proposalId);
        proposal.state = ProposalState.Cancelled;
        emit ProposalCancelled(proposalId, _msgSender());
    }

    // ---- proposal-only administration ------------------------------------------------

    /// @inheritdoc ICityDirectory
    function registerDepartment(
        string calldata code,
        DepartmentKind kind,
        string calldata name,
        address[] calldata signers
    ) external onlyByProposal returns (bool) {
        _checkDepartmentCode(code);
        bytes32 departmentId = keccak256(bytes(code));
        bytes32 nameDigest = keccak256(bytes(name));
        if (kind == DepartmentKind.None) revert CityDirectoryInvalidKind(departmentId);
        if (signers.length == 0) revert CityDirectoryInvalidSigner(departmentId, address(0));

        Department storage department = _departments[departmentId];
        if (department.kind != DepartmentKind.None) {
            if (department.kind != kind || department.nameDigest != nameDigest) {
                revert CityDirectoryDepartmentExists(departmentId);
            }
            for (uint256 i = 0; i < signers.length; ++i) {
                if (_departmentOfSigner[signers[i]] != departmentId) revert CityDirectoryDepartmentExists(departmentId);
            }
            return false;
        }

        uint64 now_ = uint64(block.timestamp);
        _departments[departmentId] = Department(kind, DepartmentStatus.Active, now_, now_, nameDigest);
        emit DepartmentRegistered(departmentId, kind, code, name);
        for (uint256 i = 0; i < signers.length; ++i) {
            _addSigner(departmentId, signers[i]);
        }
        return true;
    }

    /// @inheritdoc ICityDirectory
    function setCityContracts(address[] calldata targets, bool allowed) external onlyByProposal {
        for (uint256 i = 0; i < targets.length; ++i) {
            address target = targets[i];
            if (allowed && (target == address(this) || target.code.length == 0)) {
                revert CityDirectoryInvalidCityContract(target);
            }
            if (_cityContracts[target] == allowed) continue;
            _cityContracts[target] = allowed;
            emit CityContractSet(target, allowed);
        }
    }

    /// @inheritdoc ICityDirectory
    function reinstateDepartment(bytes32 departmentId) external onlyByProposal returns (bool) {
        Department storage department = _requireDepartment(departmentId);
        if (department.status == DepartmentStatus.Active) return false;
        department.status = DepartmentStatus.Active;
        department.updatedAt = uint64(block.timestamp);
        emit DepartmentReinstated(departmentId);
        return true;
    }

    /// @inheritdoc ICityDirectory
    function changeThreshold(uint256 newThreshold) external onlyByProposal {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc ICityDirectory
    function unpause() external onlyByProposal {
        _unpause();
    }

    // ---- single-administrator actions that only take powers away ---------------------

    /// @inheritdoc ICityDirectory
    function suspendDepartment(bytes32 departmentId, bytes32 reasonCode)
        external
        onlyRole(CITY_ADMIN_ROLE)
        returns (bool)
    {
        Department storage department = _requireDepartment(departmentId);
        if (department.status == DepartmentStatus.Suspended) return false;
        department.status = DepartmentStatus.Suspended;
        department.updatedAt = uint64(block.timestamp);
        emit DepartmentSuspended(departmentId, _msgSender(), reasonCode);
        return true;
    }

    /// @inheritdoc ICityDirectory
    function pause() external onlyRole(CITY_ADMIN_ROLE) {
        _pause();
    }

    // ---- departments ------------------------------------------------------------------

    /// @inheritdoc ICityDirectory
    function rotateSigner(bytes32 departmentId, address oldSigner, address newSigner) external {
        Department storage department = _requireDepartment(departmentId);
        address caller = _msgSender();
        // A signer rotates only its own key: replacing another one goes by proposal.
        bool bySigner = caller == oldSigner && _departmentOfSigner[caller] == departmentId
            && department.status == DepartmentStatus.Active && !paused();
        if (!bySigner && caller != address(this)) revert CityDirectoryUnauthorizedSigner(departmentId, caller);
        if (_departmentOfSigner[oldSigner] != departmentId) revert CityDirectoryNotSigner(departmentId, oldSigner);
        if (newSigner == oldSigner) return; // nothing changes: no event, like any idempotent write

        delete _departmentOfSigner[oldSigner];
        emit DepartmentSignerRemoved(departmentId, oldSigner);
        _addSigner(departmentId, newSigner);
        department.updatedAt = uint64(block.timestamp);
    }

    // ---- reads -------------------------------------------------------------------------

    /// @inheritdoc ICityDirectory
    function activeDepartmentOf(address account) public view returns (bytes32 departmentId, DepartmentKind kind) {
        departmentId = _departmentOfSigner[account];
        if (!isDepartmentActive(departmentId)) return (bytes32(0), DepartmentKind.None);
        return (departmentId, _departments[departmentId].kind);
    }

    /// @inheritdoc ICityDirectory
    function isDepartmentActive(bytes32 departmentId) public view returns (bool) {
        // An unknown id has status None, so one comparison covers "registered" and "active".
        return !paused() && _departments[departmentId].status == DepartmentStatus.Active;
    }

    /// @inheritdoc ICityDirectory
    function isActiveDepartment(address account, DepartmentKind kind) external view returns (bool) {
        (, DepartmentKind activeKind) = activeDepartmentOf(account);
        return kind != DepartmentKind.None && activeKind == kind;
    }

    /// @inheritdoc ICityDirectory
    function departmentOfSigner(address account) external view returns (bytes32) {
        return _departmentOfSigner[account];
    }

    /// @inheritdoc ICityDirectory
    function getDepartment(bytes32 departmentId) external view returns (Department memory) {
        return _departments[departmentId];
    }

    /// @inheritdoc ICityDirectory
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc ICityDirectory
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc ICityDirectory
    function getProposal(uint256 proposalId) external view returns (Proposal memory) {
        return _proposals[proposalId];
    }

    /// @inheritdoc ICityDirectory
    function approvalCount(uint256 proposalId) public view returns (uint256 approvals) {
        uint256 admins = getRoleMemberCount(CITY_ADMIN_ROLE);
        for (uint256 i = 0; i < admins; ++i) {
            if (hasApproved(proposalId, getRoleMember(CITY_ADMIN_ROLE, i))) ++approvals;
        }
    }

    /// @inheritdoc ICityDirectory
    function hasApproved(uint256 proposalId, address admin) public view returns (bool) {
        uint64 tenure = _approvals[proposalId][admin];
        return tenure != 0 && tenure == _tenures[admin];
    }

    /// @inheritdoc ICityDirectory
    function isCityContract(address target) external view returns (bool) {
        return _cityContracts[target];
    }

    // ---- internals ---------------------------------------------------------------------

    function _checkByProposal() internal view {
        if (_msgSender() != address(this)) revert CityDirectoryOnlyByProposal(_msgSender());
    }

    /// @dev Reverts unless a proposal may call `target`: the directory or an allow-listed city contract.
    function _checkTarget(address target) internal view {
        if (target != address(this) && !_cityContracts[target]) revert CityDirectoryTargetNotAllowed(target);
    }

    /// @dev What a proposal stores of its call.
    function _callHash(address target, bytes calldata data) internal pure returns (bytes32) {
        return keccak256(abi.encode(target, data));
    }

    /// @dev Reverts unless `code` is 2 to 32 bytes of `A`-`Z`, `0`-`9` and `-`.
    function _checkDepartmentCode(string calldata code) internal pure {
        bytes calldata chars = bytes(code);
        if (chars.length < 2 || chars.length > 32) revert CityDirectoryInvalidDepartmentCode(code);
        for (uint256 i = 0; i < chars.length; ++i) {
            bytes1 char = chars[i];
            bool valid = (char >= "A" && char <= "Z") || (char >= "0" && char <= "9") || char == "-";
            if (!valid) revert CityDirectoryInvalidDepartmentCode(code);
        }
    }

    function _requireOpen(uint256 proposalId) internal view returns (Proposal storage proposal) {
        proposal = _proposals[proposalId];
        if (proposal.state == ProposalState.None) revert CityDirectoryUnknownProposal(proposalId);
        if (proposal.state != ProposalState.Pending) revert CityDirectoryProposalNotPending(proposalId);
        if (block.timestamp >= proposal.expiresAt) revert CityDirectoryProposalExpired(proposalId, proposal.expiresAt);
    }

    function _requireDepartment(bytes32 departmentId) internal view returns (Department storage department) {
        department = _departments[departmentId];
        if (department.kind == DepartmentKind.None) revert CityDirectoryUnknownDepartment(departmentId);
    }

    /// @dev Records `admin`'s approval in their current tenure.
    function _approve(uint256 proposalId, address admin) internal {
        if (hasApproved(proposalId, admin)) revert CityDirectoryProposalAlreadyApproved(proposalId, admin);
        _approvals[proposalId][admin] = _tenures[admin];
        emit ProposalApproved(proposalId, admin, approvalCount(proposalId));
    }

    function _addSigner(bytes32 departmentId, address signer) internal {
        if (signer == address(0)) revert CityDirectoryInvalidSigner(departmentId, signer);
        bytes32 current = _departmentOfSigner[signer];
        if (current != bytes32(0)) revert CityDirectorySignerInUse(signer, current);
        _departmentOfSigner[signer] = departmentId;
        emit DepartmentSignerAdded(departmentId, signer);
    }

    function _setThreshold(uint256 newThreshold) internal {
        uint256 admins = getRoleMemberCount(CITY_ADMIN_ROLE);
        if (newThreshold == 0 || newThreshold > admins) revert CityDirectoryInvalidThreshold(newThreshold, admins);
        emit ThresholdChanged(_threshold, newThreshold);
        _threshold = newThreshold;
    }

    /**
     * @dev Only the directory itself may hold the role that manages administrators. Each new
     * grant of `CITY_ADMIN_ROLE` starts a new tenure of that account.
     */
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        if (role == DEFAULT_ADMIN_ROLE && account != address(this)) {
            revert CityDirectoryForbiddenRoleGrant(role, account);
        }
        granted = super._grantRole(role, account);
        if (granted && role == CITY_ADMIN_ROLE) ++_tenures[account];
    }

    /// @dev Removing an administrator (or one renouncing) may not leave fewer than k of them.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (role == CITY_ADMIN_ROLE) {
            uint256 admins = getRoleMemberCount(CITY_ADMIN_ROLE);
            if (admins < _threshold) revert CityDirectoryInvalidThreshold(_threshold, admins);
        }
        if (role == DEFAULT_ADMIN_ROLE && revoked) revert CityDirectoryForbiddenRoleGrant(role, account);
    }
}

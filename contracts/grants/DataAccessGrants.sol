// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {IDataAccessGrants} from "../../interfaces/IDataAccessGrants.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";

/**
 * @dev Data-access grants between departments and read receipts; see {IDataAccessGrants}.
 * Every write is made by an active department, as the directory says at call time.
 *
 * For {hasAccess}, each (requester, owner, category, subject) keeps the ids of its granted
 * grants; a revocation removes its id at once and expired ids are pruned when the next grant
 * for the same key is made, so the list stays as short as the live grants for that key.
 * Whether the departments are active is asked of the directory at every call, never cached.
 */
contract DataAccessGrants is IDataAccessGrants, DepartmentGated {
    /// @dev A stored read: the grant it was served under (which names requester, server,
    /// category and subject), the two digests and the block time. Four slots.
    struct StoredReceipt {
        bytes32 grantId;
        bytes32 queryDigest;
        bytes32 answerDigest;
        uint64 recordedAt;
    }

    mapping(bytes32 grantId => Grant) private _grants;
    mapping(bytes32 accessKey => bytes32[] grantIds) private _granted;
    mapping(bytes32 readId => StoredReceipt) private _receipts;
    mapping(bytes32 departmentId => bytes32 publicKey) private _encryptionKeys;
    /// @dev When a granted grant was revoked, for the receipts' grace period.
    mapping(bytes32 grantId => uint64 revokedAt) private _revokedAt;

    /// @inheritdoc IDataAccessGrants
    uint64 public constant RECEIPT_GRACE = 1 hours;

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    /// @inheritdoc IDataAccessGrants
    function requestAccess(bytes32 grantId, bytes32 owner, bytes32 category, bytes32 subject, bytes32 purpose)
        external
        returns (bool)
    {
        (bytes32 requester,) = _checkDepartment(ALL_KINDS);
        if (grantId == bytes32(0)) revert DataAccessGrantsInvalidGrant(grantId);
        Grant storage grant = _grants[grantId];
        if (grant.state != GrantState.None) {
            bool same = grant.requester == requester && grant.owner == owner && grant.category == category
                && grant.subject == subject && grant.purpose == purpose;
            if (!same) revert DataAccessGrantsGrantConflict(grantId);
            return false;
        }
        if (category == bytes32(0)) revert DataAccessGrantsInvalidCategory(grantId);
        if (owner == requester || directory().getDepartment(owner).kind == DepartmentKind.None) {
            revert DataAccessGrantsInvalidOwner(grantId, owner);
        }
        grant.requester = requester;
        grant.owner = owner;
        grant.category = category;
        grant.subject = subject;
        grant.purpose = purpose;
        grant.requestedAt = uint64(block.timestamp);
        grant.state = GrantState.Requested;
        emit AccessRequested(grantId, requester, owner, category, subject, purpose);
        return true;
    }

    /// @inheritdoc IDataAccessGrants
    function grantAccess(bytes32 grantId, uint64 expiresAt) external returns (bool) {
        Grant storage grant = _requireOwner(grantId);
        if (grant.state == GrantState.Granted && grant.expiresAt == expiresAt) return false;
        if (grant.state != GrantState.Requested) revert DataAccessGrantsGrantNotPending(grantId, _stateOf(grant));
        if (expiresAt <= block.timestamp) revert DataAccessGrantsInvalidExpiry(grantId, expiresAt);
        grant.expiresAt = expiresAt;
        grant.state = GrantState.Granted;

        bytes32[] storage ids = _granted[_accessKey(grant.requester, grant.owner, grant.category, grant.subject)];
        for (uint256 i = ids.length; i > 0; --i) {
            if (_grants[ids[i - 1]].expiresAt <= block.timestamp) _removeAt(ids, i - 1);
        }
        ids.push(grantId);
        emit AccessGranted(grantId, grant.owner, grant.requester, expiresAt);
        return true;
    }

    /// @inheritdoc IDataAccessGrants
    function refuseAccess(bytes32 grantId, bytes32 reasonCode) external returns (bool) {
        Grant storage grant = _requireOwner(grantId);
        if (grant.state == GrantState.Refused) return false;
        if (grant.state != GrantState.Requested) revert DataAccessGrantsGrantNotPending(grantId, _stateOf(grant));
        grant.state = GrantState.Refused;
        emit AccessRefused(grantId, grant.owner, grant.requester, reasonCode);
        return true;
    }

    /// @inheritdoc IDataAccessGrants
    function revokeAccess(bytes32 grantId, bytes32 reasonCode) external returns (bool) {
        (bytes32 caller,) = _checkDepartment(ALL_KINDS);
        Grant storage grant = _requireGrant(grantId);
        if (caller != grant.requester && caller != grant.owner) revert DataAccessGrantsNotParty(grantId, caller);
        GrantState state = grant.state;
        if (state == GrantState.Revoked) return false;
        if (state == GrantState.Refused) revert DataAccessGrantsGrantClosed(grantId, state);
        grant.state = GrantState.Revoked;
        if (state == GrantState.Granted) {
            _revokedAt[grantId] = uint64(block.timestamp);
            bytes32[] storage ids = _granted[_accessKey(grant.requester, grant.owner, grant.category, grant.subject)];
            for (uint256 i = 0; i < ids.length; ++i) {
                if (ids[i] == grantId) {
                    _removeAt(ids, i);
                    break;
                }
            }
        }
        emit AccessRevoked(grantId, caller, reasonCode);
        return true;
    }

    /// @inheritdoc IDataAccessGrants
    function recordReceipt(ReadReceipt calldata receipt) external returns (bool) {
        (bytes32 owner,) = _checkDepartment(ALL_KINDS);
        return _record(owner, receipt);
    }

    /// @inheritdoc IDataAccessGrants
    function recordReceipts(ReadReceipt[] calldata receipts) external returns (uint256 recorded) {
        (bytes32 owner,) = _checkDepartment(ALL_KINDS);
        for (uint256 i = 0; i < receipts.length; ++i) {
            if (_record(owner, receipts[i])) ++recorded;
        }
    }

    /// @inheritdoc IDataAccessGrants
    function setEncryptionKey(bytes32 publicKey) external returns (bool) {
        (bytes32 department,) = _checkDepartment(ALL_KINDS);
        if (publicKey == bytes32(0)) revert DataAccessGrantsInvalidEncryptionKey(department);
        if (_encryptionKeys[department] == publicKey) return false;
        _encryptionKeys[department] = publicKey;
        emit EncryptionKeySet(department, publicKey, msg.sender);
        return true;
    }

    // ---- reads ------------------------------------------------------------------------

    /// @inheritdoc IDataAccessGrants
    function hasAccess(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        external
        view
        returns (bool)
    {
        return _accessGrant(requester, owner, category, subject) != bytes32(0);
    }

    /// @inheritdoc IDataAccessGrants
    function accessGrant(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        external
        view
        returns (bytes32)
    {
        return _accessGrant(requester, owner, category, subject);
    }

    /// @inheritdoc IDataAccessGrants
    function getGrant(bytes32 grantId) external view returns (Grant memory) {
        return _grants[grantId];
    }

    /// @inheritdoc IDataAccessGrants
    function grantState(bytes32 grantId) external view returns (GrantState) {
        return _stateOf(_grants[grantId]);
    }

    /// @inheritdoc IDataAccessGrants
    function receiptCount(bytes32 grantId) external view returns (uint256) {
        return _grants[grantId].receiptCount;
    }

    /// @inheritdoc IDataAccessGrants
    function getReceipt(bytes32 readId) external view returns (ReceiptRecord memory record) {
        StoredReceipt storage stored = _receipts[readId];
        Grant storage grant = _grants[stored.grantId];
        return ReceiptRecord({
            grantId: stored.grantId,
            requester: grant.requester,
            server: grant.owner,
            category: grant.category,
            subject: grant.subject,
            queryDigest: stored.queryDigest,
            answerDigest: stored.answerDigest,
            recordedAt: stored.recordedAt
        });
    }

    /// @inheritdoc IDataAccessGrants
    function encryptionKey(bytes32 departmentId) external view returns (bytes32) {
        return _encryptionKeys[departmentId];
    }

    // ---- internals --------------------------------------------------------------------

    /// @dev The one place receipts are recorded, for single and batch entry points. A resent
    /// receipt is checked before the grant's liveness, so it stays a no-op once the grant ended.
    function _record(bytes32 caller, ReadReceipt calldata receipt) private returns (bool) {
        bytes32 readId = receipt.readId;
        if (readId == bytes32(0) || receipt.queryDigest == bytes32(0) || receipt.answerDigest == bytes32(0)) {
            revert DataAccessGrantsInvalidReceipt(readId);
        }
        bytes32 grantId = receipt.grantId;
        Grant storage grant = _requireGrant(grantId);
        if (grant.owner != caller) revert DataAccessGrantsNotOwner(grantId, caller);
        StoredReceipt storage stored = _receipts[readId];
        if (stored.recordedAt != 0) {
            bool same = stored.grantId == grantId && stored.queryDigest == receipt.queryDigest
                && stored.answerDigest == receipt.answerDigest;
            if (!same) revert DataAccessGrantsReceiptConflict(readId);
            return false;
        }
        GrantState state = _stateOf(grant);
        if (!_servable(grantId, grant, state)) revert DataAccessGrantsGrantNotLive(grantId, state);
        // The caller, the server, is active (it passed _checkDepartment); the requester must be too.
        if (!directory().isDepartmentActive(grant.requester)) {
            revert DataAccessGrantsRequesterInactive(grantId, grant.requester);
        }
        stored.grantId = grantId;
        stored.queryDigest = receipt.queryDigest;
        stored.answerDigest = receipt.answerDigest;
        stored.recordedAt = uint64(block.timestamp);
        ++grant.receiptCount;
        emit ReceiptRecorded(
            readId,
            grant.requester,
            caller,
            grantId,
            grant.category,
            receipt.queryDigest,
            receipt.answerDigest,
            uint64(block.timestamp)
        );
        return true;
    }

    /// @dev Whether a read under the grant may get a new receipt: live, or ended by expiry or
    /// revocation less than RECEIPT_GRACE ago (the read was served while it was live).
    function _servable(bytes32 grantId, Grant storage grant, GrantState state) private view returns (bool) {
        if (state == GrantState.Granted) return true;
        uint256 endedAt = 0; // requested, refused: never served
        if (state == GrantState.Expired) endedAt = grant.expiresAt;
        else if (state == GrantState.Revoked) endedAt = _revokedAt[grantId]; // zero: revoked while pending
        return endedAt != 0 && block.timestamp < endedAt + RECEIPT_GRACE;
    }

    function _requireGrant(bytes32 grantId) private view returns (Grant storage grant) {
        grant = _grants[grantId];
        if (grant.state == GrantState.None) revert DataAccessGrantsUnknownGrant(grantId);
    }

    /// @dev The grant, whose owner must be the caller's active department.
    function _requireOwner(bytes32 grantId) private view returns (Grant storage grant) {
        (bytes32 caller,) = _checkDepartment(ALL_KINDS);
        grant = _requireGrant(grantId);
        if (grant.owner != caller) revert DataAccessGrantsNotOwner(grantId, caller);
    }

    function _stateOf(Grant storage grant) private view returns (GrantState) {
        GrantState state = grant.state;
        if (state == GrantState.Granted && grant.expiresAt <= block.timestamp) return GrantState.Expired;
        return state;
    }

    /// @dev The live grant giving access, the subject's own before an all-subjects one; zero
    /// if none, or if either department is inactive or the city paused.
    function _accessGrant(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        private
        view
        returns (bytes32 grantId)
    {
        ICityDirectory city = directory();
        if (!city.isDepartmentActive(requester) || !city.isDepartmentActive(owner)) return bytes32(0);
        grantId = _liveIn(_accessKey(requester, owner, category, subject));
        if (grantId == bytes32(0) && subject != bytes32(0)) {
            grantId = _liveIn(_accessKey(requester, owner, category, bytes32(0)));
        }
    }

    function _liveIn(bytes32 key) private view returns (bytes32) {
        bytes32[] storage ids = _granted[key];
        for (uint256 i = 0; i < ids.length; ++i) {
            if (_grants[ids[i]].expiresAt > block.timestamp) return ids[i];
        }
        return bytes32(0);
    }

    function _accessKey(bytes32 requester, bytes32 owner, bytes32 category, bytes32 subject)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(requester, owner, category, subject));
    }

    function _removeAt(bytes32[] storage ids, uint256 index) private {
        ids[index] = ids[ids.length - 1];
        ids.pop();
    }
}

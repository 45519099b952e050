// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {IVoucherRegistry} from "../../interfaces/IVoucherRegistry.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";

/**
 * @dev Electronic vouchers between departments; see {IVoucherRegistry}. Voucher types are set
 * only by the directory, running a k-of-n proposal of the city administrators. Every other
 * write is made by an active department, as the directory says at call time.
 *
 * {Multicall-multicall} runs many custody acts (nominate, accept, redeem…) in one transaction,
 * in order, each with its own guard, checks, event and typed error, all or nothing.
 */
contract VoucherRegistry is IVoucherRegistry, DepartmentGated, Multicall {

    mapping(bytes32 typeId => VoucherType) private _types;
    mapping(bytes32 voucherId => Voucher) private _vouchers;
    mapping(bytes32 voucherId => CustodyEntry[]) private _custody;

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    // ---- types ------------------------------------------------------------------------

    /// @inheritdoc IVoucherRegistry
    function setVoucherType(bytes32 typeId, uint256 issuerKinds, uint256 receiverKinds)
        external
        onlyCityQuorum
        returns (bool)
    {
        if (typeId == bytes32(0)) revert VoucherRegistryInvalidType(typeId);
        bool outOfRange = issuerKinds & ~ALL_KINDS != 0 || receiverKinds & ~ALL_KINDS != 0;
        // A type open to issuers but to no receiver could never be issued: refuse it here.
        if (outOfRange || (issuerKinds != 0 && receiverKinds == 0)) {
            revert VoucherRegistryInvalidKinds(typeId, issuerKinds, receiverKinds);
        }
        VoucherType storage stored = _types[typeId];
        if (stored.issuerKinds == issuerKinds && stored.receiverKinds == receiverKinds) return false;
        stored.issuerKinds = uint128(issuerKinds);
        stored.receiverKinds = uint128(receiverKinds);
        emit VoucherTypeSet(typeId, issuerKinds, receiverKinds, msg.sender);
        return true;
    }

    // ---- issue ------------------------------------------------------------------------

    /// @inheritdoc IVoucherRegistry
    function issueVoucher(VoucherIssue calldata voucher) external returns (bool) {
        (bytes32 issuer, DepartmentKind kind) = _checkDepartment(ALL_KINDS);
        return _issue(issuer, kind, voucher);
    }

    /// @inheritdoc IVoucherRegistry
    function issueVouchers(VoucherIssue[] calldata vouchers) external returns (uint256 issued) {
        (bytes32 issuer, DepartmentKind kind) = _checkDepartment(ALL_KINDS);
        for (uint256 i = 0; i < vouchers.length; ++i) {
            if (_issue(issuer, kind, vouchers[i])) ++issued;
        }
    }

    // ---- circulation ------------------------------------------------------------------

    /// @inheritdoc IVoucherRegistry
    function nominateHolder(bytes32 voucherId, bytes32 nominee, bytes32 remarks) external returns (bool) {
        (Voucher storage voucher, bytes32 holder) = _requireHolder(voucherId);
        if (nominee == holder) revert VoucherRegistrySelfHandover(voucherId);
        if (voucher.nominee == nominee) return false;
        if (voucher.nominee != bytes32(0)) revert VoucherRegistryHandoverPending(voucherId, voucher.nominee);
        _requireReceiver(voucherId, voucher.typeId, nominee);
        voucher.nominee = nominee;
        _record(voucherId, CustodyAction.Nominated, holder, nominee, remarks);
        emit HandoverNominated(voucherId, holder, nominee, remarks);
        return true;
    }

    /// @inheritdoc IVoucherRegistry
    function cancelNomination(bytes32 voucherId, bytes32 remarks) external {
        (Voucher storage voucher, bytes32 holder) = _requireHolder(voucherId);
        bytes32 nominee = voucher.nominee;
        if (nominee == bytes32(0)) revert VoucherRegistryNoPendingHandover(voucherId);
        voucher.nominee = bytes32(0);
        _record(voucherId, CustodyAction.NominationCancelled, holder, nominee, remarks);
        emit NominationCancelled(voucherId, holder, nominee, remarks);
    }

    /// @inheritdoc IVoucherRegistry
    function acceptHandover(bytes32 voucherId, bytes32 remarks) external {
        (Voucher storage voucher, bytes32 nominee) = _requireNominee(voucherId);
        _requireReceiver(voucherId, voucher.typeId, nominee);
        bytes32 previous = voucher.holder;
        voucher.holder = nominee;
        voucher.nominee = bytes32(0);
        _record(voucherId, CustodyAction.Accepted, previous, nominee, remarks);
        emit HandoverAccepted(voucherId, previous, nominee, remarks);
    }

    /// @inheritdoc IVoucherRegistry
    function rejectHandover(bytes32 voucherId, bytes32 remarks) external {
        (Voucher storage voucher, bytes32 nominee) = _requireNominee(voucherId);
        voucher.nominee = bytes32(0);
        _record(voucherId, CustodyAction.Rejected, voucher.holder, nominee, remarks);
        emit HandoverRejected(voucherId, voucher.holder, nominee, remarks);
    }

    // ---- end of life ------------------------------------------------------------------

    /// @inheritdoc IVoucherRegistry
    function redeemVoucher(bytes32 voucherId, bytes32 remarks) external {
        (Voucher storage voucher, bytes32 holder) = _requireHolder(voucherId);
        _requireReceiver(voucherId, voucher.typeId, holder);
        _end(voucher, VoucherState.Redeemed);
        _record(voucherId, CustodyAction.Redeemed, holder, holder, remarks);
        emit VoucherRedeemed(voucherId, holder, remarks);
    }

    /// @inheritdoc IVoucherRegistry
    function surrenderVoucher(bytes32 voucherId, bytes32 remarks) external {
        (Voucher storage voucher, bytes32 holder) = _requireHolder(voucherId);
        bytes32 issuer = voucher.issuer;
        voucher.holder = issuer;
        _end(voucher, VoucherState.Surrendered);
        _record(voucherId, CustodyAction.Surrendered, holder, issuer, remarks);
        emit VoucherSurrendered(voucherId, holder, issuer, remarks);
    }

    /// @inheritdoc IVoucherRegistry
    function revokeVoucher(bytes32 voucherId, bytes32 reasonCode) external {
        (bytes32 caller,) = _checkDepartment(ALL_KINDS);
        Voucher storage voucher = _requireLive(voucherId);
        if (voucher.issuer != caller) revert VoucherRegistryNotIssuer(voucherId, caller);
        if (reasonCode == bytes32(0)) revert VoucherRegistryMissingReason(voucherId);
        _end(voucher, VoucherState.Revoked);
        _record(voucherId, CustodyAction.Revoked, caller, voucher.holder, reasonCode);
        emit VoucherRevoked(voucherId, caller, reasonCode);
    }

    // ---- reads ------------------------------------------------------------------------

    /// @inheritdoc IVoucherRegistry
    function verifyVoucher(bytes32 voucherId)
        external
        view
        returns (VoucherState state, bytes32 typeId, bytes32 issuer, bytes32 holder, uint256 historyLength)
    {
        Voucher storage voucher = _vouchers[voucherId];
        return (_stateOf(voucher), voucher.typeId, voucher.issuer, voucher.holder, _custody[voucherId].length);
    }

    /// @inheritdoc IVoucherRegistry
    function getVoucher(bytes32 voucherId) external view returns (Voucher memory) {
        return _vouchers[voucherId];
    }

    /// @inheritdoc IVoucherRegistry
    function voucherState(bytes32 voucherId) external view returns (VoucherState) {
        return _stateOf(_vouchers[voucherId]);
    }

    /// @inheritdoc IVoucherRegistry
    function custodyChain(bytes32 voucherId, uint256 start, uint256 limit)
        external
        view
        returns (CustodyEntry[] memory entries)
    {
        CustodyEntry[] storage chain = _custody[voucherId];
        uint256 end = chain.length;
        if (start >= end) return entries;
        if (limit < end - start) end = start + limit;
        entries = new CustodyEntry[](end - start);
        for (uint256 i = start; i < end; ++i) {
            entries[i - start] = chain[i];
        }
    }

    /// @inheritdoc IVoucherRegistry
    function custodyLength(bytes32 voucherId) external view returns (uint256) {
        return _custody[voucherId].length;
    }

    /// @inheritdoc IVoucherRegistry
    function getVoucherType(bytes32 typeId) external view returns (VoucherType memory) {
        return _types[typeId];
    }

    // ---- internals --------------------------------------------------------------------

    /// @dev The one place vouchers are created, for single and batch issue.
    function _issue(bytes32 issuer, DepartmentKind kind, VoucherIssue calldata request) private returns (bool) {
        bytes32 voucherId = request.voucherId;
        if (voucherId == bytes32(0)) revert VoucherRegistryInvalidVoucher(voucherId);
        Voucher storage voucher = _vouchers[voucherId];
        if (voucher.state != VoucherState.None) {
            bool same = voucher.issuer == issuer && voucher.typeId == request.typeId && voucher.subject == request.subject
                && voucher.expiresAt == request.expiresAt && _custody[voucherId][0].to == request.firstHolder;
            if (!same) revert VoucherRegistryVoucherConflict(voucherId);
            return false;
        }
        VoucherType memory voucherType = _types[request.typeId];
        if (voucherType.issuerKinds == 0) revert VoucherRegistryUnknownType(voucherId, request.typeId);
        if (voucherType.issuerKinds & kindBit(kind) == 0) revert VoucherRegistryIssuerNotAllowed(voucherId, issuer);
        _requireReceiver(voucherId, request.typeId, request.firstHolder);
        if (request.expiresAt != 0 && request.expiresAt <= block.timestamp) {
            revert VoucherRegistryInvalidExpiry(voucherId, request.expiresAt);
        }
        _vouchers[voucherId] = Voucher({
            typeId: request.typeId,
            subject: request.subject,
            issuer: issuer,
            holder: request.firstHolder,
            nominee: bytes32(0),
            issuedAt: uint64(block.timestamp),
            expiresAt: request.expiresAt,
            state: VoucherState.Active
        });
        _record(voucherId, CustodyAction.Issued, issuer, request.firstHolder, bytes32(0));
        emit VoucherIssued(voucherId, request.typeId, issuer, request.subject, request.firstHolder, request.expiresAt);
        return true;
    }

    function _record(bytes32 voucherId, CustodyAction action, bytes32 from, bytes32 to, bytes32 remarks) private {
        _custody[voucherId].push(CustodyEntry(action, uint64(block.timestamp), from, to, remarks));
    }

    function _end(Voucher storage voucher, VoucherState state) private {
        voucher.state = state;
        voucher.nominee = bytes32(0);
    }

    function _stateOf(Voucher storage voucher) private view returns (VoucherState) {
        VoucherState state = voucher.state;
        if (state == VoucherState.Active && voucher.expiresAt != 0 && voucher.expiresAt <= block.timestamp) {
            return VoucherState.Expired;
        }
        return state;
    }

    /// @dev The voucher, if it exists and is active and not expired.
    function _requireLive(bytes32 voucherId) private view returns (Voucher storage voucher) {
        voucher = _vouchers[voucherId];
        VoucherState state = _stateOf(voucher);
        if (state == VoucherState.None) revert VoucherRegistryUnknownVoucher(voucherId);
        if (state != VoucherState.Active) revert VoucherRegistryVoucherNotLive(voucherId, state);
    }

    /// @dev The live voucher and the caller's department, which must hold it.
    function _requireHolder(bytes32 voucherId) private view returns (Voucher storage voucher, bytes32 holder) {
        (holder,) = _checkDepartment(ALL_KINDS);
        voucher = _requireLive(voucherId);
        if (voucher.holder != holder) revert VoucherRegistryNotHolder(voucherId, holder);
    }

    /// @dev The live voucher and the caller's department, which must be nominated for it.
    function _requireNominee(bytes32 voucherId) private view returns (Voucher storage voucher, bytes32 nominee) {
        (nominee,) = _checkDepartment(ALL_KINDS);
        voucher = _requireLive(voucherId);
        if (voucher.nominee == bytes32(0)) revert VoucherRegistryNoPendingHandover(voucherId);
        if (voucher.nominee != nominee) revert VoucherRegistryNotNominee(voucherId, nominee);
    }

    /// @dev Reverts unless `departmentId` is a department whose kind may receive the type.
    function _requireReceiver(bytes32 voucherId, bytes32 typeId, bytes32 departmentId) private view {
        DepartmentKind kind = directory().getDepartment(departmentId).kind;
        if (kind == DepartmentKind.None || _types[typeId].receiverKinds & kindBit(kind) == 0) {
            revert VoucherRegistryReceiverNotAllowed(voucherId, departmentId);
        }
    }
}

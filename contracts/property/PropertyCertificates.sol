// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {IPropertyRegistry, CertificateState} from "../../interfaces/IPropertyRegistry.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";

/**
 * @dev The root of the property registry: who may write (the department checks every
 * extension uses) and the electronic certificates (不动产权证书 and 不动产登记证明).
 *
 * A certificate digest is `keccak256(abi.encode(registry, unit, documents, version))`; it is
 * stored once, when issued (unit + issue time, one slot). Whether it is valid is asked of the
 * extension that issued it through {_certificateState}; a revocation is final. A digest
 * issued once is never issued again: a revoked or superseded certificate cannot be revived.
 */
abstract contract PropertyCertificates is IPropertyRegistry, DepartmentGated {
    /// @dev This structure fits into a single slot.
    struct Certificate {
        bytes28 unit;
        uint32 issuedAt;
    }

    mapping(bytes32 certificate => Certificate) private _certificates;
    mapping(bytes32 certificate => bytes32 reasonCode) private _revocations;

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    /// @inheritdoc IPropertyRegistry
    function revokeCertificate(bytes32 certificate, bytes32 reasonCode) external returns (bool revoked) {
        _checkRegistrar();
        if (reasonCode == 0) revert PropertyRegistryInvalidReasonCode(certificate);
        CertificateView memory info = _verify(certificate);
        if (info.state == CertificateState.Revoked && info.revocationReason == reasonCode) return false;
        if (info.state != CertificateState.Valid) revert PropertyRegistryCertificateNotValid(certificate);
        _revoke(info.unit, certificate, reasonCode);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function verifyCertificate(bytes32 certificate) external view returns (CertificateView memory) {
        return _verify(certificate);
    }

    // ---- department checks ----------------------------------------------------------------

    function _checkRegistrar() internal view returns (bytes32 department) {
        (department,) = _checkDepartment(kindBit(DepartmentKind.RealEstateRegistration));
    }

    function _checkLender() internal view returns (bytes32 department) {
        (department,) = _checkDepartment(kindBit(DepartmentKind.Bank) | kindBit(DepartmentKind.HousingProvidentFund));
    }

    function _checkCourt() internal view returns (bytes32 department) {
        (department,) = _checkDepartment(kindBit(DepartmentKind.Court));
    }

    // ---- certificates ---------------------------------------------------------------------

    function _certificateDigest(bytes32 unit, bytes32 documents, uint32 version) internal view returns (bytes32) {
        return keccak256(abi.encode(address(this), unit, documents, version));
    }

    /// @dev Issues the certificate `(unit, documents, version)`. Reverts with
    /// {PropertyRegistryCertificateSpent} if that digest was ever issued: no revival.
    function _issue(bytes32 unit, bytes32 documents, uint32 version) internal returns (bytes32 certificate) {
        certificate = _certificateDigest(unit, documents, version);
        Certificate storage record = _certificates[certificate];
        if (record.issuedAt != 0) revert PropertyRegistryCertificateSpent(certificate);
        record.unit = bytes28(unit);
        record.issuedAt = uint32(block.timestamp);
    }

    /// @dev Revokes `certificate` unless revoked already; returns whether it did.
    function _revoke(bytes32 unit, bytes32 certificate, bytes32 reasonCode) internal returns (bool) {
        if (_revocations[certificate] != 0) return false;
        _revocations[certificate] = reasonCode;
        emit CertificateRevoked(unit, certificate, reasonCode);
        return true;
    }

    function _isRevoked(bytes32 certificate) internal view returns (bool) {
        return _revocations[certificate] != 0;
    }

    function _verify(bytes32 certificate) internal view returns (CertificateView memory info) {
        Certificate storage record = _certificates[certificate];
        if (record.issuedAt == 0) return info;
        info.unit = bytes32(record.unit);
        info.issuedAt = record.issuedAt;
        info.revocationReason = _revocations[certificate];
        CertificateState state;
        (state, info.proof) = _certificateState(info.unit, certificate);
        info.state = info.revocationReason != 0 ? CertificateState.Revoked : state;
    }

    /// @dev The state of an issued certificate of `unit` were it not revoked: valid, superseded,
    /// or (for a mortgage registration certificate, whose `proof` it returns) released or transferred.
    function _certificateState(bytes32 unit, bytes32 certificate)
        internal
        view
        virtual
        returns (CertificateState state, bytes32 proof);
}

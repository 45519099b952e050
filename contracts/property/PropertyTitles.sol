// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPropertyRegistry, TitleStatus, CertificateState} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyCertificates} from "./PropertyCertificates.sol";
import {UnitCode} from "./UnitCode.sol";

/// @dev What a disposal of a title is, as {PropertyTitles-_beforeTitleChange} sees it.
enum TitleChange {
    Transfer,
    Mortgage,
    Cancel,
    Split,
    Merge,
    JudicialSale
}

/**
 * @dev Titles (不动产权) and their certificates: registration, transfer, cancellation, split,
 * merge and replacement certificates, for the counties the city declared.
 *
 * Every disposal — transfer, mortgage, cancellation, split, merge, judicial sale — passes
 * through {_beforeTitleChange}, which the encumbrance extensions override (OpenZeppelin's
 * `ERC721._update` shape): seizures freeze, notices and no-transfer agreements hold, a judicial
 * sale clears. After a change of owners {_afterTitleTransfer} tells them too.
 *
 * Storage per freshly registered title with n owners: 3 + n slots — the header, the
 * documents digest, one holder hash per owner (shares live in the header), and the
 * certificate record.
 */
abstract contract PropertyTitles is PropertyCertificates {
    using UnitCode for bytes32;

    /// @notice The whole of a title in basis points: shares of the owners sum to this.
    uint256 public constant SHARES_TOTAL = 10_000;
    /// @notice Co-owners per title (their shares are packed into the title's header slot).
    uint256 public constant MAX_OWNERS = 7;
    /// @notice Revocation reasons of the certificates of split and merged titles.
    bytes32 public constant SPLIT_REASON = keccak256("SPLIT");
    bytes32 public constant MERGE_REASON = keccak256("MERGED");

    /// @dev The first field group (status … shares) fits into a single slot; `shares` holds
    /// owner i's share in bits [16i, 16i+16).
    struct Title {
        TitleStatus status;
        uint8 rightType;
        uint8 ownerCount;
        uint32 version;
        uint40 registeredAt;
        uint40 updatedAt;
        uint112 shares;
        bytes32 documents;
        bytes32[7] holders;
    }

    mapping(bytes6 county => bool) private _counties;
    mapping(bytes32 unit => Title) private _titles;

    // ---- registration centre ------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function registerTitles(TitleInput[] calldata titles) external returns (uint256 registered) {
        _checkRegistrar();
        for (uint256 i = 0; i < titles.length; ++i) {
            if (_registerTitle(titles[i])) ++registered;
        }
    }

    /// @inheritdoc IPropertyRegistry
    function transferTitle(bytes32 unit, Owner[] calldata owners, bytes32 documents)
        external
        returns (bool transferred)
    {
        _checkRegistrar();
        bytes32 previous = _currentCertificate(unit);
        if (!_move(unit, owners, documents, TitleChange.Transfer, 0)) return false;
        bytes32 certificate = _currentCertificate(unit);
        emit TitleTransferred(unit, certificate, previous, documents, owners);
        _afterTitleTransfer(unit, certificate);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function cancelTitle(bytes32 unit, bytes32 documents, bytes32 reasonCode) external returns (bool cancelled) {
        _checkRegistrar();
        if (_titles[unit].status == TitleStatus.Cancelled) return false;
        if (reasonCode == 0) revert PropertyRegistryInvalidReasonCode(unit);
        _retire(unit, documents, reasonCode, TitleChange.Cancel);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function splitTitle(bytes32 unit, TitleInput[] calldata parts, bytes32 documents) external returns (bool split) {
        _checkRegistrar();
        return _split(unit, parts, documents);
    }

    /// @inheritdoc IPropertyRegistry
    function mergeTitles(bytes32[] calldata units, TitleInput calldata merged, bytes32 documents)
        external
        returns (bool merged_)
    {
        _checkRegistrar();
        return _merge(units, merged, documents);
    }

    // ---- courts ---------------------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function judicialSale(bytes32 unit, Owner[] calldata buyers, bytes32 documents, bytes32 ruling)
        external
        returns (bool sold)
    {
        bytes32 court = _checkCourt();
        if (ruling == 0) revert PropertyRegistryInvalidDocuments(unit);
        bytes32 previous = _currentCertificate(unit);
        if (!_move(unit, buyers, documents, TitleChange.JudicialSale, court)) return false;
        bytes32 certificate = _currentCertificate(unit);
        emit TitleSoldJudicially(unit, court, certificate, previous, documents, ruling, buyers);
        _afterTitleTransfer(unit, certificate);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function reissueCertificate(bytes32 unit, bytes32 documents) external returns (bool reissued) {
        _checkRegistrar();
        Title storage title = _requireRegistered(unit);
        if (documents == 0) revert PropertyRegistryInvalidDocuments(unit);
        bytes32 previous = _certificateDigest(unit, title.documents, title.version);
        if (documents == title.documents && !_isRevoked(previous)) return false;
        bytes32 certificate = _newVersion(unit, title, documents);
        emit CertificateReissued(unit, certificate, previous, documents);
        return true;
    }

    // ---- reads ------------------------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function isCounty(bytes6 county) external view returns (bool) {
        return _counties[county];
    }

    // ---- hooks ------------------------------------------------------------------------------

    /**
     * @dev Called before every disposal of the registered title `unit`: a transfer (or a
     * judicial sale) to `to`, a mortgage, a cancellation, a split or a merge. `authority` is
     * the ordering court's department id for a judicial sale, zero otherwise. Extensions
     * override it to refuse the change (a seizure, a notice, a no-transfer agreement) or, for
     * a judicial sale, to clear what the sale extinguishes; they must call `super`.
     */
    function _beforeTitleChange(bytes32 unit, TitleChange change, Owner[] memory to, bytes32 authority)
        internal
        virtual
    {}

    /// @dev Called after the owners of `unit` changed and `certificate` was issued to them.
    function _afterTitleTransfer(bytes32 unit, bytes32 certificate) internal virtual {}

    // ---- internals ----------------------------------------------------------------------------

    /// @dev Declares `county` (the caller's permission is checked by the deployed registry).
    function _addCounty(bytes6 county) internal returns (bool) {
        if (!UnitCode.isValidCounty(county)) revert PropertyRegistryInvalidCounty(county);
        if (_counties[county]) return false;
        _counties[county] = true;
        emit CountyAdded(county, msg.sender);
        return true;
    }

    /// @dev The single chokepoint of title registration (batches, split parts, merged titles).
    function _registerTitle(TitleInput calldata input) internal returns (bool) {
        bytes32 unit = input.unit;
        if (!unit.isValid()) revert PropertyRegistryInvalidUnitCode(unit);
        if (!_counties[unit.county()]) revert PropertyRegistryUnknownCounty(unit);
        if (input.rightType == 0) revert PropertyRegistryInvalidRightType(unit);
        bytes32 documents = input.documents;
        if (documents == 0) revert PropertyRegistryInvalidDocuments(unit);
        Owner[] calldata owners = input.owners;
        uint112 shares = _checkOwners(unit, owners);

        Title storage title = _titles[unit];
        if (title.status != TitleStatus.None) {
            if (
                title.status == TitleStatus.Registered && title.rightType == input.rightType
                    && title.documents == documents && _sameOwners(title, owners, shares)
            ) return false;
            revert PropertyRegistryTitleConflict(unit);
        }
        _writeNewHeader(title, input.rightType, owners.length, shares);
        for (uint256 i = 0; i < owners.length; ++i) {
            title.holders[i] = owners[i].holder;
        }
        title.documents = documents;
        bytes32 certificate = _issue(unit, documents, 1);
        emit TitleRegistered(unit, certificate, input.rightType, documents, owners);
        return true;
    }

    /// @dev The chokepoint of every change of owners (a transfer, a judicial sale): idempotent,
    /// through {_beforeTitleChange}; the caller emits its event and calls {_afterTitleTransfer}.
    function _move(bytes32 unit, Owner[] calldata owners, bytes32 documents, TitleChange change, bytes32 authority)
        private
        returns (bool)
    {
        Title storage title = _requireRegistered(unit);
        if (documents == 0) revert PropertyRegistryInvalidDocuments(unit);
        uint112 shares = _checkOwners(unit, owners);
        if (title.documents == documents && _sameOwners(title, owners, shares)) return false;
        _beforeTitleChange(unit, change, owners, authority);
        _changeOwners(unit, title, owners, shares, documents);
        return true;
    }

    /// @dev Writes new owners and documents and issues their certificate; no checks, no event.
    function _changeOwners(bytes32 unit, Title storage title, Owner[] calldata owners, uint112 shares, bytes32 documents)
        internal
        returns (bytes32 certificate)
    {
        title.ownerCount = uint8(owners.length);
        title.shares = shares;
        for (uint256 i = 0; i < owners.length; ++i) {
            title.holders[i] = owners[i].holder;
        }
        certificate = _newVersion(unit, title, documents);
    }

    function _newVersion(bytes32 unit, Title storage title, bytes32 documents) private returns (bytes32) {
        uint32 version = title.version + 1;
        title.version = version;
        title.updatedAt = uint40(block.timestamp);
        title.documents = documents;
        return _issue(unit, documents, version);
    }

    function _split(bytes32 unit, TitleInput[] calldata parts, bytes32 documents) private returns (bool)
    {
        if (parts.length < 2) revert PropertyRegistryInvalidSplit(unit);
        if (_titles[unit].status == TitleStatus.Cancelled) {
            // A resend: every part must be stored already, identically.
            for (uint256 i = 0; i < parts.length; ++i) {
                if (_registerTitle(parts[i])) revert PropertyRegistryTitleNotRegistered(unit);
            }
            return false;
        }
        _retire(unit, documents, SPLIT_REASON, TitleChange.Split);
        bytes32[] memory units = new bytes32[](parts.length);
        for (uint256 i = 0; i < parts.length; ++i) {
            units[i] = parts[i].unit;
            if (!_registerTitle(parts[i])) revert PropertyRegistryTitleConflict(units[i]);
        }
        emit TitleSplit(unit, documents, units);
        return true;
    }

    function _merge(bytes32[] calldata units, TitleInput calldata merged, bytes32 documents) private returns (bool)
    {
        bytes32 target = merged.unit;
        if (units.length < 2) revert PropertyRegistryInvalidSplit(target);
        if (_titles[units[0]].status == TitleStatus.Cancelled && _titles[target].status != TitleStatus.None) {
            // A resend: every source retired and the merged title stored identically.
            for (uint256 i = 0; i < units.length; ++i) {
                if (_titles[units[i]].status != TitleStatus.Cancelled) {
                    revert PropertyRegistryTitleNotRegistered(units[0]);
                }
            }
            _registerTitle(merged);
            return false;
        }
        for (uint256 i = 0; i < units.length; ++i) {
            if (units[i] == target) revert PropertyRegistryInvalidSplit(target);
            _retire(units[i], documents, MERGE_REASON, TitleChange.Merge);
        }
        if (!_registerTitle(merged)) revert PropertyRegistryTitleConflict(target);
        emit TitleMerged(target, documents, units);
        return true;
    }

    /// @dev Cancels a registered title through {_beforeTitleChange}, revoking its certificate
    /// unless revoked already. The chokepoint of cancel, split and merge.
    function _retire(bytes32 unit, bytes32 documents, bytes32 reasonCode, TitleChange change) private {
        Title storage title = _requireRegistered(unit);
        _beforeTitleChange(unit, change, new Owner[](0), 0);
        bytes32 certificate = _certificateDigest(unit, title.documents, title.version);
        title.status = TitleStatus.Cancelled;
        title.updatedAt = uint40(block.timestamp);
        emit TitleCancelled(unit, certificate, documents, reasonCode);
        _revoke(unit, certificate, reasonCode);
    }

    /// @dev Checks the owners and returns their shares packed for the header.
    function _checkOwners(bytes32 unit, Owner[] calldata owners) internal pure returns (uint112 packed) {
        uint256 count = owners.length;
        if (count == 0 || count > MAX_OWNERS) revert PropertyRegistryInvalidOwners(unit);
        uint256 total = 0;
        for (uint256 i = 0; i < count; ++i) {
            bytes32 holder = owners[i].holder;
            uint16 share = owners[i].share;
            if (holder == 0 || share == 0) revert PropertyRegistryInvalidOwners(unit);
            for (uint256 j = 0; j < i; ++j) {
                if (owners[j].holder == holder) revert PropertyRegistryInvalidOwners(unit);
            }
            total += share;
            packed |= uint112(share) << uint112(16 * i);
        }
        if (total != SHARES_TOTAL) revert PropertyRegistryInvalidShares(unit, total);
    }

    function _sameOwners(Title storage title, Owner[] calldata owners, uint112 shares) private view returns (bool) {
        if (title.ownerCount != owners.length || title.shares != shares) return false;
        for (uint256 i = 0; i < owners.length; ++i) {
            if (title.holders[i] != owners[i].holder) return false;
        }
        return true;
    }

    /// @dev Writes the header slot of a new title in one store: Registered, version 1,
    /// registered and updated now. Field offsets follow the declaration order of {Title}.
    function _writeNewHeader(Title storage title, uint8 rightType, uint256 ownerCount, uint112 shares) private {
        uint256 header = uint256(uint8(TitleStatus.Registered)) | uint256(rightType) << 8 | ownerCount << 16
            | uint256(1) << 24 | block.timestamp << 56 | block.timestamp << 96 | uint256(shares) << 136;
        assembly ("memory-safe") {
            sstore(title.slot, header)
        }
    }

    function _requireRegistered(bytes32 unit) internal view returns (Title storage title) {
        title = _titles[unit];
        if (title.status != TitleStatus.Registered) revert PropertyRegistryTitleNotRegistered(unit);
    }

    /// @dev Reverts unless `unit` is a well-formed unit code of a known county and not cancelled
    /// (it may have no title yet).
    function _requireKnownUnit(bytes32 unit) internal view {
        if (!unit.isValid()) revert PropertyRegistryInvalidUnitCode(unit);
        if (!_counties[unit.county()]) revert PropertyRegistryUnknownCounty(unit);
        if (_titles[unit].status == TitleStatus.Cancelled) revert PropertyRegistryTitleNotRegistered(unit);
    }

    function _title(bytes32 unit) internal view returns (Title storage) {
        return _titles[unit];
    }

    function _currentCertificate(bytes32 unit) internal view returns (bytes32) {
        Title storage title = _titles[unit];
        return _certificateDigest(unit, title.documents, title.version);
    }

    /// @dev A title certificate is valid while it is the registered title's current one.
    function _certificateState(bytes32 unit, bytes32 certificate)
        internal
        view
        virtual
        override
        returns (CertificateState, bytes32)
    {
        if (_titles[unit].status == TitleStatus.Registered && _currentCertificate(unit) == certificate) {
            return (CertificateState.Valid, 0);
        }
        return (CertificateState.Superseded, 0);
    }

    /// @dev The title part of {IPropertyRegistry-titleOf}: header, owners, current certificate.
    function _titleView(bytes32 unit) internal view returns (TitleView memory view_) {
        Title storage title = _titles[unit];
        view_.unit = unit;
        view_.status = title.status;
        if (title.status == TitleStatus.None) return view_;
        view_.rightType = title.rightType;
        view_.registeredAt = title.registeredAt;
        view_.updatedAt = title.updatedAt;
        view_.documents = title.documents;
        view_.certificate = _certificateDigest(unit, title.documents, title.version);
        uint256 count = title.ownerCount;
        uint256 shares = title.shares;
        view_.owners = new Owner[](count);
        for (uint256 i = 0; i < count; ++i) {
            view_.owners[i] = Owner(title.holders[i], uint16(shares >> (16 * i)));
        }
    }
}

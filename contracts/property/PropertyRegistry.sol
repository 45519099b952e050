// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {
    IPropertyRegistry,
    TitleStatus,
    CertificateState,
    NoticeKind
} from "../../interfaces/IPropertyRegistry.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";
import {UnitCode} from "./UnitCode.sol";

/**
 * @title PropertyRegistry
 * @notice The city's real-estate titles, mortgages, seizures, notices and electronic
 * certificates. See {IPropertyRegistry}.
 *
 * @dev Storage per freshly registered title with n owners: 3 + n slots — the header, the
 * documents digest, one holder hash per owner (shares live in the header), and the
 * certificate record. The certificate digest itself is not stored: it is
 * `keccak256(abi.encode(this, unit, documents, version))`, recomputed from the title.
 *
 * Seizure lapses need no keeper: the live queue starts at `seizuresSince`, each seizure runs
 * its term after the previous one ends; reads walk the queue against `block.timestamp`, and
 * writes drop the lapsed head entries (emitting {SeizureLapsed}).
 *
 * Split and merge cancel the old titles and register the new units in one transaction; the
 * new titles start without mortgages, seizures or notices (the old ones must have none).
 */
contract PropertyRegistry is IPropertyRegistry, DepartmentGated {
    using UnitCode for bytes32;

    /// @notice The whole of a title in basis points: shares of the owners sum to this.
    uint256 public constant SHARES_TOTAL = 10_000;
    /// @notice Co-owners per title (their shares are packed into the title's header slot).
    uint256 public constant MAX_OWNERS = 7;
    /// @notice Mortgages per title, and live seizures per title (bounds every queue walk).
    uint256 public constant MAX_MORTGAGES = 16;
    uint256 public constant MAX_SEIZURES = 16;
    /// @notice A seizure term is at most three years.
    uint40 public constant MAX_SEIZURE_TERM = 3 * 365 days;
    /// @notice An advance notice lapses 90 days after registration; an objection after 15 days.
    uint40 public constant ADVANCE_NOTICE_LIFETIME = 90 days;
    uint40 public constant OBJECTION_LIFETIME = 15 days;

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

    /// @dev This structure fits into a single slot.
    struct Certificate {
        bytes28 unit;
        uint32 issuedAt;
    }

    struct Seizure {
        bytes32 court;
        bytes32 order;
        uint40 registeredAt;
        uint40 term;
    }

    struct Notice {
        bytes32 holder;
        bytes32 documents;
        uint40 registeredAt;
    }

    struct Encumbrances {
        uint32 mortgageSequence;
        uint40 seizuresSince;
        Mortgage[] mortgages;
        Seizure[] seizures;
        Notice advanceNotice;
        Notice objection;
    }

    mapping(bytes6 county => bool) private _counties;
    mapping(bytes32 unit => Title) private _titles;
    mapping(bytes32 unit => Encumbrances) private _encumbrances;
    mapping(bytes32 certificate => Certificate) private _certificates;
    mapping(bytes32 certificate => bytes32 reasonCode) private _revocations;

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    // ---- city administrators ----------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function addCounty(bytes6 county) external onlyCityQuorum returns (bool added) {
        if (!UnitCode.isValidCounty(county)) revert PropertyRegistryInvalidCounty(county);
        if (_counties[county]) return false;
        _counties[county] = true;
        emit CountyAdded(county, msg.sender);
        return true;
    }

    // ---- registration centre ------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function registerTitle(TitleInput calldata title) external returns (bool registered) {
        _checkRegistrar();
        return _registerTitle(title);
    }

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
        Title storage title = _requireRegistered(unit);
        if (documents == 0) revert PropertyRegistryInvalidDocuments(unit);
        uint112 shares = _checkOwners(unit, owners);
        if (title.documents == documents && _sameOwners(title, owners, shares)) return false;
        _checkTransfer(unit, owners);

        bytes32 previous = _certificateDigest(unit, title.documents, title.version);
        uint32 version = title.version + 1;
        _writeOwners(title, owners, shares);
        title.version = version;
        title.updatedAt = uint40(block.timestamp);
        title.documents = documents;
        bytes32 certificate = _issue(unit, documents, version);
        emit TitleTransferred(unit, certificate, previous, documents, owners);
        _notifyMortgagees(unit, certificate);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function cancelTitle(bytes32 unit, bytes32 documents, bytes32 reasonCode) external returns (bool cancelled) {
        _checkRegistrar();
        if (_titles[unit].status == TitleStatus.Cancelled) return false;
        if (reasonCode == 0) revert PropertyRegistryInvalidReasonCode(unit);
        _retire(unit, documents, reasonCode);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function splitTitle(bytes32 unit, TitleInput[] calldata parts, bytes32 documents) external returns (bool split) {
        _checkRegistrar();
        if (parts.length < 2) revert PropertyRegistryInvalidSplit(unit);
        if (_titles[unit].status == TitleStatus.Cancelled) {
            // A resend: every part must be stored already, identically.
            for (uint256 i = 0; i < parts.length; ++i) {
                if (_registerTitle(parts[i])) revert PropertyRegistryTitleNotRegistered(unit);
            }
            return false;
        }
        _retire(unit, documents, SPLIT_REASON);
        bytes32[] memory units = new bytes32[](parts.length);
        for (uint256 i = 0; i < parts.length; ++i) {
            units[i] = parts[i].unit;
            if (!_registerTitle(parts[i])) revert PropertyRegistryTitleConflict(units[i]);
        }
        emit TitleSplit(unit, documents, units);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function mergeTitles(bytes32[] calldata units, TitleInput calldata merged, bytes32 documents)
        external
        returns (bool merged_)
    {
        _checkRegistrar();
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
            _retire(units[i], documents, MERGE_REASON);
        }
        if (!_registerTitle(merged)) revert PropertyRegistryTitleConflict(target);
        emit TitleMerged(target, documents, units);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function reissueCertificate(bytes32 unit, bytes32 documents) external returns (bool reissued) {
        _checkRegistrar();
        Title storage title = _requireRegistered(unit);
        if (documents == 0) revert PropertyRegistryInvalidDocuments(unit);
        bytes32 previous = _certificateDigest(unit, title.documents, title.version);
        if (documents == title.documents && _revocations[previous] == 0) return false;
        uint32 version = title.version + 1;
        title.version = version;
        title.updatedAt = uint40(block.timestamp);
        title.documents = documents;
        bytes32 certificate = _issue(unit, documents, version);
        emit CertificateReissued(unit, certificate, previous, documents);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function revokeCertificate(bytes32 certificate, bytes32 reasonCode) external returns (bool revoked) {
        _checkRegistrar();
        if (reasonCode == 0) revert PropertyRegistryInvalidReasonCode(certificate);
        CertificateView memory info = _verify(certificate);
        if (info.state == CertificateState.Revoked && info.revocationReason == reasonCode) return false;
        if (info.state != CertificateState.Valid) revert PropertyRegistryCertificateNotValid(certificate);
        _revocations[certificate] = reasonCode;
        emit CertificateRevoked(info.unit, certificate, reasonCode);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function registerNotice(bytes32 unit, NoticeKind kind, bytes32 holder, bytes32 documents)
        external
        returns (bool registered)
    {
        _checkRegistrar();
        _requireRegistered(unit);
        if (kind == NoticeKind.None || holder == 0 || documents == 0) revert PropertyRegistryInvalidNotice(unit);
        (Notice storage notice, uint40 lifetime) = _notice(unit, kind);
        if (_isEffective(notice, lifetime)) {
            if (notice.holder == holder && notice.documents == documents) return false;
            revert PropertyRegistryNoticeConflict(unit, kind);
        }
        notice.holder = holder;
        notice.documents = documents;
        notice.registeredAt = uint40(block.timestamp);
        emit NoticeRegistered(unit, kind, holder, documents, uint40(block.timestamp) + lifetime);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function removeNotice(bytes32 unit, NoticeKind kind) external {
        _checkRegistrar();
        if (kind == NoticeKind.None) revert PropertyRegistryUnknownNotice(unit, kind);
        (Notice storage notice, uint40 lifetime) = _notice(unit, kind);
        if (!_isEffective(notice, lifetime)) revert PropertyRegistryUnknownNotice(unit, kind);
        bytes32 holder = notice.holder;
        delete notice.holder;
        delete notice.documents;
        delete notice.registeredAt;
        emit NoticeRemoved(unit, kind, holder);
    }

    // ---- lenders ------------------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function registerMortgage(MortgageInput calldata mortgage) external returns (bool registered) {
        (bytes32 lender,) = _checkLender();
        return _registerMortgage(lender, mortgage);
    }

    /// @inheritdoc IPropertyRegistry
    function registerMortgages(MortgageInput[] calldata mortgages) external returns (uint256 registered) {
        (bytes32 lender,) = _checkLender();
        for (uint256 i = 0; i < mortgages.length; ++i) {
            if (_registerMortgage(lender, mortgages[i])) ++registered;
        }
    }

    /// @inheritdoc IPropertyRegistry
    function releaseMortgage(bytes32 unit, bytes32 proof) external {
        (bytes32 department,) = _checkLender();
        Mortgage[] storage mortgages = _encumbrances[unit].mortgages;
        (bool found, uint256 index) = _findMortgage(mortgages, proof);
        if (!found) revert PropertyRegistryUnknownMortgage(unit, proof);
        if (mortgages[index].lender != department) revert PropertyRegistryNotMortgagee(unit, proof, department);
        uint256 last = mortgages.length - 1;
        for (uint256 i = index; i < last; ++i) {
            mortgages[i] = mortgages[i + 1];
        }
        mortgages.pop();
        emit MortgageReleased(unit, department, proof);
    }

    // ---- courts ---------------------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function seize(bytes32 unit, bytes32 order, uint40 term) external returns (bool seized) {
        (bytes32 court,) = _checkDepartment(kindBit(DepartmentKind.Court));
        _requireRegistered(unit);
        if (order == 0 || term == 0 || term > MAX_SEIZURE_TERM) revert PropertyRegistryInvalidSeizure(unit, order, term);
        Encumbrances storage enc = _encumbrances[unit];
        _settleSeizures(unit, enc);
        Seizure[] storage queue = enc.seizures;
        (bool found, uint256 index) = _findSeizure(queue, order);
        if (found) {
            if (queue[index].court == court && queue[index].term == term) return false;
            revert PropertyRegistrySeizureConflict(unit, order);
        }
        uint256 position = queue.length;
        if (position >= MAX_SEIZURES) revert PropertyRegistryQueueFull(unit);
        if (position == 0) enc.seizuresSince = uint40(block.timestamp);
        queue.push(Seizure(court, order, uint40(block.timestamp), term));
        emit TitleSeized(unit, court, order, term, position);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function renewSeizure(bytes32 unit, bytes32 order, uint40 term) external {
        (bytes32 court,) = _checkDepartment(kindBit(DepartmentKind.Court));
        if (term == 0 || term > MAX_SEIZURE_TERM) revert PropertyRegistryInvalidSeizure(unit, order, term);
        Encumbrances storage enc = _encumbrances[unit];
        _settleSeizures(unit, enc);
        Seizure[] storage queue = enc.seizures;
        uint256 index = _ownSeizure(unit, queue, order, court);
        // The effective one runs `term` from now; a queued one `term` from when it takes effect.
        queue[index].term = index == 0 ? uint40(block.timestamp) + term - enc.seizuresSince : term;
        emit SeizureRenewed(unit, court, order, term);
    }

    /// @inheritdoc IPropertyRegistry
    function liftSeizure(bytes32 unit, bytes32 order) external {
        (bytes32 court,) = _checkDepartment(kindBit(DepartmentKind.Court));
        Encumbrances storage enc = _encumbrances[unit];
        _settleSeizures(unit, enc);
        Seizure[] storage queue = enc.seizures;
        uint256 index = _ownSeizure(unit, queue, order, court);
        if (index == 0) enc.seizuresSince = uint40(block.timestamp);
        uint256 last = queue.length - 1;
        for (uint256 i = index; i < last; ++i) {
            queue[i] = queue[i + 1];
        }
        queue.pop();
        emit SeizureLifted(unit, court, order);
    }

    // ---- reads ------------------------------------------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function isCounty(bytes6 county) external view returns (bool) {
        return _counties[county];
    }

    /// @inheritdoc IPropertyRegistry
    function isValidUnitCode(bytes32 unit) external pure returns (bool) {
        return unit.isValid();
    }

    /// @inheritdoc IPropertyRegistry
    function titleOf(bytes32 unit) external view returns (TitleView memory view_) {
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

        Encumbrances storage enc = _encumbrances[unit];
        view_.mortgages = enc.mortgages;
        view_.seizures = _seizureViews(enc);
        view_.advanceNotice = _noticeView(enc.advanceNotice, ADVANCE_NOTICE_LIFETIME);
        view_.objection = _noticeView(enc.objection, OBJECTION_LIFETIME);
    }

    /// @inheritdoc IPropertyRegistry
    function isTransferable(bytes32 unit) external view returns (bool) {
        if (_titles[unit].status != TitleStatus.Registered) return false;
        Encumbrances storage enc = _encumbrances[unit];
        (uint256 first,) = _liveSeizures(enc);
        if (first < enc.seizures.length) return false;
        for (uint256 i = 0; i < enc.mortgages.length; ++i) {
            if (enc.mortgages[i].noTransfer) return false;
        }
        return !_isEffective(enc.advanceNotice, ADVANCE_NOTICE_LIFETIME);
    }

    /// @inheritdoc IPropertyRegistry
    function verifyCertificate(bytes32 certificate) external view returns (CertificateView memory) {
        return _verify(certificate);
    }

    // ---- internals: titles and certificates ----------------------------------------------

    function _checkRegistrar() private view {
        _checkDepartment(kindBit(DepartmentKind.RealEstateRegistration));
    }

    function _checkLender() private view returns (bytes32, DepartmentKind) {
        return _checkDepartment(kindBit(DepartmentKind.Bank) | kindBit(DepartmentKind.HousingProvidentFund));
    }

    /// @dev The single chokepoint of single and batch title registration.
    function _registerTitle(TitleInput calldata input) private returns (bool) {
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

    /// @dev Checks the owners and returns their shares packed for the header.
    function _checkOwners(bytes32 unit, Owner[] calldata owners) private pure returns (uint112 packed) {
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

    function _writeOwners(Title storage title, Owner[] calldata owners, uint112 shares) private {
        title.ownerCount = uint8(owners.length);
        title.shares = shares;
        for (uint256 i = 0; i < owners.length; ++i) {
            title.holders[i] = owners[i].holder;
        }
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

    function _requireRegistered(bytes32 unit) private view returns (Title storage title) {
        title = _titles[unit];
        if (title.status != TitleStatus.Registered) revert PropertyRegistryTitleNotRegistered(unit);
    }

    function _certificateDigest(bytes32 unit, bytes32 documents, uint32 version) private view returns (bytes32) {
        return keccak256(abi.encode(address(this), unit, documents, version));
    }

    function _issue(bytes32 unit, bytes32 documents, uint32 version) private returns (bytes32 certificate) {
        certificate = _certificateDigest(unit, documents, version);
        _certificates[certificate] = Certificate(bytes28(unit), uint32(block.timestamp));
    }

    function _verify(bytes32 certificate) private view returns (CertificateView memory info) {
        Certificate storage record = _certificates[certificate];
        if (record.issuedAt == 0) return info;
        info.unit = bytes32(record.unit);
        info.issuedAt = record.issuedAt;
        info.revocationReason = _revocations[certificate];
        Title storage title = _titles[info.unit];
        if (info.revocationReason != 0) {
            info.state = CertificateState.Revoked;
        } else if (
            title.status == TitleStatus.Registered
                && _certificateDigest(info.unit, title.documents, title.version) == certificate
        ) {
            info.state = CertificateState.Valid;
        } else {
            info.state = CertificateState.Superseded;
        }
    }

    /// @dev Cancels a registered title that is not frozen and carries no mortgage, revoking
    /// its certificate unless revoked already. The chokepoint of cancel, split and merge.
    function _retire(bytes32 unit, bytes32 documents, bytes32 reasonCode) private {
        Title storage title = _requireRegistered(unit);
        _requireNotFrozen(unit);
        if (_encumbrances[unit].mortgages.length != 0) revert PropertyRegistryTitleEncumbered(unit);
        bytes32 certificate = _certificateDigest(unit, title.documents, title.version);
        title.status = TitleStatus.Cancelled;
        title.updatedAt = uint40(block.timestamp);
        emit TitleCancelled(unit, certificate, documents, reasonCode);
        if (_revocations[certificate] == 0) {
            _revocations[certificate] = reasonCode;
            emit CertificateRevoked(unit, certificate, reasonCode);
        }
    }

    /// @dev Reverts unless the title may pass to `owners`; fulfils an advance notice held by them.
    function _checkTransfer(bytes32 unit, Owner[] calldata owners) private {
        _requireNotFrozen(unit);
        Encumbrances storage enc = _encumbrances[unit];
        Mortgage[] storage mortgages = enc.mortgages;
        for (uint256 i = 0; i < mortgages.length; ++i) {
            if (mortgages[i].noTransfer) revert PropertyRegistryNoTransferAgreement(unit, mortgages[i].proof);
        }
        Notice storage notice = enc.advanceNotice;
        if (_isEffective(notice, ADVANCE_NOTICE_LIFETIME)) {
            bytes32 holder = notice.holder;
            if (owners.length != 1 || owners[0].holder != holder) {
                revert PropertyRegistryAdvanceNoticeHeld(unit, holder);
            }
            delete enc.advanceNotice;
            emit NoticeRemoved(unit, NoticeKind.AdvanceNotice, holder);
        }
    }

    /// @dev Art. 406: one {MortgageeNotified} per mortgagee department, in rank order.
    function _notifyMortgagees(bytes32 unit, bytes32 certificate) private {
        Mortgage[] storage mortgages = _encumbrances[unit].mortgages;
        for (uint256 i = 0; i < mortgages.length; ++i) {
            bytes32 lender = mortgages[i].lender;
            bool seen = false;
            for (uint256 j = 0; j < i && !seen; ++j) {
                seen = mortgages[j].lender == lender;
            }
            if (!seen) emit MortgageeNotified(unit, lender, certificate);
        }
    }

    // ---- internals: notices ----------------------------------------------------------------

    function _notice(bytes32 unit, NoticeKind kind) private view returns (Notice storage, uint40 lifetime) {
        Encumbrances storage enc = _encumbrances[unit];
        if (kind == NoticeKind.AdvanceNotice) return (enc.advanceNotice, ADVANCE_NOTICE_LIFETIME);
        return (enc.objection, OBJECTION_LIFETIME);
    }

    function _isEffective(Notice storage notice, uint40 lifetime) private view returns (bool) {
        uint256 since = notice.registeredAt;
        return since != 0 && block.timestamp < since + lifetime;
    }

    function _noticeView(Notice storage notice, uint40 lifetime) private view returns (NoticeView memory info) {
        if (_isEffective(notice, lifetime)) {
            info = NoticeView(notice.holder, notice.documents, notice.registeredAt, notice.registeredAt + lifetime);
        }
    }

    // ---- internals: mortgages --------------------------------------------------------------

    /// @dev The single chokepoint of single and batch mortgage registration.
    function _registerMortgage(bytes32 lender, MortgageInput calldata input) private returns (bool) {
        bytes32 unit = input.unit;
        bytes32 proof = input.proof;
        _requireRegistered(unit);
        if (proof == 0 || input.amount == 0 || input.termEnd <= block.timestamp) {
            revert PropertyRegistryInvalidMortgage(unit, proof);
        }
        Encumbrances storage enc = _encumbrances[unit];
        Mortgage[] storage mortgages = enc.mortgages;
        (bool found, uint256 index) = _findMortgage(mortgages, proof);
        if (found) {
            Mortgage storage stored = mortgages[index];
            if (
                stored.lender == lender && stored.amount == input.amount && stored.termEnd == input.termEnd
                    && stored.noTransfer == input.noTransfer
            ) return false;
            revert PropertyRegistryMortgageConflict(unit, proof);
        }
        _requireNotFrozen(unit);
        if (mortgages.length >= MAX_MORTGAGES) revert PropertyRegistryQueueFull(unit);
        uint32 sequence = enc.mortgageSequence + 1;
        enc.mortgageSequence = sequence;
        mortgages.push(
            Mortgage(lender, proof, input.amount, input.termEnd, uint40(block.timestamp), sequence, input.noTransfer)
        );
        emit MortgageRegistered(unit, lender, proof, input.amount, input.termEnd, input.noTransfer, sequence);
        return true;
    }

    function _findMortgage(Mortgage[] storage mortgages, bytes32 proof) private view returns (bool, uint256) {
        for (uint256 i = 0; i < mortgages.length; ++i) {
            if (mortgages[i].proof == proof) return (true, i);
        }
        return (false, 0);
    }

    // ---- internals: seizures ---------------------------------------------------------------

    /// @dev The index of the first seizure still running, and when it took effect.
    function _liveSeizures(Encumbrances storage enc) private view returns (uint256 first, uint256 since) {
        Seizure[] storage queue = enc.seizures;
        since = enc.seizuresSince;
        for (; first < queue.length; ++first) {
            uint256 end = since + queue[first].term;
            if (end > block.timestamp) break;
            since = end;
        }
    }

    function _requireNotFrozen(bytes32 unit) private view {
        Encumbrances storage enc = _encumbrances[unit];
        (uint256 first,) = _liveSeizures(enc);
        if (first < enc.seizures.length) revert PropertyRegistryTitleFrozen(unit, enc.seizures[first].order);
    }

    /// @dev Drops the lapsed seizures at the head of the queue, emitting {SeizureLapsed}.
    function _settleSeizures(bytes32 unit, Encumbrances storage enc) private {
        (uint256 first, uint256 since) = _liveSeizures(enc);
        if (first == 0) return;
        Seizure[] storage queue = enc.seizures;
        uint256 end = enc.seizuresSince;
        for (uint256 i = 0; i < first; ++i) {
            end += queue[i].term;
            emit SeizureLapsed(unit, queue[i].court, queue[i].order, uint40(end));
        }
        uint256 length = queue.length;
        for (uint256 i = first; i < length; ++i) {
            queue[i - first] = queue[i];
        }
        for (uint256 i = 0; i < first; ++i) {
            queue.pop();
        }
        enc.seizuresSince = uint40(since);
    }

    function _findSeizure(Seizure[] storage queue, bytes32 order) private view returns (bool, uint256) {
        for (uint256 i = 0; i < queue.length; ++i) {
            if (queue[i].order == order) return (true, i);
        }
        return (false, 0);
    }

    function _ownSeizure(bytes32 unit, Seizure[] storage queue, bytes32 order, bytes32 court)
        private
        view
        returns (uint256 index)
    {
        bool found;
        (found, index) = _findSeizure(queue, order);
        if (!found) revert PropertyRegistryUnknownSeizure(unit, order);
        if (queue[index].court != court) revert PropertyRegistryNotSeizingCourt(unit, order, court);
    }

    function _seizureViews(Encumbrances storage enc) private view returns (SeizureView[] memory views) {
        Seizure[] storage queue = enc.seizures;
        (uint256 first, uint256 since) = _liveSeizures(enc);
        views = new SeizureView[](queue.length - first);
        for (uint256 i = first; i < queue.length; ++i) {
            Seizure storage s = queue[i];
            SeizureView memory v = views[i - first];
            v.court = s.court;
            v.order = s.order;
            v.registeredAt = s.registeredAt;
            v.term = s.term;
            if (i == first) {
                v.effective = true;
                v.effectiveFrom = uint40(since);
                v.endsAt = uint40(since + s.term);
            }
        }
    }
}

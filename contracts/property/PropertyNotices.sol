// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {IPropertyRegistry, NoticeKind, TitleStatus} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyTitles, TitleChange} from "./PropertyTitles.sol";

/**
 * @dev Notices on a unit.
 *
 * The advance notice (预告登记, Civil Code Art. 221) may stand on a unit that has no title yet
 * (a pre-sale flat) and may have several holders (a couple buying together). While it stands,
 * no disposal — transfer, mortgage, cancellation, split, merge, judicial sale — passes without
 * the holders' consent, which the registration centre records beforehand ({consentToDisposal})
 * and the next disposal uses up; a transfer to exactly its holders fulfils and removes it. It
 * lapses 90 days after the day the main registration became possible: the day the registration
 * centre set, else the later of the title's first registration and the notice's own; while the
 * unit has no title and no day is set, it stands.
 *
 * The objection (异议登记, Art. 220) warns and blocks nothing; it lapses 15 days after its
 * registration unless the objector's suit is recorded (by a court or the registration centre),
 * and then stands until removed. Lapses follow `block.timestamp`; no keeper.
 */
abstract contract PropertyNotices is PropertyTitles {
    /// @notice An advance notice lapses 90 days after the main registration became possible.
    uint40 public constant ADVANCE_NOTICE_LIFETIME = 90 days;
    /// @notice An objection without a recorded suit lapses 15 days after its registration.
    uint40 public constant OBJECTION_LIFETIME = 15 days;
    /// @notice Holders of one advance notice.
    uint256 public constant MAX_NOTICE_HOLDERS = 7;

    /// @dev `consent`: the holders' consent to the next disposal, recorded by the registration
    /// centre; `possibleSince`: the day the main registration became possible, zero until set.
    struct AdvanceNotice {
        bytes32[] holders;
        bytes32 documents;
        bytes32 consent;
        uint40 registeredAt;
        uint40 possibleSince;
    }

    struct Objection {
        bytes32 holder;
        bytes32 documents;
        bytes32 suit;
        uint40 registeredAt;
    }

    mapping(bytes32 unit => AdvanceNotice) private _advanceNotices;
    mapping(bytes32 unit => Objection) private _objections;

    /// @inheritdoc IPropertyRegistry
    function registerNotice(bytes32 unit, NoticeKind kind, bytes32 holder, bytes32 documents)
        external
        returns (bool registered)
    {
        _checkRegistrar();
        if (kind == NoticeKind.None || holder == 0) revert PropertyRegistryInvalidNotice(unit);
        if (kind == NoticeKind.AdvanceNotice) {
            bytes32[] memory holders = new bytes32[](1);
            holders[0] = holder;
            return _registerAdvanceNotice(unit, holders, documents);
        }
        _requireRegistered(unit);
        if (documents == 0) revert PropertyRegistryInvalidNotice(unit);
        Objection storage objection = _objections[unit];
        if (_objectionStands(objection)) {
            if (objection.holder == holder && objection.documents == documents) return false;
            revert PropertyRegistryNoticeConflict(unit, kind);
        }
        _objections[unit] = Objection(holder, documents, 0, uint40(block.timestamp));
        emit NoticeRegistered(unit, kind, holder, documents, uint40(block.timestamp) + OBJECTION_LIFETIME);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function registerAdvanceNotice(bytes32 unit, bytes32[] calldata holders, bytes32 documents)
        external
        returns (bool registered)
    {
        _checkRegistrar();
        return _registerAdvanceNotice(unit, holders, documents);
    }

    /// @inheritdoc IPropertyRegistry
    function setRegistrationPossibleSince(bytes32 unit, uint40 since) external returns (bool set) {
        _checkRegistrar();
        AdvanceNotice storage notice = _advanceNotices[unit];
        if (!_advanceNoticeStands(unit, notice)) revert PropertyRegistryUnknownNotice(unit, NoticeKind.AdvanceNotice);
        if (since == 0 || since > block.timestamp) revert PropertyRegistryInvalidNotice(unit);
        if (notice.possibleSince == since) return false;
        notice.possibleSince = since;
        emit AdvanceNoticeLapseSet(unit, since, since + ADVANCE_NOTICE_LIFETIME);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function consentToDisposal(bytes32 unit, bytes32 consent) external returns (bool recorded) {
        _checkRegistrar();
        AdvanceNotice storage notice = _advanceNotices[unit];
        if (!_advanceNoticeStands(unit, notice)) revert PropertyRegistryUnknownNotice(unit, NoticeKind.AdvanceNotice);
        if (consent == 0) revert PropertyRegistryInvalidNotice(unit);
        if (notice.consent == consent) return false;
        notice.consent = consent;
        emit AdvanceNoticeConsentRecorded(unit, consent);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function recordObjectionSuit(bytes32 unit, bytes32 suit) external returns (bool recorded) {
        (bytes32 department,) =
            _checkDepartment(kindBit(DepartmentKind.Court) | kindBit(DepartmentKind.RealEstateRegistration));
        Objection storage objection = _objections[unit];
        if (!_objectionStands(objection)) revert PropertyRegistryUnknownNotice(unit, NoticeKind.Objection);
        if (suit == 0) revert PropertyRegistryInvalidNotice(unit);
        if (objection.suit == suit) return false;
        if (objection.suit != 0) revert PropertyRegistryNoticeConflict(unit, NoticeKind.Objection);
        objection.suit = suit;
        emit ObjectionSuitRecorded(unit, objection.holder, suit, department);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function removeNotice(bytes32 unit, NoticeKind kind) external {
        _checkRegistrar();
        if (kind == NoticeKind.AdvanceNotice && _advanceNoticeStands(unit, _advanceNotices[unit])) {
            bytes32 holder = _advanceNotices[unit].holders[0];
            delete _advanceNotices[unit];
            emit NoticeRemoved(unit, kind, holder);
        } else if (kind == NoticeKind.Objection && _objectionStands(_objections[unit])) {
            bytes32 holder = _objections[unit].holder;
            delete _objections[unit];
            emit NoticeRemoved(unit, kind, holder);
        } else {
            revert PropertyRegistryUnknownNotice(unit, kind);
        }
    }

    // ---- hooks ------------------------------------------------------------------------------

    /// @dev Art. 221: while an advance notice stands, a disposal needs the holders' recorded
    /// consent (used up by it); a transfer to exactly the holders fulfils the notice instead.
    function _beforeTitleChange(bytes32 unit, TitleChange change, Owner[] memory to, bytes32 authority)
        internal
        virtual
        override
    {
        AdvanceNotice storage notice = _advanceNotices[unit];
        if (_advanceNoticeStands(unit, notice)) {
            if (change == TitleChange.Transfer && _sameHolders(notice.holders, to)) {
                bytes32 holder = notice.holders[0];
                delete _advanceNotices[unit];
                emit NoticeRemoved(unit, NoticeKind.AdvanceNotice, holder);
            } else if (notice.consent != 0) {
                delete notice.consent;
            } else {
                revert PropertyRegistryAdvanceNoticeHeld(unit);
            }
        }
        super._beforeTitleChange(unit, change, to, authority);
    }

    // ---- internals ----------------------------------------------------------------------------

    function _registerAdvanceNotice(bytes32 unit, bytes32[] memory holders, bytes32 documents) private returns (bool) {
        _requireKnownUnit(unit);
        uint256 count = holders.length;
        if (documents == 0 || count == 0 || count > MAX_NOTICE_HOLDERS) revert PropertyRegistryInvalidNotice(unit);
        for (uint256 i = 0; i < count; ++i) {
            if (holders[i] == 0) revert PropertyRegistryInvalidNotice(unit);
            for (uint256 j = 0; j < i; ++j) {
                if (holders[j] == holders[i]) revert PropertyRegistryInvalidNotice(unit);
            }
        }
        AdvanceNotice storage notice = _advanceNotices[unit];
        if (_advanceNoticeStands(unit, notice)) {
            if (notice.documents == documents && _sameList(notice.holders, holders)) return false;
            revert PropertyRegistryNoticeConflict(unit, NoticeKind.AdvanceNotice);
        }
        delete _advanceNotices[unit];
        notice.holders = holders;
        notice.documents = documents;
        notice.registeredAt = uint40(block.timestamp);
        emit NoticeRegistered(unit, NoticeKind.AdvanceNotice, holders[0], documents, _advanceNoticeLapse(unit, notice));
        emit AdvanceNoticeHolders(unit, holders);
        return true;
    }

    /// @dev When the advance notice lapses; zero while it stands with no day of possible registration.
    function _advanceNoticeLapse(bytes32 unit, AdvanceNotice storage notice) private view returns (uint40) {
        uint256 possible = notice.possibleSince;
        if (possible == 0) {
            Title storage title = _title(unit);
            if (title.status == TitleStatus.None) return 0;
            possible = title.registeredAt > notice.registeredAt ? title.registeredAt : notice.registeredAt;
        }
        return uint40(possible + ADVANCE_NOTICE_LIFETIME);
    }

    function _advanceNoticeStands(bytes32 unit, AdvanceNotice storage notice) private view returns (bool) {
        if (notice.registeredAt == 0) return false;
        uint256 lapse = _advanceNoticeLapse(unit, notice);
        return lapse == 0 || block.timestamp < lapse;
    }

    function _objectionStands(Objection storage objection) private view returns (bool) {
        uint256 since = objection.registeredAt;
        return since != 0 && (objection.suit != 0 || block.timestamp < since + OBJECTION_LIFETIME);
    }

    function _sameList(bytes32[] storage stored, bytes32[] memory given) private view returns (bool) {
        if (stored.length != given.length) return false;
        for (uint256 i = 0; i < given.length; ++i) {
            if (stored[i] != given[i]) return false;
        }
        return true;
    }

    /// @dev Whether `to` are exactly the notice's holders, in any order.
    function _sameHolders(bytes32[] storage holders, Owner[] memory to) private view returns (bool) {
        if (holders.length != to.length) return false;
        for (uint256 i = 0; i < to.length; ++i) {
            bool found = false;
            for (uint256 j = 0; j < holders.length && !found; ++j) {
                found = holders[j] == to[i].holder;
            }
            if (!found) return false;
        }
        return true;
    }

    function _hasAdvanceNotice(bytes32 unit) internal view returns (bool) {
        return _advanceNoticeStands(unit, _advanceNotices[unit]);
    }

    function _noticeViews(bytes32 unit) internal view returns (NoticeView memory advance, NoticeView memory objection) {
        AdvanceNotice storage notice = _advanceNotices[unit];
        if (_advanceNoticeStands(unit, notice)) {
            advance.holder = notice.holders[0];
            advance.holders = notice.holders;
            advance.documents = notice.documents;
            advance.registeredAt = notice.registeredAt;
            advance.lapsesAt = _advanceNoticeLapse(unit, notice);
            advance.consent = notice.consent;
        }
        Objection storage stored = _objections[unit];
        if (_objectionStands(stored)) {
            objection.holder = stored.holder;
            objection.documents = stored.documents;
            objection.registeredAt = stored.registeredAt;
            objection.lapsesAt = stored.suit == 0 ? stored.registeredAt + OBJECTION_LIFETIME : 0;
            objection.suit = stored.suit;
        }
    }
}

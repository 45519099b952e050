// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPropertyRegistry, NoticeKind} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyTitles, TitleChange} from "./PropertyTitles.sol";

/**
 * @dev Notices on a title: the advance notice (预告登记, Civil Code Art. 221), which holds
 * any transfer except to its holder, and the objection (异议登记, Art. 220), which warns
 * and blocks nothing. Lapses follow `block.timestamp`; no keeper.
 */
abstract contract PropertyNotices is PropertyTitles {
    /// @notice An advance notice lapses 90 days after registration; an objection after 15 days.
    uint40 public constant ADVANCE_NOTICE_LIFETIME = 90 days;
    uint40 public constant OBJECTION_LIFETIME = 15 days;

    struct Notice {
        bytes32 holder;
        bytes32 documents;
        uint40 registeredAt;
    }

    struct Notices {
        Notice advanceNotice;
        Notice objection;
    }

    mapping(bytes32 unit => Notices) private _notices;

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

    /// @dev An effective advance notice holds a transfer except to its holder alone, which
    /// fulfils and removes it.
    function _beforeTitleChange(bytes32 unit, TitleChange change, Owner[] memory to, bytes32 authority)
        internal
        virtual
        override
    {
        Notice storage notice = _notices[unit].advanceNotice;
        if (
            (change == TitleChange.Transfer || change == TitleChange.JudicialSale)
                && _isEffective(notice, ADVANCE_NOTICE_LIFETIME)
        ) {
            bytes32 holder = notice.holder;
            if (change != TitleChange.Transfer || to.length != 1 || to[0].holder != holder) {
                revert PropertyRegistryAdvanceNoticeHeld(unit, holder);
            }
            delete _notices[unit].advanceNotice;
            emit NoticeRemoved(unit, NoticeKind.AdvanceNotice, holder);
        }
        super._beforeTitleChange(unit, change, to, authority);
    }

    function _hasAdvanceNotice(bytes32 unit) internal view returns (bool) {
        return _isEffective(_notices[unit].advanceNotice, ADVANCE_NOTICE_LIFETIME);
    }

    function _noticeViews(bytes32 unit) internal view returns (NoticeView memory advance, NoticeView memory objection) {
        Notices storage notices = _notices[unit];
        advance = _noticeView(notices.advanceNotice, ADVANCE_NOTICE_LIFETIME);
        objection = _noticeView(notices.objection, OBJECTION_LIFETIME);
    }

    function _notice(bytes32 unit, NoticeKind kind) private view returns (Notice storage, uint40 lifetime) {
        Notices storage notices = _notices[unit];
        if (kind == NoticeKind.AdvanceNotice) return (notices.advanceNotice, ADVANCE_NOTICE_LIFETIME);
        return (notices.objection, OBJECTION_LIFETIME);
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
}

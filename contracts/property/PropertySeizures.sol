// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPropertyRegistry} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyTitles, TitleChange} from "./PropertyTitles.sol";

/**
 * @dev Court seizures (查封) of titles. The first live seizure is effective and freezes the
 * title; later ones queue (轮候查封) and take effect in order when the earlier one is lifted
 * or lapses, each term counted from then: SPC Provisions on Seizure, Impoundment and Freezing
 * of Property in Civil Enforcement (法释〔2004〕15号, amended 2020), Art. 26 (Art. 28 before
 * 2021): any other court may queue on a seized property, and when the seizure is lifted the
 * queued one registered first takes effect at once; the queue is kept in the order the
 * courts' notices reached the registry (SPC, MLR and MOC notice 法发〔2004〕5号, Art. 20).
 * A registry records every court's order: the queue is a doubly linked list in storage with
 * no bound.
 *
 * Lapses need no keeper: the queue's head took effect at `since`, each seizure runs its term
 * after the previous one ends; reads walk the queue against `block.timestamp`, and writes drop
 * the lapsed head entries (emitting {SeizureLapsed}). A lifted, lapsed or cleared order is
 * spent on its unit and can never seize it again (an oracle's resend would re-freeze it).
 */
abstract contract PropertySeizures is PropertyTitles {
    /// @notice A seizure term, and each renewed term, is at most three years (SPC
    /// interpretation of the Civil Procedure Law, Art. 485).
    uint40 public constant MAX_SEIZURE_TERM = 3 * 365 days;

    /// @dev A seizure: a node of its unit's queue keyed by order. `term` as ordered,
    /// `extension` the sum of its renewals. The last three fields fit into a single slot.
    struct Seizure {
        bytes32 court;
        bytes32 previous;
        bytes32 next;
        uint40 registeredAt;
        uint40 term;
        uint40 extension;
    }

    /// @dev The live seizures of a unit, head first; the head took effect at `since`.
    struct Queue {
        bytes32 head;
        bytes32 tail;
        uint40 since;
        uint64 length;
    }

    mapping(bytes32 unit => Queue) private _queues;
    mapping(bytes32 unit => mapping(bytes32 order => Seizure)) private _seizures;
    mapping(bytes32 unit => mapping(bytes32 order => bool)) private _spentOrders;

    /// @inheritdoc IPropertyRegistry
    function seize(bytes32 unit, bytes32 order, uint40 term) external returns (bool seized) {
        bytes32 court = _checkCourt();
        _requireRegistered(unit);
        if (order == 0 || term == 0 || term > MAX_SEIZURE_TERM) revert PropertyRegistryInvalidSeizure(unit, order, term);
        _settleSeizures(unit);
        if (_spentOrders[unit][order]) revert PropertyRegistrySeizureSpent(unit, order);
        Seizure storage seizure = _seizures[unit][order];
        if (seizure.court != 0) {
            if (seizure.court == court && seizure.term == term) return false;
            revert PropertyRegistrySeizureConflict(unit, order);
        }
        Queue storage queue = _queues[unit];
        uint256 position = queue.length;
        bytes32 tail = queue.tail;
        if (tail == 0) {
            queue.head = order;
            queue.since = uint40(block.timestamp);
        } else {
            _seizures[unit][tail].next = order;
            seizure.previous = tail;
        }
        queue.tail = order;
        queue.length = uint64(position + 1);
        seizure.court = court;
        seizure.registeredAt = uint40(block.timestamp);
        seizure.term = term;
        emit TitleSeized(unit, court, order, term, position);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function renewSeizure(bytes32 unit, bytes32 order, uint40 term) external {
        bytes32 court = _checkCourt();
        if (term == 0 || term > MAX_SEIZURE_TERM) revert PropertyRegistryInvalidSeizure(unit, order, term);
        _settleSeizures(unit);
        Seizure storage seizure = _ownSeizure(unit, order, court);
        // Continues from the current expiry: the seizure's whole duration grows by `term`.
        seizure.extension += term;
        emit SeizureRenewed(unit, court, order, term);
    }

    /// @inheritdoc IPropertyRegistry
    function liftSeizure(bytes32 unit, bytes32 order) external {
        bytes32 court = _checkCourt();
        _settleSeizures(unit);
        _ownSeizure(unit, order, court);
        Queue storage queue = _queues[unit];
        if (queue.head == order) queue.since = uint40(block.timestamp);
        _unlink(unit, order);
        emit SeizureLifted(unit, court, order);
    }

    // ---- hooks ------------------------------------------------------------------------------

    /// @dev An effective seizure freezes every disposal but a judicial sale, which only the
    /// court of the effective seizure orders and which lifts every seizure (SPC rules on
    /// auction and sale in civil enforcement, Arts. 28–29), each court told by {SeizureLifted}.
    function _beforeTitleChange(bytes32 unit, TitleChange change, Owner[] memory to, bytes32 authority)
        internal
        virtual
        override
    {
        (bytes32 effective,,) = _liveSeizures(unit);
        if (change != TitleChange.JudicialSale) {
            if (effective != 0) revert PropertyRegistryTitleFrozen(unit, effective);
        } else {
            _clearSeizures(unit, effective, authority);
        }
        super._beforeTitleChange(unit, change, to, authority);
    }

    /// @dev Lifts every seizure of `unit` for a judicial sale ordered by `court`, which must
    /// hold the effective seizure `effective`.
    function _clearSeizures(bytes32 unit, bytes32 effective, bytes32 court) private {
        if (effective == 0) revert PropertyRegistryTitleNotSeized(unit);
        if (_seizures[unit][effective].court != court) {
            revert PropertyRegistryNotSeizingCourt(unit, effective, court);
        }
        _settleSeizures(unit);
        for (bytes32 order = effective; order != 0;) {
            Seizure storage seizure = _seizures[unit][order];
            bytes32 next = seizure.next;
            emit SeizureLifted(unit, seizure.court, order);
            _spentOrders[unit][order] = true;
            delete _seizures[unit][order];
            order = next;
        }
        delete _queues[unit];
    }

    // ---- internals ----------------------------------------------------------------------------

    /// @dev The first seizure still running, when it took effect, and how many lapsed before it.
    function _liveSeizures(bytes32 unit) internal view returns (bytes32 order, uint256 since, uint256 lapsed) {
        Queue storage queue = _queues[unit];
        order = queue.head;
        since = queue.since;
        while (order != 0) {
            Seizure storage seizure = _seizures[unit][order];
            uint256 end = since + seizure.term + seizure.extension;
            if (end > block.timestamp) break;
            since = end;
            order = seizure.next;
            ++lapsed;
        }
    }

    /// @dev Drops the lapsed seizures at the head of the queue, emitting {SeizureLapsed}.
    function _settleSeizures(bytes32 unit) private {
        Queue storage queue = _queues[unit];
        bytes32 order = queue.head;
        uint256 end = queue.since;
        uint256 lapsed = 0;
        while (order != 0) {
            Seizure storage seizure = _seizures[unit][order];
            uint256 seizureEnd = end + seizure.term + seizure.extension;
            if (seizureEnd > block.timestamp) break;
            end = seizureEnd;
            emit SeizureLapsed(unit, seizure.court, order, uint40(end));
            _spentOrders[unit][order] = true;
            bytes32 next = seizure.next;
            delete _seizures[unit][order];
            order = next;
            ++lapsed;
        }
        if (lapsed == 0) return;
        queue.head = order;
        queue.since = uint40(end);
        queue.length -= uint64(lapsed);
        if (order == 0) queue.tail = 0;
        else _seizures[unit][order].previous = 0;
    }

    function _unlink(bytes32 unit, bytes32 order) private {
        Queue storage queue = _queues[unit];
        Seizure storage seizure = _seizures[unit][order];
        bytes32 previous = seizure.previous;
        bytes32 next = seizure.next;
        if (previous == 0) queue.head = next;
        else _seizures[unit][previous].next = next;
        if (next == 0) queue.tail = previous;
        else _seizures[unit][next].previous = previous;
        queue.length -= 1;
        _spentOrders[unit][order] = true;
        delete _seizures[unit][order];
    }

    /// @dev The live seizure `order` of `court` on `unit`, after settling lapses.
    function _ownSeizure(bytes32 unit, bytes32 order, bytes32 court) private view returns (Seizure storage seizure) {
        seizure = _seizures[unit][order];
        if (seizure.court == 0) {
            if (_spentOrders[unit][order]) revert PropertyRegistrySeizureSpent(unit, order);
            revert PropertyRegistryUnknownSeizure(unit, order);
        }
        if (seizure.court != court) revert PropertyRegistryNotSeizingCourt(unit, order, court);
    }

    function _isFrozen(bytes32 unit) internal view returns (bool) {
        (bytes32 effective,,) = _liveSeizures(unit);
        return effective != 0;
    }

    function _isSpentOrder(bytes32 unit, bytes32 order) internal view returns (bool) {
        return _spentOrders[unit][order];
    }

    function _seizureView(bytes32 unit, bytes32 order, bool effective, uint256 since)
        private
        view
        returns (SeizureView memory v)
    {
        Seizure storage s = _seizures[unit][order];
        v.court = s.court;
        v.order = order;
        v.registeredAt = s.registeredAt;
        v.term = s.term + s.extension;
        if (effective) {
            v.effective = true;
            v.effectiveFrom = uint40(since);
            v.endsAt = uint40(since + v.term);
        }
    }

    /// @dev The effective seizure and every queued one, in order (a queue of 轮候查封 is a
    /// handful of courts in practice: the view stays far below an `eth_call`'s gas), and how many queue.
    function _seizureViews(bytes32 unit) internal view returns (SeizureView[] memory views, uint256 queued) {
        (bytes32 order, uint256 since, uint256 lapsed) = _liveSeizures(unit);
        if (order == 0) return (views, 0);
        queued = _queues[unit].length - lapsed - 1;
        views = new SeizureView[](queued + 1);
        views[0] = _seizureView(unit, order, true, since);
        for (uint256 i = 1; i <= queued; ++i) {
            order = _seizures[unit][order].next;
            views[i] = _seizureView(unit, order, false, 0);
        }
    }
}

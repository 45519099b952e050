// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory} from "../../interfaces/ICityDirectory.sol";
import {IPropertyRegistry, TitleStatus, CertificateState} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyCertificates} from "./PropertyCertificates.sol";
import {PropertyTitles, TitleChange} from "./PropertyTitles.sol";
import {PropertyNotices} from "./PropertyNotices.sol";
import {PropertyMortgages} from "./PropertyMortgages.sol";
import {PropertySeizures} from "./PropertySeizures.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";

/**
 * @title PropertyRegistry
 * @notice The city's real-estate titles, mortgages, seizures, notices and electronic
 * certificates. See {IPropertyRegistry}.
 *
 * @dev One deployed contract built from abstract parts the way OpenZeppelin builds ERC721:
 * {PropertyCertificates} (department checks, certificates), {PropertyTitles} (titles and
 * their disposals), and the encumbrance extensions {PropertyNotices}, {PropertyMortgages}
 * and {PropertySeizures}, joined by the {PropertyTitles-_beforeTitleChange} hook that every
 * disposal passes through. Here: the joins and the one-call reads.
 *
 * {Multicall-multicall} runs many changes in one transaction, in order, each with its own
 * role guard, checks and events, all or nothing: a court's seizures, renewals and lifts, a
 * bank's releases, the registration centre's transfers go hundreds to a block instead of one,
 * and a refused one still reverts with its own typed error naming its title. (Its room came
 * from two reads: `titleOf` lists every queued seizure instead of paging them, and the unit-code
 * check has no external read; the registry is at the contract size limit.)
 */
contract PropertyRegistry is PropertyNotices, PropertyMortgages, PropertySeizures, Multicall {
    constructor(ICityDirectory directory_) PropertyCertificates(directory_) {}

    // ---- the city's administrators, by proposal -------------------------------------------

    /// @inheritdoc IPropertyRegistry
    function addCounty(bytes6 county) external onlyCityQuorum returns (bool added) {
        return _addCounty(county);
    }

    /// @inheritdoc IPropertyRegistry
    function titleOf(bytes32 unit) external view returns (TitleView memory view_) {
        view_ = _titleView(unit);
        // An advance notice may stand on a unit without a title (a pre-sale flat).
        (view_.advanceNotice, view_.objection) = _noticeViews(unit);
        if (view_.status == TitleStatus.None) return view_;
        view_.mortgages = _mortgageViews(unit);
        (view_.seizures, view_.queuedSeizureCount) = _seizureViews(unit);
    }

    /// @inheritdoc IPropertyRegistry
    function isTransferable(bytes32 unit) external view returns (bool) {
        if (_title(unit).status != TitleStatus.Registered) return false;
        return !_isFrozen(unit) && !_hasNoTransferAgreement(unit) && !_hasAdvanceNotice(unit);
    }

    /// @dev Seizures first (a frozen title says so before anything else), then mortgages, then notices.
    function _beforeTitleChange(bytes32 unit, TitleChange change, Owner[] memory to, bytes32 authority)
        internal
        override(PropertyNotices, PropertyMortgages, PropertySeizures)
    {
        super._beforeTitleChange(unit, change, to, authority);
    }

    function _afterTitleTransfer(bytes32 unit, bytes32 certificate)
        internal
        override(PropertyTitles, PropertyMortgages)
    {
        super._afterTitleTransfer(unit, certificate);
    }

    function _certificateState(bytes32 unit, bytes32 certificate)
        internal
        view
        override(PropertyTitles, PropertyMortgages)
        returns (CertificateState, bytes32)
    {
        return super._certificateState(unit, certificate);
    }
}

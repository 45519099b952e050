// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBiddingEligibility, BiddingBar} from "../../interfaces/IBiddingEligibility.sol";
import {ICompanyRegistry, CompanyStatus, TaxGrade} from "../../interfaces/ICompanyRegistry.sol";
import {ICreditLists, CreditListType} from "../../interfaces/ICreditLists.sol";

/**
 * @dev Bidding eligibility read from the company registry and the credit lists; no state,
 * no writers. See {IBiddingEligibility}.
 */
contract BiddingEligibility is IBiddingEligibility {
    /// @dev A live listing of list type `t` is bar `t + LIST_BAR_SHIFT` (DishonestJudgmentDebtor 1 → 3 … 4 → 6).
    uint256 private constant LIST_BAR_SHIFT = uint8(BiddingBar.DishonestJudgmentDebtor)
        - uint8(CreditListType.DishonestJudgmentDebtor);
    /// @dev The list types' bits in {ICreditLists-liveListTypesOf}: every list type but None.
    uint256 private constant LIST_TYPES = ((uint256(1) << (uint8(type(CreditListType).max) + 1)) - 1) & ~uint256(1);

    ICompanyRegistry private immutable _registry;
    ICreditLists private immutable _creditLists;

    constructor(ICompanyRegistry registry_) {
        _registry = registry_;
        _creditLists = registry_.creditLists();
    }

    /// @inheritdoc IBiddingEligibility
    function isEligibleForBidding(bytes18 uscc) external view returns (bool) {
        return biddingBarMaskOf(uscc) == 0;
    }

    /// @inheritdoc IBiddingEligibility
    function biddingBarsOf(bytes18 uscc) external view returns (BiddingBar[] memory bars) {
        uint256 mask = biddingBarMaskOf(uscc);
        uint256 last = uint8(type(BiddingBar).max);
        bars = new BiddingBar[](last);
        uint256 count;
        for (uint256 bar = 1; bar <= last; ++bar) {
            if (mask & (uint256(1) << bar) != 0) bars[count++] = BiddingBar(bar);
        }
        assembly ("memory-safe") {
            mstore(bars, count)
        }
    }

    /// @inheritdoc IBiddingEligibility
    function biddingBarMaskOf(bytes18 uscc) public view returns (uint256 mask) {
        CompanyStatus status = _registry.statusOf(uscc);
        if (status == CompanyStatus.None) {
            mask |= _bit(BiddingBar.NotRegistered);
        } else if (status != CompanyStatus.Existing) {
            mask |= _bit(BiddingBar.NotExisting);
        }
        // Every list bars (one bar per list); a person's listing is another subject and bars no company.
        mask |= (_creditLists.liveListTypesOf(bytes32(uscc)) & LIST_TYPES) << LIST_BAR_SHIFT;
        // The abnormal-operations list alone bars nothing; three years on it is the serious-violation list.
        if (_registry.seriousViolationSince(uscc) != 0) mask |= _bit(BiddingBar.AbnormalThreeYears);
        if (_registry.taxStatusOf(uscc).latestGrade == TaxGrade.D) mask |= _bit(BiddingBar.TaxGradeD);
    }

    /// @inheritdoc IBiddingEligibility
    function biddingBarsOfBatch(bytes18[] calldata usccs) external view returns (uint256[] memory masks) {
        masks = new uint256[](usccs.length);
        for (uint256 i = 0; i < usccs.length; ++i) {
            masks[i] = biddingBarMaskOf(usccs[i]);
        }
    }

    /// @inheritdoc IBiddingEligibility
    function registry() external view returns (ICompanyRegistry) {
        return _registry;
    }

    /// @inheritdoc IBiddingEligibility
    function creditLists() external view returns (ICreditLists) {
        return _creditLists;
    }

    function _bit(BiddingBar bar) private pure returns (uint256) {
        return uint256(1) << uint8(bar);
    }
}

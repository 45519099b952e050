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
    ICompanyRegistry private immutable _registry;
    ICreditLists private immutable _creditLists;

    constructor(ICompanyRegistry registry_) {
        _registry = registry_;
        _creditLists = registry_.creditLists();
    }

    /// @inheritdoc IBiddingEligibility
    function isEligibleForBidding(bytes18 uscc) external view returns (bool) {
        return biddingBarsOf(uscc).length == 0;
    }

    /// @inheritdoc IBiddingEligibility
    function biddingBarsOf(bytes18 uscc) public view returns (BiddingBar[] memory bars) {
        bars = new BiddingBar[](8);
        uint256 count;
        CompanyStatus status = _registry.statusOf(uscc);
        if (status == CompanyStatus.None) {
            bars[count++] = BiddingBar.NotRegistered;
        } else if (status != CompanyStatus.Active) {
            bars[count++] = BiddingBar.NotActive;
        }
        bytes32 subject = bytes32(uscc);
        if (_creditLists.isEffective(CreditListType.DishonestJudgmentDebtor, subject)) {
            bars[count++] = BiddingBar.DishonestJudgmentDebtor;
        }
        if (_creditLists.isEffective(CreditListType.MajorTaxViolation, subject)) {
            bars[count++] = BiddingBar.MajorTaxViolationListed;
        }
        if (_creditLists.isEffective(CreditListType.SeriousViolation, subject)) {
            bars[count++] = BiddingBar.SeriousViolation;
        }
        if (_creditLists.isEffective(CreditListType.ProcurementDishonesty, subject)) {
            bars[count++] = BiddingBar.ProcurementDishonesty;
        }
        ICompanyRegistry.TaxStatus memory tax = _registry.taxStatusOf(uscc);
        if (tax.latestGrade == TaxGrade.D) bars[count++] = BiddingBar.TaxGradeD;
        if (tax.majorViolation) bars[count++] = BiddingBar.MajorTaxViolationFlagged;
        assembly ("memory-safe") {
            mstore(bars, count)
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
}

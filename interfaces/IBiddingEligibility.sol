// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICompanyRegistry} from "./ICompanyRegistry.sol";
import {ICreditLists} from "./ICreditLists.sol";

/// @dev A reason that keeps a company out of government bidding. Append, never reorder.
enum BiddingBar {
    None,
    NotRegistered,
    NotActive, // abnormal operations, license revoked or deregistered
    DishonestJudgmentDebtor,
    MajorTaxViolationListed,
    SeriousViolation,
    ProcurementDishonesty,
    TaxGradeD,
    MajorTaxViolationFlagged
}

/**
 * @dev Whether a company may bid for government procurement, read from the company registry
 * and the credit lists at `block.timestamp`: a listing that expired stops counting without
 * any transaction.
 */
interface IBiddingEligibility {
    /**
     * @notice Whether the company may bid now: registered and Active, on no effective credit
     * listing, latest tax grade not D and not flagged for a major tax violation.
     */
    function isEligibleForBidding(bytes18 uscc) external view returns (bool);

    /// @notice Every reason that bars the company now, in {BiddingBar} order (empty when eligible).
    function biddingBarsOf(bytes18 uscc) external view returns (BiddingBar[] memory bars);

    /// @notice The registry read.
    function registry() external view returns (ICompanyRegistry);

    /// @notice The credit lists read.
    function creditLists() external view returns (ICreditLists);
}

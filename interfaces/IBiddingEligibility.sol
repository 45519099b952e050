// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICompanyRegistry} from "./ICompanyRegistry.sol";
import {ICreditLists} from "./ICreditLists.sol";

/**
 * @dev A reason that keeps a company out of government bidding. Mirrored by
 * `chaincity.chain.enums.BiddingBar`: append, never reorder.
 */
enum BiddingBar {
    None,
    NotRegistered, // never registered in the city
    NotExisting, // status other than Existing: suspended, license or registration revoked, moved out, deregistered
    DishonestJudgmentDebtor, // a live listing of the company (court)
    MajorTaxViolation, // a live listing of the company (tax bureau)
    SeriousViolation, // a live listing of the company (market regulation)
    ProcurementDishonesty, // a live listing of the company (finance)
    AbnormalThreeYears, // three years on the abnormal-operations list: serious violation, computed from time
    TaxGradeD // the latest graded year's grade, after corrections, is D
}

/**
 * @dev Whether a company may bid for government procurement, read from the company registry
 * and the credit lists at `block.timestamp`: a listing that expired stops counting without
 * any transaction. The procurement rules bar the lists; the abnormal-operations list alone
 * bars nothing, nor does a listing of a person.
 */
interface IBiddingEligibility {
    /// @notice Whether the company may bid now (no {BiddingBar}).
    function isEligibleForBidding(bytes18 uscc) external view returns (bool);

    /// @notice Every reason that bars the company now, in {BiddingBar} order (empty when eligible).
    function biddingBarsOf(bytes18 uscc) external view returns (BiddingBar[] memory bars);

    /// @notice The bars of the company now as a mask: bit `1 << uint8(bar)` per {BiddingBar} (0 when eligible).
    function biddingBarMaskOf(bytes18 uscc) external view returns (uint256 mask);

    /**
     * @notice {biddingBarMaskOf} for many bidders in one call, in their order. Sized for one
     * eth_call: measured 17,837 gas per bidder (registered, graded, listed once), so 500
     * bidders take ~8.9M gas and about 1,500 fit in 90% of Anvil's 30,000,000-gas call cap
     * (its block gas limit); each further listing of a bidder adds a few thousand gas.
     */
    function biddingBarsOfBatch(bytes18[] calldata usccs) external view returns (uint256[] memory masks);

    /// @notice The registry read.
    function registry() external view returns (ICompanyRegistry);

    /// @notice The credit lists read.
    function creditLists() external view returns (ICreditLists);
}

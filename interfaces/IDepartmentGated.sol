// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory} from "./ICityDirectory.sol";

/**
 * @dev A registry whose writers are departments of the city directory. Every registry asks
 * the same directory, so suspending a department, rotating its key or pausing the city
 * takes effect in all of them at once. City-level settings of a registry are made only by the
 * directory itself, running a proposal that k of n city administrators approved.
 */
interface IDepartmentGated {
    /**
     * @dev `account` does not sign for an active department of one of the allowed kinds
     * (bit `1 << kind` set in `allowedKinds`), or the city is paused.
     */
    error DepartmentUnauthorized(address account, uint256 allowedKinds);

    /**
     * @dev A city-level setting (voucher types, counties) may only be made by the directory,
     * that is by an executed k-of-n proposal of the city administrators targeting this
     * registry; `caller` is anyone else, an administrator alone included.
     */
    error DepartmentGatedOnlyByProposal(address caller);

    /// @notice The city directory this registry asks about departments.
    function directory() external view returns (ICityDirectory);
}

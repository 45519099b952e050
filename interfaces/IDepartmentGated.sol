// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory} from "./ICityDirectory.sol";

/**
 * @dev A registry whose writers are departments of the city directory. Every registry asks
 * the same directory, so suspending a department, rotating its key or pausing the city
 * takes effect in all of them at once.
 */
interface IDepartmentGated {
    /**
     * @dev `account` does not sign for an active department of one of the allowed kinds
     * (bit `1 << kind` set in `allowedKinds`), or the city is paused.
     */
    error DepartmentUnauthorized(address account, uint256 allowedKinds);

    /// @notice The city directory this registry asks about departments.
    function directory() external view returns (ICityDirectory);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UnitCode} from "../property/UnitCode.sol";

/// @dev Test double: the {UnitCode} check the registry applies to every new title, behind a
/// view call (the registry has no room for a read of its own: it is at the contract size limit).
contract UnitCodeHarness {
    /// @notice Whether `unit` is a well-formed GB/T 37346 unit code (county not checked).
    function isValid(bytes32 unit) external pure returns (bool) {
        return UnitCode.isValid(unit);
    }
}

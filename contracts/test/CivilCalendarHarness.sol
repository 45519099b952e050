// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CivilCalendar} from "../company/CivilCalendar.sol";

/// @dev Test double: the {CivilCalendar} library behind view calls, to test it against Python's datetime.
contract CivilCalendarHarness {
    /// @notice {CivilCalendar-yearOf} and {CivilCalendar-afterYears} of many timestamps in one call.
    function check(uint256[] calldata timestamps, uint256 count)
        external
        pure
        returns (uint256[] memory yearOf, uint256[] memory periodEnd)
    {
        yearOf = new uint256[](timestamps.length);
        periodEnd = new uint256[](timestamps.length);
        for (uint256 i = 0; i < timestamps.length; ++i) {
            yearOf[i] = CivilCalendar.yearOf(timestamps[i]);
            periodEnd[i] = CivilCalendar.afterYears(timestamps[i], count);
        }
    }
}

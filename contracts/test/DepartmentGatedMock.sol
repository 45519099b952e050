// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";

/// @dev Test double: a registry with one write per kind mask, to test {DepartmentGated}.
contract DepartmentGatedMock is DepartmentGated {
    event Written(bytes32 indexed departmentId, DepartmentKind kind);
    event SettingChanged(uint256 value);

    error DepartmentGatedMockInvalidSetting(uint256 value);

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    /// @notice A city-level setting: succeeds only as an executed directory proposal; zero is invalid.
    function setSetting(uint256 value) external onlyCityQuorum {
        if (value == 0) revert DepartmentGatedMockInvalidSetting(value);
        emit SettingChanged(value);
    }

    /// @notice Succeeds for an active court.
    function writeAsCourt() external onlyDepartment(DepartmentKind.Court) {
        emit Written(bytes32(0), DepartmentKind.Court);
    }

    /// @notice Succeeds for an active bank or housing provident fund.
    function writeAsLender() external {
        (bytes32 departmentId, DepartmentKind kind) =
            _checkDepartment(kindBit(DepartmentKind.Bank) | kindBit(DepartmentKind.HousingProvidentFund));
        emit Written(departmentId, kind);
    }
}

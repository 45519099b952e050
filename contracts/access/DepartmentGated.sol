// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {IDepartmentGated} from "../../interfaces/IDepartmentGated.sol";

/**
 * @dev Base for registries written by departments: `onlyDepartment(kind)` lets through the
 * signers of active departments of that kind, as the {CityDirectory} says at call time;
 * `onlyCityQuorum` lets through only the directory itself, that is an executed k-of-n
 * proposal of the city administrators targeting this (allow-listed) registry.
 *
 * This is the one home of the city-level permission checks: registries keep no copy of the
 * administrators' role, and {ALL_KINDS} is the one mask of every department kind.
 */
abstract contract DepartmentGated is IDepartmentGated {
    /// @dev Every department kind but None: bits 1 to `type(DepartmentKind).max`.
    uint256 internal constant ALL_KINDS =
        ((uint256(1) << (uint8(type(DepartmentKind).max) + 1)) - 1) & ~uint256(1);

    ICityDirectory private immutable _directory;

    modifier onlyDepartment(DepartmentKind kind) {
        _checkDepartment(kindBit(kind));
        _;
    }

    modifier onlyCityQuorum() {
        _checkCityQuorum();
        _;
    }

    constructor(ICityDirectory directory_) {
        _directory = directory_;
    }

    /// @inheritdoc IDepartmentGated
    function directory() public view returns (ICityDirectory) {
        return _directory;
    }

    /// @dev The bit of `kind` in an `allowedKinds` mask: `kindBit(Bank) | kindBit(HousingProvidentFund)`.
    function kindBit(DepartmentKind kind) internal pure returns (uint256) {
        return uint256(1) << uint8(kind);
    }

    /// @dev Reverts with {DepartmentGatedOnlyByProposal} unless the sender is the directory.
    function _checkCityQuorum() internal view {
        if (msg.sender != address(_directory)) revert DepartmentGatedOnlyByProposal(msg.sender);
    }

    /**
     * @dev Reverts with {DepartmentUnauthorized} unless the sender signs for an active
     * department whose kind is in `allowedKinds`; returns that department.
     */
    function _checkDepartment(uint256 allowedKinds) internal view returns (bytes32 departmentId, DepartmentKind kind) {
        (departmentId, kind) = _directory.activeDepartmentOf(msg.sender);
        if (kind == DepartmentKind.None || allowedKinds & kindBit(kind) == 0) {
            revert DepartmentUnauthorized(msg.sender, allowedKinds);
        }
    }
}

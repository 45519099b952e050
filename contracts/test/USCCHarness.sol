// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {USCCProblem} from "../../interfaces/IUSCC.sol";
import {USCC} from "../company/USCC.sol";

/// @dev Test double: the {USCC} library behind view calls, to test it against the Python validator.
contract USCCHarness {
    /// @notice The first rule `code` (any length) breaks; `None` for a valid code.
    function problemOf(bytes calldata code) external pure returns (USCCProblem) {
        return USCC.problemOf(code);
    }

    /// @notice The problems of many codes at once (fewer round trips in tests).
    function problemsOf(bytes[] calldata codes) external pure returns (USCCProblem[] memory problems) {
        problems = new USCCProblem[](codes.length);
        for (uint256 i = 0; i < codes.length; ++i) {
            problems[i] = USCC.problemOf(codes[i]);
        }
    }

    /// @notice The problems of many 18-byte codes at once.
    function problemsOfFixed(bytes18[] calldata codes) external pure returns (USCCProblem[] memory problems) {
        problems = new USCCProblem[](codes.length);
        for (uint256 i = 0; i < codes.length; ++i) {
            problems[i] = USCC.problemOf(codes[i]);
        }
    }

    /// @notice The first rule an 18-byte `code` breaks.
    function problemOfFixed(bytes18 code) external pure returns (USCCProblem) {
        return USCC.problemOf(code);
    }

    /// @notice The 18th character for `first17`; zero when a character is outside the charset.
    function checkCharacter(bytes17 first17) external pure returns (bytes1) {
        return USCC.checkCharacter(first17);
    }
}

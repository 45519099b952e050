// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Why a code is not a unified social credit code (GB 32100-2015), in the order the
 * checks run: length, charset (first bad position), the organisation-code check
 * (character 17 over characters 9-16), the check character (character 18).
 * Mirrored by `chaincity.formats.USCCProblem`: append, never reorder.
 */
enum USCCProblem {
    None,
    WrongLength,
    InvalidCharacter,
    OrganizationCodeMismatch,
    CheckCharacterMismatch
}

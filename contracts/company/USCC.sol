// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {USCCProblem} from "../../interfaces/IUSCC.sol";

/**
 * @dev Validation of the 18-character unified social credit code (GB 32100-2015), stored as
 * its ASCII bytes in a `bytes18`.
 *
 * - charset `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S, V, Z; uppercase only), a
 *   character's value being its index;
 * - characters 9-17 are a GB 11714 organisation code: character 17 is
 *   `11 - (sum of value × weight over characters 9-16) mod 11` with weights 3 7 9 10 5 8 4 2,
 *   digits 0-9 and letters A=10 … Z=35, written `X` for 10 and `0` for 11;
 * - character 18 is `(31 - sum(value(c[i]) × (3^i mod 31)) mod 31) mod 31` over i = 0..16.
 *
 * `chaincity.formats.uscc_problem` is the same algorithm in Python; the tests hold the two
 * to the same answer on every input they try.
 */
library USCC {
    bytes internal constant CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// @dev 5 bits per ASCII character from `0` (0x30) to `Y` (0x59): its value, or 31 outside the charset.
    uint256 private constant _VALUES = 0x3dde7f7afe717fdab49cbf183dcd62d5ffffffffd28398a418820;

    /// @dev The first rule `code` breaks, or `USCCProblem.None` for a valid code.
    function problemOf(bytes18 code) internal pure returns (USCCProblem) {
        uint256 word = uint144(code);
        uint256 weighted = 0;
        uint256 weight = 1; // 3^i mod 31
        unchecked {
            for (uint256 i = 0; i < 17; ++i) {
                (uint256 value, bool ok) = _value(uint8(word >> (8 * (17 - i))));
                if (!ok) return USCCProblem.InvalidCharacter;
                weighted += value * weight;
                weight = (weight * 3) % 31;
            }
        }
        (, bool lastOk) = _value(uint8(word));
        if (!lastOk) return USCCProblem.InvalidCharacter;
        if (code[16] != organizationCheckCharacter(code)) return USCCProblem.OrganizationCodeMismatch;
        if (code[17] != CHARSET[(31 - (weighted % 31)) % 31]) return USCCProblem.CheckCharacterMismatch;
        return USCCProblem.None;
    }

    /// @dev {problemOf} for a code of any length: `WrongLength` unless it has 18 bytes.
    function problemOf(bytes memory code) internal pure returns (USCCProblem) {
        if (code.length != 18) return USCCProblem.WrongLength;
        return problemOf(bytes18(code));
    }

    /// @dev Whether `code` is a valid unified social credit code.
    function isValid(bytes18 code) internal pure returns (bool) {
        return problemOf(code) == USCCProblem.None;
    }

    /**
     * @dev The 18th character of a code whose first 17 characters are `first17`; zero when
     * one of them is outside the charset.
     */
    function checkCharacter(bytes17 first17) internal pure returns (bytes1) {
        uint256 weighted = 0;
        uint256 weight = 1;
        for (uint256 i = 0; i < 17; ++i) {
            (uint256 value, bool ok) = valueOf(first17[i]);
            if (!ok) return 0;
            weighted += value * weight;
            weight = (weight * 3) % 31;
        }
        return CHARSET[(31 - (weighted % 31)) % 31];
    }

    /**
     * @dev The organisation-code check character over characters 9-16 of `code` (indices
     * 8-15), which must already be alphanumeric.
     */
    function organizationCheckCharacter(bytes18 code) internal pure returns (bytes1) {
        uint256 weights = 0x0307090a05080402; // 3 7 9 10 5 8 4 2, one per byte
        uint256 sum = 0;
        for (uint256 i = 0; i < 8; ++i) {
            uint8 c = uint8(code[8 + i]);
            uint256 value = c <= 0x39 ? c - 0x30 : c - 0x41 + 10;
            sum += value * ((weights >> (8 * (7 - i))) & 0xff);
        }
        uint256 check = 11 - (sum % 11);
        if (check == 10) return "X";
        if (check == 11) return "0";
        return bytes1(uint8(0x30 + check));
    }

    /// @dev The value of one character in the USCC charset; `ok` is false outside it.
    function valueOf(bytes1 char) internal pure returns (uint256 value, bool ok) {
        return _value(uint8(char));
    }

    function _value(uint8 c) private pure returns (uint256 value, bool ok) {
        if (c < 0x30 || c > 0x59) return (0, false);
        unchecked {
            value = (_VALUES >> ((uint256(c) - 0x30) * 5)) & 31;
        }
        if (value == 31) return (0, false);
        return (value, true);
    }
}

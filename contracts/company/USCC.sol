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
 * Every registration runs {problemOf}, so it is written for gas: one pass over the bytes of
 * the word, right to left, a charset lookup in a 256-bit constant (no memory), each sum reduced
 * once at the end, and the check characters verified rather than computed and compared:
 * - the weighted sum is accumulated by Horner's rule as sum(value(c[i]) × 3^i), congruent to the
 *   standard's sum modulo 31; character 18 is right exactly when that sum plus its own value is a
 *   multiple of 31;
 * - the GB 11714 weights 3 7 9 10 5 8 4 2 are 2^8 … 2^1 modulo 11, so the organisation sum is
 *   accumulated as sum(value(c[i]) × 2^(16 - i)); character 17 is right exactly when it is a
 *   digit, or `X` (10), whose value plus that sum is a multiple of 11 (`0` standing for 11).
 *
 * `chaincity.formats.uscc_problem` is the same algorithm in Python; the tests hold the two
 * to the same answer on every input they try.
 */
library USCC {
    /// @dev The charset in value order: 31 characters, a `bytes32` (indexing it copies nothing).
    bytes32 internal constant CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// @dev 5 bits per ASCII character from `0` (0x30) to `Y` (0x59): its value plus one, 0
    /// outside the charset. Bits past `Y` are 0, and so is every shift of 256 bits or more (a
    /// byte below `0` wraps to one), so a single lookup also rejects every other byte.
    uint256 private constant _VALUES_PLUS_ONE = 0x3fee839b06b3805ed5a4c128c1ee6b160000000014941cc520c41;

    /// @dev The first rule `code` breaks, or `USCCProblem.None` for a valid code.
    function problemOf(bytes18 code) internal pure returns (USCCProblem) {
        // Right to left, a byte at a time: character index k is the lowest byte after 17 - k shifts.
        uint256 word = uint144(code);
        uint256 checkPlusOne = _valuePlusOne(word & 0xff); // character 18
        if (checkPlusOne == 0) return USCCProblem.InvalidCharacter;
        uint256 weighted = 0; // sum of value(k) × 3^k over k = 0..16, by Horner's rule: < 2^31
        uint256 organization = 0; // sum of GB 11714 value(k) × 2^(16 - k) over k = 8..15: < 2^15
        // Both sums stay far below 2^256, and `k - 8` wraps on purpose (below): unchecked.
        unchecked {
            for (uint256 k = 17; k != 0;) {
                --k;
                word >>= 8;
                uint256 c = word & 0xff;
                uint256 valuePlusOne = _valuePlusOne(c);
                if (valuePlusOne == 0) return USCCProblem.InvalidCharacter;
                weighted = weighted * 3 + valuePlusOne - 1;
                // Indices 8-15 (k - 8 wraps above 7 for k < 8), valued A = 10 … Z = 35.
                if (k - 8 < 8) organization += (c < 0x3a ? c - 0x30 : c - 0x37) << (16 - k);
            }
        }
        // Character 17, in the charset by now (so at least `0`): a digit, or `X` for 10.
        uint256 check = uint8(code[16]);
        if (check >= 0x3a && check != 0x58) return USCCProblem.OrganizationCodeMismatch;
        if ((organization + (check == 0x58 ? 10 : check - 0x30)) % 11 != 0) {
            return USCCProblem.OrganizationCodeMismatch;
        }
        if ((weighted + checkPlusOne - 1) % 31 != 0) return USCCProblem.CheckCharacterMismatch;
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
        uint256 word = uint136(first17);
        uint256 weighted = 0; // as in {problemOf}: Horner's rule from character 17 down to 1
        unchecked {
            for (uint256 k = 17; k != 0; --k) {
                uint256 valuePlusOne = _valuePlusOne(word & 0xff);
                if (valuePlusOne == 0) return 0;
                weighted = weighted * 3 + valuePlusOne - 1;
                word >>= 8;
            }
        }
        return CHARSET[(31 - (weighted % 31)) % 31];
    }

    /// @dev The value of one character in the USCC charset; `ok` is false outside it.
    function valueOf(bytes1 char) internal pure returns (uint256 value, bool ok) {
        uint256 valuePlusOne = _valuePlusOne(uint8(char));
        if (valuePlusOne == 0) return (0, false);
        return (valuePlusOne - 1, true);
    }

    /// @dev A byte's charset value plus one, 0 outside the charset (see {_VALUES_PLUS_ONE}).
    function _valuePlusOne(uint256 c) private pure returns (uint256) {
        unchecked {
            return (_VALUES_PLUS_ONE >> ((c - 0x30) * 5)) & 31;
        }
    }
}

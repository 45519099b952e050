// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev The real-estate unit code of GB/T 37346-2019 as `bytes32`: 28 ASCII characters
 * left-aligned, the last four bytes zero.
 *
 * | chars | meaning                                   | accepted              |
 * |-------|-------------------------------------------|-----------------------|
 * | 1-6   | county-level division code (GB/T 2260)    | digits                |
 * | 7-12  | cadastral zone + subzone                  | digits                |
 * | 13    | parcel ownership (state, collective, disputed) | `G` `J` `Z`      |
 * | 14    | kind of right on the parcel               | `A`-`Z`               |
 * | 15-19 | parcel sequence number                    | digits                |
 * | 20    | fixture feature (building, forest, other, none) | `F` `L` `Q` `W` |
 * | 21-28 | fixture unit number (`00000000` for `W`)  | digits                |
 */
library UnitCode {
    /// @dev The high bit of each of the 28 characters.
    uint256 private constant ASCII_HIGH = 0x8080808080808080808080808080808080808080808080808080808000000000;
    /// @dev The high bit, `'0'` and `0x80 - ':'` at each digit position (all but 13, 14 and 20).
    uint256 private constant DIGIT_HIGH = 0x8080808080808080808080800000808080808000808080808080808000000000;
    uint256 private constant DIGIT_ZERO = 0x3030303030303030303030300000303030303000303030303030303000000000;
    uint256 private constant DIGIT_OVER = 0x4646464646464646464646460000464646464600464646464646464600000000;

    /// @dev Whether `unit` is well formed (the county's registration is checked elsewhere).
    function isValid(bytes32 unit) internal pure returns (bool) {
        uint256 x = uint256(unit);
        // 28 ASCII characters, then four zero bytes.
        if (x & ASCII_HIGH != 0 || uint32(x) != 0) return false;
        // Every digit position holds '0'..'9', tested on all bytes at once: as each byte is
        // below 0x80, no borrow or carry crosses a byte boundary.
        if (((x | DIGIT_HIGH) - DIGIT_ZERO) & DIGIT_HIGH != DIGIT_HIGH) return false; // >= '0'
        if ((x + DIGIT_OVER) & DIGIT_HIGH != 0) return false; // <= '9'
        bytes1 ownership = unit[12];
        if (ownership != "G" && ownership != "J" && ownership != "Z") return false;
        if (unit[13] < "A" || unit[13] > "Z") return false;
        bytes1 fixture = unit[19];
        if (fixture == "W") return bytes8(unit << 160) == bytes8("00000000"); // no fixture: unit number 0
        return fixture == "F" || fixture == "L" || fixture == "Q";
    }

    /// @dev The county code: the first six characters.
    function county(bytes32 unit) internal pure returns (bytes6) {
        return bytes6(unit);
    }

    /// @dev Whether `code` is six ASCII digits.
    function isValidCounty(bytes6 code) internal pure returns (bool) {
        unchecked {
            for (uint256 i = 0; i < 6; ++i) {
                uint8 c = uint8(code[i]);
                if (c < 0x30 || c > 0x39) return false;
            }
        }
        return true;
    }
}

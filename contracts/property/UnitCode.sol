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
    /// @dev Whether `unit` is well formed (the county's registration is checked elsewhere).
    function isValid(bytes32 unit) internal pure returns (bool) {
        if (uint32(uint256(unit)) != 0) return false;
        unchecked {
            for (uint256 i = 0; i < 28; ++i) {
                uint8 c = uint8(unit[i]);
                if (i == 12) {
                    if (c != 0x47 && c != 0x4A && c != 0x5A) return false; // G J Z
                } else if (i == 13) {
                    if (c < 0x41 || c > 0x5A) return false; // A-Z
                } else if (i == 19) {
                    if (c != 0x46 && c != 0x4C && c != 0x51 && c != 0x57) return false; // F L Q W
                } else if (c < 0x30 || c > 0x39) {
                    return false;
                }
            }
        }
        // No fixture: the fixture unit number is eight zeros.
        if (unit[19] == 0x57 && bytes8(unit << 160) != bytes8("00000000")) return false;
        return true;
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

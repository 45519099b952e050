// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Calendar arithmetic on Unix timestamps in China Standard Time (UTC+8, no daylight
 * saving), for the rules that count in years: the current tax year, the three years of a
 * business suspension (Regulations on the Registration of Market Entities 2022, Art. 30) and of
 * the abnormal-operations list. Days are civil days in UTC+8; conversion between a day number
 * and (year, month, day) is the proleptic Gregorian algorithm of H. Hinnant ("chrono-compatible
 * low-level date algorithms"), valid for every date from 1970 on.
 *
 * Periods follow the Civil Code (Arts. 201-203): a period of N years from the day of an act
 * starts on the next day and ends at the end of the day with the same month and day N years
 * later, or of the month's last day when that day does not exist (29 February + 1 year is 28
 * February).
 */
library CivilCalendar {
    uint256 internal constant DAY = 1 days;
    /// @dev China Standard Time is UTC+8 all year.
    uint256 internal constant UTC_OFFSET = 8 hours;

    /// @dev The civil year (UTC+8) of `timestamp`.
    function yearOf(uint256 timestamp) internal pure returns (uint256 year) {
        (year,,) = _civil(_dayOf(timestamp));
    }

    /**
     * @dev The first second after a period of `count` years that runs from the day of
     * `timestamp` (UTC+8): 00:00 UTC+8 of the day after the period's last day.
     */
    function afterYears(uint256 timestamp, uint256 count) internal pure returns (uint256) {
        (uint256 year, uint256 month, uint256 day) = _civil(_dayOf(timestamp));
        year += count;
        uint256 last = _daysInMonth(year, month);
        if (day > last) day = last;
        return (_daysFrom(year, month, day) + 1) * DAY - UTC_OFFSET;
    }

    function _dayOf(uint256 timestamp) private pure returns (uint256) {
        return (timestamp + UTC_OFFSET) / DAY;
    }

    /// @dev Day number since 1970-01-01 → (year, month, day); Hinnant's civil_from_days.
    function _civil(uint256 dayNumber) private pure returns (uint256 year, uint256 month, uint256 day) {
        uint256 z = dayNumber + 719468;
        uint256 era = z / 146097;
        uint256 doe = z - era * 146097; // day of the 400-year era, [0, 146096]
        uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
        uint256 mp = (5 * doy + 2) / 153; // March = 0
        day = doy - (153 * mp + 2) / 5 + 1;
        month = mp < 10 ? mp + 3 : mp - 9;
        year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    }

    /// @dev (year, month, day) → day number since 1970-01-01; Hinnant's days_from_civil.
    function _daysFrom(uint256 year, uint256 month, uint256 day) private pure returns (uint256) {
        if (month <= 2) year -= 1;
        uint256 era = year / 400;
        uint256 yoe = year - era * 400;
        uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    function _daysInMonth(uint256 year, uint256 month) private pure returns (uint256) {
        if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        return (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31;
    }
}

"""CivilCalendar against Python's datetime: the year of a timestamp in UTC+8, and the end of a
period of years counted by the Civil Code (Arts. 201-203: from the next day, to the same month
and day, or the month's last day when that day does not exist), for every day of 1970-2100's
month ends and leap days and a spread of other days. One eth_call per period length."""

import calendar
import random
from datetime import date, timedelta

import pytest
from brownie import CivilCalendarHarness

from conftest import DAY, cst, cst_date


@pytest.fixture(scope="module")
def harness(city_admins):
    return CivilCalendarHarness.deploy({"from": city_admins[0]})


def after_years(timestamp: int, count: int) -> int:
    day = cst_date(timestamp)
    year = day.year + count
    return cst(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1])) + DAY


def sample_timestamps() -> list[int]:
    rng = random.Random(13)
    days = [date(y, 2, 29) for y in range(1972, 2100, 4)] + [date(y, m, 1) - timedelta(days=1)
                                                            for y in (1999, 2000, 2024, 2025) for m in range(2, 13)]
    days += [date(1970, 1, 1) + timedelta(days=rng.randrange(0, 47_000)) for _ in range(150)]
    # Each day (UTC+8) at its first second, within it and at its last second.
    return [cst(d.year, d.month, d.day) + offset for d in days for offset in (0, 12_345, DAY - 1)]


@pytest.mark.parametrize("count", [1, 3])
def test_year_and_period_end_match_the_civil_calendar(harness, count):
    stamps = [t for t in sample_timestamps() if t >= 0]
    years, afters = harness.check(stamps, count)
    assert list(years) == [cst_date(t).year for t in stamps]
    assert list(afters) == [after_years(t, count) for t in stamps]

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from unstuck.core.clock import BusinessCalendar, add_target

LONDON = ZoneInfo("Europe/London")
CAL = BusinessCalendar(tz="Europe/London", start=time(9), end=time(17), holidays=frozenset({date(2026, 12, 25)}))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_inside_the_working_day_minutes_simply_add():
    assert CAL.add_business_minutes(at(2026, 11, 23, 10, 0), 60) == at(2026, 11, 23, 11, 0)


def test_time_past_closing_carries_to_the_next_morning():
    assert CAL.add_business_minutes(at(2026, 11, 23, 16, 30), 60) == at(2026, 11, 24, 9, 30)


def test_friday_evening_rolls_over_the_weekend():
    assert CAL.add_business_minutes(at(2026, 11, 27, 18, 0), 240) == at(2026, 11, 30, 13, 0)


def test_holidays_are_skipped():
    assert CAL.add_business_minutes(at(2026, 12, 24, 16, 0), 120) == at(2026, 12, 28, 10, 0)


def test_daylight_saving_change_keeps_local_office_hours():
    # Clocks go back on Sunday 25 October 2026: Monday 9:00 is 09:00 GMT, not 08:00.
    due = CAL.add_business_minutes(at(2026, 10, 23, 16, 0), 120)
    assert due == at(2026, 10, 26, 10, 0)
    assert due.astimezone(ZoneInfo("UTC")).hour == 10


def test_business_minutes_between_counts_only_open_hours():
    assert CAL.business_minutes_between(at(2026, 11, 27, 16, 0), at(2026, 11, 30, 10, 0)) == 120


def test_around_the_clock_targets_ignore_the_calendar():
    start = at(2026, 11, 28, 23, 50)  # a Saturday night
    assert add_target(start, 15, business_hours=False, calendar=CAL) == start + timedelta(minutes=15)


def test_a_calendar_without_working_days_is_an_error():
    with pytest.raises(ValueError):
        BusinessCalendar(weekdays=frozenset()).add_business_minutes(at(2026, 11, 23, 10, 0), 10)

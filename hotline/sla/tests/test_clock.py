"""The working-time clock: examples from the State Council calendars 2024–2026, properties against the
chinese-calendar package, and the fallback for a year the calendar does not know."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.sla import clock
from hotline.sla.clock import CalendarError, WorkCalendar
from hotline.sla.limits import Limit

TZ = ZoneInfo("Asia/Shanghai")


def package_calendar() -> WorkCalendar:
    overrides = {day: False for day in chinese_calendar.holidays}
    overrides.update({day: True for day in chinese_calendar.workdays})
    years = frozenset(day.year for day in overrides)
    return WorkCalendar(overrides=overrides, known_years=years, tz=TZ)


CAL = package_calendar()


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.mark.parametrize(
    ("start", "days", "end_date"),
    [
        # National Day 2026: 1–7 Oct off, Sun 20 Sep and Sat 10 Oct are working days
        (at(2026, 9, 30), 5, dt.date(2026, 10, 13)),
        # Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb are working days
        (at(2026, 2, 13), 3, dt.date(2026, 2, 25)),
        (at(2026, 2, 13), 1, dt.date(2026, 2, 14)),
        # Spring Festival 2025: 28 Jan – 4 Feb off, Sun 26 Jan and Sat 8 Feb are working days
        (at(2025, 1, 24), 1, dt.date(2025, 1, 26)),
        (at(2025, 1, 27), 1, dt.date(2025, 2, 5)),
        (at(2025, 2, 7), 1, dt.date(2025, 2, 8)),
        # Labour Day 2024: 1–5 May off, Sun 28 Apr and Sat 11 May are working days
        (at(2024, 4, 26), 1, dt.date(2024, 4, 28)),
        (at(2024, 4, 30), 1, dt.date(2024, 5, 6)),
        (at(2024, 5, 10), 1, dt.date(2024, 5, 11)),
        # National Day 2024: 1–7 Oct off, Sun 29 Sep and Sat 12 Oct are working days
        (at(2024, 9, 27), 1, dt.date(2024, 9, 29)),
        (at(2024, 9, 30), 2, dt.date(2024, 10, 9)),
        # an ordinary week
        (at(2026, 11, 20), 1, dt.date(2026, 11, 23)),
    ],
)
def test_add_working_days_over_holidays_and_make_up_days(start, days, end_date):
    end = clock.add_working_days(CAL, start, days)
    assert end == dt.datetime.combine(end_date, dt.time(17, 30), tzinfo=TZ)


def test_same_working_day_limit():
    assert clock.add_working_days(CAL, at(2026, 11, 16, 9), 0) == at(2026, 11, 16, 17, 30)
    # after closing time, or on a day off, "the same working day" is the next working day
    assert clock.add_working_days(CAL, at(2026, 11, 16, 18), 0) == at(2026, 11, 17, 17, 30)
    assert clock.add_working_days(CAL, at(2026, 10, 3), 0) == at(2026, 10, 8, 17, 30)


def test_add_working_time_skips_lunch_nights_and_holidays():
    # 11:00 + 2 h of working time: one hour before lunch, one after → 15:00
    assert clock.add_working_time(CAL, at(2026, 11, 16, 11), dt.timedelta(hours=2)) == at(2026, 11, 16, 15)
    # Friday 17:00 + 1 h → Monday 09:00
    assert clock.add_working_time(CAL, at(2026, 11, 20, 17), dt.timedelta(hours=1)) == at(2026, 11, 23, 9)
    # 30 Sep 2026 17:00 + 1 h → 8 Oct 09:00 (1–7 Oct off)
    assert clock.add_working_time(CAL, at(2026, 9, 30, 17), dt.timedelta(hours=1)) == at(2026, 10, 8, 9)
    # started at night, counted from the next opening
    assert clock.add_working_time(CAL, at(2026, 11, 16, 22), dt.timedelta(minutes=30)) == at(2026, 11, 17, 9)


def test_working_time_between_is_inverse_of_add():
    start = at(2026, 9, 28, 16, 10)
    end = clock.add_working_time(CAL, start, dt.timedelta(hours=13, minutes=5))
    assert clock.working_time_between(CAL, start, end) == dt.timedelta(hours=13, minutes=5)
    assert clock.working_time_between(CAL, end, start) == -dt.timedelta(hours=13, minutes=5)
    # nothing counts over a holiday week
    assert clock.working_time_between(CAL, at(2026, 10, 1, 8), at(2026, 10, 7, 20)) == dt.timedelta()


def test_limits_in_each_unit():
    start = at(2026, 11, 16, 10)
    assert clock.add_limit(CAL, start, Limit.parse("2h")) == at(2026, 11, 16, 12)
    # a working day is 7 h (08:30–12:00, 14:00–17:30): 7 working hours is the same time next day
    assert clock.add_limit(CAL, start, Limit.parse("7wh")) == at(2026, 11, 17, 10)
    assert clock.add_limit(CAL, start, Limit.parse("8wh")) == at(2026, 11, 17, 11)
    assert clock.add_limit(CAL, start, Limit.parse("3wd")) == at(2026, 11, 19, 17, 30)
    with pytest.raises(ValueError):
        Limit.parse("3 days")


def test_naive_datetimes_are_refused():
    with pytest.raises(CalendarError):
        clock.add_working_days(CAL, dt.datetime(2026, 1, 5, 10), 1)


def test_unknown_year_falls_back_to_weekends_and_says_so():
    # 2027 is not in the package: Monday–Friday only, and the gap is reported
    start = at(2027, 2, 5)  # a Friday
    assert clock.add_working_days(CAL, start, 1) == at(2027, 2, 8, 17, 30)
    assert clock.unknown_years(CAL, start, at(2027, 2, 8)) == [2027]
    assert clock.unknown_years(CAL, at(2026, 12, 30), at(2026, 12, 31)) == []


# the package knows up to 2026: keep every computed date inside it
DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 11, 15))


@settings(max_examples=200, deadline=None)
@given(day=DAYS, n=st.integers(min_value=1, max_value=20), hour=st.integers(min_value=0, max_value=23))
def test_property_nth_working_day_agrees_with_chinese_calendar(day, n, hour):
    end = clock.add_working_days(CAL, dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), n)
    expected = chinese_calendar.get_workdays(day + dt.timedelta(days=1), end.date())
    assert chinese_calendar.is_workday(end.date())
    assert len(expected) == n


@settings(max_examples=200, deadline=None)
@given(day=DAYS, span=st.integers(min_value=0, max_value=40))
def test_property_working_time_counts_only_package_workdays(day, span):
    start = dt.datetime.combine(day, dt.time(0), tzinfo=TZ)
    end = start + dt.timedelta(days=span)
    workdays = chinese_calendar.get_workdays(day, (end - dt.timedelta(seconds=1)).date()) if span else []
    assert clock.working_time_between(CAL, start, end) == CAL.day_length * len(workdays)


@settings(max_examples=150, deadline=None)
@given(
    day=DAYS,
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    minutes=st.integers(min_value=0, max_value=60 * 60),
)
def test_property_add_then_measure_round_trips(day, minute, minutes):
    start = dt.datetime.combine(day, dt.time(0), tzinfo=TZ) + dt.timedelta(minutes=minute)
    end = clock.add_working_time(CAL, start, dt.timedelta(minutes=minutes))
    assert end >= start
    assert clock.working_time_between(CAL, start, end) == dt.timedelta(minutes=minutes)

"""The working-time clock (限时办结): pure functions over a ``WorkCalendar``.

No database and no "now" in here: the calendar is loaded by ``sla.selectors.work_calendar()`` and passed
in, so the arithmetic is testable on its own and identical in the web server, the worker and the CLI.

Working days follow the legal way of counting periods (期间开始的当日不计算在内): *N working days from
an instant* ends when the working hours of the N-th working day after the instant's date end. *0 working
days* is "the same working day": the end of today's working hours if the instant falls on a working day
before closing time, else the end of the next working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .limits import Limit

# A calendar with no working day for ten years is broken; stop instead of looping forever.
_MAX_DAYS_SCANNED = 3660

DEFAULT_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 30), dt.time(12, 0)),
    (dt.time(14, 0), dt.time(17, 30)),
)


_SHANGHAI = ZoneInfo("Asia/Shanghai")


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours. ``overrides`` holds the exceptions to the Monday–Friday rule (holidays on
    weekdays, make-up working days on weekends); ``known_years`` the years whose exceptions are loaded."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()
    periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_PERIODS
    tz: dt.tzinfo = _SHANGHAI

    def __post_init__(self) -> None:
        if not self.periods:
            raise CalendarError("a calendar needs at least one working period")
        for start, end in self.periods:
            if start >= end:
                raise CalendarError(f"working period {start}–{end} ends before it starts")

    def is_workday(self, day: dt.date) -> bool:
        found = self.overrides.get(day)
        if found is not None:
            return found
        return day.weekday() < 5

    def knows(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working windows of ``day`` as aware datetimes (empty on a day off)."""
        if not self.is_workday(day):
            return []
        return [
            (dt.datetime.combine(day, start, tzinfo=self.tz), dt.datetime.combine(day, end, tzinfo=self.tz))
            for start, end in self.periods
        ]

    def closing(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.periods[-1][1], tzinfo=self.tz)

    @property
    def day_length(self) -> dt.timedelta:
        total = dt.timedelta()
        for start, end in self.periods:
            total += dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
        return total


def _require_aware(value: dt.datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError("naive datetime: the clock works with aware datetimes only")


def _next_workday(cal: WorkCalendar, day: dt.date) -> dt.date:
    for _ in range(_MAX_DAYS_SCANNED):
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            return day
    raise CalendarError(f"no working day within {_MAX_DAYS_SCANNED} days after {day}")


def add_working_days(cal: WorkCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """The end of the ``days``-th working day after ``start``'s date (see the module docstring)."""
    _require_aware(start)
    if days < 0:
        raise CalendarError("cannot add a negative number of working days")
    local = start.astimezone(cal.tz)
    day = local.date()
    if days == 0:
        if cal.is_workday(day) and local < cal.closing(day):
            return cal.closing(day)
        return cal.closing(_next_workday(cal, day))
    for _ in range(days):
        day = _next_workday(cal, day)
    return cal.closing(day)


def add_working_time(cal: WorkCalendar, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The instant at which ``duration`` of working time has passed since ``start``."""
    _require_aware(start)
    if duration < dt.timedelta():
        raise CalendarError("cannot add a negative working time")
    local = start.astimezone(cal.tz)
    remaining = duration
    day = local.date()
    for _ in range(_MAX_DAYS_SCANNED):
        for window_start, window_end in cal.windows(day):
            begin = max(window_start, local)
            if begin >= window_end:
                continue
            available = window_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += dt.timedelta(days=1)
    raise CalendarError(f"working time {duration} does not fit within {_MAX_DAYS_SCANNED} days")


def working_time_between(cal: WorkCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time from ``start`` to ``end``; negative when ``end`` is before ``start``."""
    _require_aware(start)
    _require_aware(end)
    if end < start:
        return -working_time_between(cal, end, start)
    begin, finish = start.astimezone(cal.tz), end.astimezone(cal.tz)
    total = dt.timedelta()
    day = begin.date()
    while day <= finish.date():
        for window_start, window_end in cal.windows(day):
            overlap = min(window_end, finish) - max(window_start, begin)
            if overlap > dt.timedelta():
                total += overlap
        day += dt.timedelta(days=1)
    return total


def add_limit(cal: WorkCalendar, start: dt.datetime, limit: Limit) -> dt.datetime:
    """The deadline for ``limit`` counted from ``start``."""
    _require_aware(start)
    if limit.unit == "h":
        return start + dt.timedelta(hours=limit.amount)
    if limit.unit == "wh":
        return add_working_time(cal, start, dt.timedelta(hours=limit.amount))
    return add_working_days(cal, start, limit.amount)


def unknown_years(cal: WorkCalendar, start: dt.datetime, end: dt.datetime) -> list[int]:
    """Years touched by ``start``..``end`` whose holidays the calendar does not know."""
    first, last = start.astimezone(cal.tz).year, end.astimezone(cal.tz).year
    return [year for year in range(first, last + 1) if year not in cal.known_years]

"""Reporting periods: a month, quarter or year (assessment), a week or ten-day span (旬, briefings), or any
custom span of days. A period is a half-open span of local calendar days ``[start, end)``; its instants
are local midnights in the deployment's time zone.

Written in URLs and forms as ``2026-10`` (month), ``2026-Q3`` (quarter), ``2026`` (year), ``2026-W46``
(ISO week), ``2026-10-T2`` (the second 旬 of October: days 11–20) or ``2026-10-01..2026-10-15`` (custom,
both days included).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hotline.core.clock import local_tz
from hotline.core.errors import ValidationFailed

KINDS = ("month", "quarter", "year", "week", "tenday", "custom")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    kind: str = "custom"

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationFailed("A period must end after it starts.", code="invalid_period")
        if self.kind not in KINDS:
            raise ValidationFailed(f"Unknown period kind {self.kind!r}.", code="invalid_period")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=local_tz())

    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time(), tzinfo=local_tz())

    @property
    def key(self) -> str:
        """The period as written in URLs (parsed back by ``parse_period``)."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "tenday":
            return f"{self.start:%Y-%m}-T{(self.start.day - 1) // 10 + 1}"
        return f"{self.start:%Y-%m-%d}..{self.last_day:%Y-%m-%d}"

    @property
    def label(self) -> str:
        """How people write the period (in the active language)."""
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("Q%(quarter)d %(year)d") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == "year":
            return _("year %(year)d") % {"year": self.start.year}
        if self.kind == "week":
            return _("%(start)s to %(end)s") % {"start": self.start, "end": self.last_day}
        if self.kind == "tenday":
            part = (self.start.day - 1) // 10
            names = [_("first ten days"), _("middle ten days"), _("last ten days")]
            return _("%(year)d-%(month)02d, %(part)s") % {
                "year": self.start.year,
                "month": self.start.month,
                "part": names[part],
            }
        return _("%(start)s to %(end)s") % {"start": self.start, "end": self.last_day}

    def previous(self) -> Period:
        """The period of the same kind just before this one (a custom span: the same number of days)."""
        if self.kind == "month":
            return month_of(self.start - dt.timedelta(days=1))
        if self.kind == "quarter":
            return quarter_of(self.start - dt.timedelta(days=1))
        if self.kind == "year":
            return year_of(self.start.year - 1)
        if self.kind == "week":
            return week_of(self.start - dt.timedelta(days=7))
        if self.kind == "tenday":
            return tenday_of(self.start - dt.timedelta(days=1))
        return Period(self.start - dt.timedelta(days=self.days), self.start, "custom")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, end, "month")


def quarter_of(day: dt.date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    return Period(start, end, "quarter")


def year_of(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), "year")


def week_of(day: dt.date) -> Period:
    start = day - dt.timedelta(days=day.weekday())
    return Period(start, start + dt.timedelta(days=7), "week")


def tenday_of(day: dt.date) -> Period:
    """旬: days 1–10, 11–20, and 21 to the month's end."""
    part = min((day.day - 1) // 10, 2)
    start = day.replace(day=part * 10 + 1)
    if part < 2:
        end = day.replace(day=part * 10 + 11)
    else:
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1]) + dt.timedelta(days=1)
    return Period(start, end, "tenday")


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` containing ``day``."""
    makers: dict[str, Callable[[dt.date], Period]] = {
        "month": month_of,
        "quarter": quarter_of,
        "week": week_of,
        "tenday": tenday_of,
        "year": lambda d: year_of(d.year),
    }
    if kind not in makers:
        raise ValidationFailed(f"Unknown period kind {kind!r}.", code="invalid_period")
    return makers[kind](day)


def last_complete(kind: str, today: dt.date) -> Period:
    """The most recent period of ``kind`` that ended by ``today`` (the one a scheduled report covers)."""
    return period_of(kind, today).previous()


_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{2})-T([1-3])$"), "tenday"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"), "custom"),
]
MAX_CUSTOM_DAYS = 731


def parse_period(text: str) -> Period:
    """A period from its written form (see the module docstring); ``ValidationFailed`` otherwise."""
    value = (text or "").strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(value)
        if match is None:
            continue
        try:
            return _build(kind, match.groups())
        except ValueError:
            break
    raise ValidationFailed(
        f"{value!r} is not a period: write 2026-10, 2026-Q3, 2026, 2026-W46, 2026-10-T2 or "
        "2026-10-01..2026-10-15.",
        code="invalid_period",
    )


def _build(kind: str, groups: tuple[str, ...]) -> Period:
    if kind == "month":
        return month_of(dt.date(int(groups[0]), int(groups[1]), 1))
    if kind == "quarter":
        return quarter_of(dt.date(int(groups[0]), (int(groups[1]) - 1) * 3 + 1, 1))
    if kind == "year":
        return year_of(int(groups[0]))
    if kind == "week":
        return week_of(dt.date.fromisocalendar(int(groups[0]), int(groups[1]), 1))
    if kind == "tenday":
        return tenday_of(dt.date(int(groups[0]), int(groups[1]), (int(groups[2]) - 1) * 10 + 1))
    start, last = dt.date.fromisoformat(groups[0]), dt.date.fromisoformat(groups[1])
    if last < start:
        raise ValidationFailed("A period must end after it starts.", code="invalid_period")
    if (last - start).days >= MAX_CUSTOM_DAYS:
        raise ValidationFailed("A custom period covers at most two years.", code="invalid_period")
    return Period(start, last + dt.timedelta(days=1), "custom")

"""What a new deployment starts with: the working hours, the calendar years chinese-calendar knows, and
default SLA policies (DOMAIN.md: questions 3 working days, help 5, complaints 7, urgent 24 hours,
emergencies 2 hours; sign-for within 4 working hours, returns the same working day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

# name, request_type, urgency, sign, return, handle
POLICIES = [
    ("默认", "", "", "4wh", "0wd", "5wd"),
    ("咨询", "consult", "", "4wh", "0wd", "3wd"),
    ("求助", "help", "", "4wh", "0wd", "5wd"),
    ("投诉", "complaint", "", "4wh", "0wd", "7wd"),
    ("举报", "report", "", "4wh", "0wd", "7wd"),
    ("建议", "suggestion", "", "4wh", "0wd", "7wd"),
    ("表扬", "praise", "", "4wh", "0wd", "3wd"),
    ("紧急", "", "urgent", "1h", "2h", "24h"),
    ("特急", "", "emergency", "1h", "1h", "2h"),
]


def ensure_defaults(calendar_day: Any, calendar_year: Any, working_period: Any, sla_policy: Any) -> None:
    """Seed what is missing. Takes the model classes so the data migration can pass historical ones."""
    import chinese_calendar

    from .services import HOLIDAY_NAMES

    if not calendar_year.objects.exists():
        days = [
            calendar_day(date=day, is_workday=False, name=HOLIDAY_NAMES.get(name, name))
            for day, name in chinese_calendar.holidays.items()
        ] + [
            calendar_day(date=day, is_workday=True, name=f"{HOLIDAY_NAMES.get(name, name)}调休")
            for day, name in chinese_calendar.workdays.items()
        ]
        calendar_day.objects.bulk_create(days, ignore_conflicts=True)
        for year in sorted({day.date.year for day in days}):
            calendar_year.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
    if not working_period.objects.exists():
        working_period.objects.create(start=dt.time(8, 30), end=dt.time(12, 0))
        working_period.objects.create(start=dt.time(14, 0), end=dt.time(17, 30))
    if not sla_policy.objects.exists():
        for name, request_type, urgency, sign, ret, handle in POLICIES:
            sla_policy.objects.create(
                name=name,
                request_type=request_type,
                urgency=urgency,
                sign_limit=sign,
                return_limit=ret,
                handle_limit=handle,
                progress_limit="5wd",
                dispatch_limit="2wd",
            )

"""``/sla``: the working calendar and deadline arithmetic, as the platform counts them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router

from hotline.core.errors import ValidationFailed
from hotline.sla import clock
from hotline.sla.limits import Limit
from hotline.sla.selectors import work_calendar
from hotline.tokens.api.errors import ERRORS, ErrorOut

from .schemas import DayOut, DeadlineOut

router = Router(tags=["sla"])
MAX_DAYS = 366


@router.get("/sla/calendar", response={200: list[DayOut], ERRORS: ErrorOut}, summary="Working days")
def calendar(request: HttpRequest, start: dt.date, end: dt.date) -> list[DayOut]:
    """Each day from ``start`` to ``end`` (at most a year): a working day or not, and whether the holiday
    notice of its year is loaded (unknown years fall back to Monday–Friday)."""
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValidationFailed(f"Give a range of 1 to {MAX_DAYS} days.", code="invalid_range")
    cal = work_calendar()
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [DayOut(date=day, workday=cal.is_workday(day), known=cal.knows(day)) for day in days]


@router.get("/sla/deadline", response={200: DeadlineOut, ERRORS: ErrorOut}, summary="A deadline")
def deadline(request: HttpRequest, start: dt.datetime, limit: str) -> DeadlineOut:
    """The instant ``limit`` (``2h``, ``8wh``, ``5wd``) after ``start``, on the working calendar."""
    if start.tzinfo is None:
        raise ValidationFailed("start needs a time zone offset.", code="naive_datetime")
    try:
        parsed = Limit.parse(limit)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_limit") from exc
    try:
        due = clock.add_limit(work_calendar(), start, parsed)
    except (ValueError, OverflowError) as exc:
        raise ValidationFailed(f"No deadline for that start: {exc}", code="invalid_start") from exc
    return DeadlineOut(start=start, limit=str(parsed), due_at=due)

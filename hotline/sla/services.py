"""Writes of the working calendar: seeding from ``chinese-calendar``, importing a year's State Council
notice, and single-day edits. Each write drops the per-process calendar cache."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from hotline.core.errors import ValidationFailed

from .models import CalendarDay, CalendarYear
from .selectors import invalidate_cache

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayRow:
    date: dt.date
    is_workday: bool
    name: str


def _replace_year(year: int, rows: Iterable[DayRow], source: str, note: str = "") -> int:
    rows = [row for row in rows if row.date.year == year]
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=row.date, is_workday=row.is_workday, name=row.name) for row in rows]
    )
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "note": note})
    return len(rows)


def calendar_seed_from_package(years: Iterable[int] | None = None) -> dict[int, int]:
    """Load holidays and make-up working days (调休) from the ``chinese-calendar`` package for the years
    it knows (all of them by default). Returns the number of exception days per year."""
    import chinese_calendar

    by_year: dict[int, list[DayRow]] = {}
    for day, name in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, []).append(DayRow(day, False, HOLIDAY_NAMES.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        by_year.setdefault(day.year, []).append(DayRow(day, True, f"{HOLIDAY_NAMES.get(name, name)}调休"))
    wanted = set(years) if years is not None else set(by_year)
    counts: dict[int, int] = {}
    with transaction.atomic():
        for year in sorted(wanted & set(by_year)):
            counts[year] = _replace_year(year, by_year[year], CalendarYear.Source.PACKAGE)
    invalidate_cache()
    return counts


_KIND_WORDS = {
    "休": False,
    "假": False,
    "holiday": False,
    "off": False,
    "0": False,
    "班": True,
    "work": True,
    "workday": True,
    "working": True,
    "1": True,
}


def parse_notice_csv(text: str) -> list[DayRow]:
    """Parse the CSV form of a State Council holiday notice.

    Columns: ``date`` (or ``start`` and ``end`` for a span), ``kind`` (休/holiday or 班/workday) and an
    optional ``name``. Every problem is reported with its line number; nothing is loaded if any."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {name.strip().lower() for name in reader.fieldnames or []}
    if "kind" not in fields or not ({"date"} <= fields or {"start", "end"} <= fields):
        raise ValidationFailed(
            "The calendar CSV needs the columns date (or start and end), kind and optionally name.",
            code="invalid_calendar_file",
            details={"columns": sorted(fields)},
        )
    rows: list[DayRow] = []
    errors: list[str] = []
    for line, raw in enumerate(reader, start=2):
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        kind = _KIND_WORDS.get(record.get("kind", "").lower())
        try:
            start = dt.date.fromisoformat(record.get("date") or record.get("start", ""))
            end = dt.date.fromisoformat(record.get("end") or "") if record.get("end") else start
        except ValueError:
            errors.append(f"line {line}: dates must be written YYYY-MM-DD")
            continue
        if kind is None:
            errors.append(f"line {line}: kind must be 休/holiday or 班/workday")
            continue
        if end < start or (end - start).days > 31:
            errors.append(f"line {line}: the span {start}..{end} is not a holiday span")
            continue
        day = start
        while day <= end:
            rows.append(DayRow(day, kind, record.get("name", "")))
            day += dt.timedelta(days=1)
    if errors:
        raise ValidationFailed(
            "The calendar file has errors.", code="invalid_calendar_file", details={"errors": errors}
        )
    if not rows:
        raise ValidationFailed("The calendar file lists no days.", code="invalid_calendar_file")
    return rows


def calendar_import(path: Path | str, *, note: str = "") -> dict[int, int]:
    """Load a year's notice from a CSV file; each year in the file replaces what was known of it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"Cannot read {path}: {exc}", code="invalid_calendar_file") from exc
    rows = parse_notice_csv(text)
    years = sorted({row.date.year for row in rows})
    counts: dict[int, int] = {}
    with transaction.atomic():
        for year in years:
            counts[year] = _replace_year(year, rows, CalendarYear.Source.IMPORT, note or Path(path).name)
    invalidate_cache()
    return counts


def calendar_set_day(*, date: dt.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Mark one day as a working day or a day off (an admin's correction)."""
    with transaction.atomic():
        day, _ = CalendarDay.objects.update_or_create(
            date=date, defaults={"is_workday": is_workday, "name": name}
        )
        CalendarYear.objects.get_or_create(year=date.year, defaults={"source": CalendarYear.Source.MANUAL})
    invalidate_cache()
    return day


def sla_sweep(*, now: dt.datetime, batch: int = 2000) -> dict[str, int]:
    """Mark assignments that became due soon, missed the sign-for limit or went overdue. Each mark is set
    by a conditional update, so it fires exactly once per assignment and cause even when two sweeps run
    at the same time; each mark appends an event to the order."""
    from hotline.workorders.lifecycle import Action
    from hotline.workorders.models import Assignment
    from hotline.workorders.services import transition

    active = Assignment.objects.filter(state__in=[Assignment.State.PENDING, Assignment.State.SIGNED])
    rules = [
        (
            "sign_overdue",
            Action.SLA_OVERDUE,
            "sign_overdue_marked_at",
            active.filter(
                state=Assignment.State.PENDING, sign_due_at__lt=now, sign_overdue_marked_at__isnull=True
            ),
        ),
        (
            "due_soon",
            Action.SLA_WARNING,
            "warned_at",
            active.filter(warn_at__lte=now, due_at__gte=now, warned_at__isnull=True),
        ),
        (
            "overdue",
            Action.SLA_OVERDUE,
            "overdue_marked_at",
            active.filter(due_at__lt=now, overdue_marked_at__isnull=True),
        ),
    ]
    counts: dict[str, int] = {}
    for cause, action, mark, queryset in rules:
        counts[cause] = 0
        for assignment in queryset.select_related("order", "unit").order_by("pk")[:batch]:
            with transaction.atomic():
                claimed = Assignment.objects.filter(pk=assignment.pk, **{f"{mark}__isnull": True}).update(
                    **{mark: now}
                )
                if not claimed:
                    continue
                transition(
                    assignment.order,
                    action,
                    actor=None,
                    now=now,
                    assignment=assignment,
                    reason=cause,
                    data={
                        "unit": assignment.unit_id,
                        "unit_name": assignment.unit.name,
                        "due_at": _iso(
                            assignment.sign_due_at if cause == "sign_overdue" else assignment.due_at
                        ),
                    },
                )
                counts[cause] += 1
    return counts


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None

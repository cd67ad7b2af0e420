"""``hotline calendar``: the working calendar.

- ``add --start ISO_DATETIME --working-days N``: print the deadline (ISO 8601 with offset)
- ``import FILE``: load a year's State Council notice from CSV (columns date|start,end; kind; name)
- ``seed``: load the years the ``chinese-calendar`` package knows
- ``show YEAR``: list the holidays and make-up working days of a year
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.clock import local_tz, now
from hotline.core.errors import ApplicationError
from hotline.sla import clock
from hotline.sla.models import CalendarDay
from hotline.sla.selectors import calendar_warnings, work_calendar
from hotline.sla.services import calendar_import, calendar_seed_from_package


class Command(BaseCommand):
    help = "Working calendar: compute deadlines, import holiday notices."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="print the deadline N working days after an instant")
        add.add_argument("--start", required=True, help="ISO 8601 date-time; local time when no offset")
        group = add.add_mutually_exclusive_group(required=True)
        group.add_argument("--working-days", type=int)
        group.add_argument("--working-hours", type=float)
        imp = sub.add_parser("import", help="load holidays from a CSV of the State Council notice")
        imp.add_argument("file")
        sub.add_parser("seed", help="load every year the chinese-calendar package knows")
        show = sub.add_parser("show", help="list a year's exception days")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc

    def do_add(self, options: dict[str, Any]) -> None:
        try:
            start = dt.datetime.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError(f"--start is not an ISO 8601 date-time: {options['start']!r}") from exc
        if start.tzinfo is None:
            start = start.replace(tzinfo=local_tz())
        cal = work_calendar()
        if options["working_days"] is not None:
            if options["working_days"] < 0:
                raise CommandError("--working-days must not be negative")
            end = clock.add_working_days(cal, start, options["working_days"])
        else:
            if options["working_hours"] < 0:
                raise CommandError("--working-hours must not be negative")
            end = clock.add_working_time(cal, start, dt.timedelta(hours=options["working_hours"]))
        for year in clock.unknown_years(cal, start, end):
            self.stderr.write(f"warning: holidays of {year} are not loaded; counted Monday–Friday only")
        self.stdout.write(end.astimezone(local_tz()).isoformat())

    def do_import(self, options: dict[str, Any]) -> None:
        counts = calendar_import(options["file"])
        for year, count in counts.items():
            self.stdout.write(f"{year}: {count} days loaded")

    def do_seed(self, options: dict[str, Any]) -> None:
        counts = calendar_seed_from_package()
        self.stdout.write(f"loaded {len(counts)} years ({min(counts)}–{max(counts)}) from chinese-calendar")
        for warning in calendar_warnings(today=now().astimezone(local_tz()).date()):
            self.stderr.write(f"warning: {warning}")

    def do_show(self, options: dict[str, Any]) -> None:
        for day in CalendarDay.objects.filter(date__year=options["year"]):
            self.stdout.write(f"{day.date} {'workday' if day.is_workday else 'holiday'} {day.name}")

"""``hotline hotspots [--since DATE] [--until DATE] [--top N] [--json]``: the hot issues of a window."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core import clock
from hotline.core.clock import local_tz, localtime


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--{name} must be a date (YYYY-MM-DD), not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Hot issues (热点) among the orders received from --since (default: 30 days before --until) to --until "
        "(default: today), both days included, hottest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", help="last day (YYYY-MM-DD), included")
        parser.add_argument("--top", type=int, default=10, help="how many issues (default 10)")
        parser.add_argument("--json", action="store_true", help="print JSON: a list of issues")

    def handle(self, *args: Any, **options: Any) -> None:
        from hotline.analytics.selectors import hot_issues

        if options["top"] < 1:
            raise CommandError("--top must be at least 1")
        tz = local_tz()
        last = _day(options["until"], "until") if options["until"] else localtime(clock.now()).date()
        first = _day(options["since"], "since") if options["since"] else last - dt.timedelta(days=29)
        if first > last:
            raise CommandError("--since is after --until")
        since = dt.datetime.combine(first, dt.time(), tzinfo=tz)
        until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        issues = hot_issues(since=since, until=until, top=options["top"])
        if options["json"]:
            data = [
                {
                    "rank": issue.rank,
                    "place": issue.place,
                    "description": issue.description,
                    "score": issue.score,
                    "first_at": issue.first_at.isoformat(),
                    "last_at": issue.last_at.isoformat(),
                    "keywords": issue.keywords,
                    "callers": issue.callers,
                    "supports": issue.supports,
                    "orders": [
                        {
                            "number": order.number,
                            "external_id": order.external_id or None,
                            "source_system": order.source_system or None,
                            "received_at": order.received_at.isoformat(),
                            "title": order.title,
                        }
                        for order in issue.orders
                    ],
                }
                for issue in issues
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if not issues:
            self.stdout.write(f"No hot issues from {first} to {last}.")
            return
        self.stdout.write(f"Hot issues from {first} to {last}:")
        for issue in issues:
            self.stdout.write(
                f"{issue.rank:>3}. [{issue.score:6.2f}] {issue.place} · {issue.description} "
                f"({len(issue.orders)} orders, {issue.callers} callers, "
                f"{localtime(issue.first_at):%Y-%m-%d} – {localtime(issue.last_at):%Y-%m-%d})"
            )
            numbers = [o.external_id or o.number for o in issue.orders[:8]]
            more = f" … +{len(issue.orders) - 8}" if len(issue.orders) > 8 else ""
            self.stdout.write(f"       {' '.join(numbers)}{more}")

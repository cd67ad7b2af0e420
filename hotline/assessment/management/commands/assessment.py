"""``hotline assessment show --period 2026-11 [--scheme CODE] [--view unit|district|division]`` prints the
ranking; ``hotline assessment publish --period 2026-11 [--scheme CODE]`` publishes it with the notice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.clock import now
from hotline.core.errors import ApplicationError

from ...models import Publication
from ...periods import parse_period
from ...selectors import VIEWS, assess, scheme_by_code, scheme_default
from ...services import publication_create


class Command(BaseCommand):
    help = "Show or publish an assessment (考核) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "publish"])
        parser.add_argument(
            "--period", required=True, help="2026-11, 2026-Q3, 2026 or 2026-10-01..2026-10-15"
        )
        parser.add_argument("--scheme", default="", help="scheme code (default: the default scheme)")
        parser.add_argument("--view", default="unit", choices=VIEWS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
            scheme = scheme_by_code(options["scheme"]) if options["scheme"] else scheme_default()
            if scheme is None:
                raise CommandError("No assessment scheme is active.")
            if options["action"] == "publish":
                publication = publication_create(
                    scheme=scheme, period=period, actor=None, now=now(), trigger=Publication.Trigger.SCHEDULE
                )
                self.stdout.write(
                    f"published {scheme.code} {period.key} as #{publication.pk}: {publication.notice.name}"
                )
                return
            result = assess(scheme, period, as_of=now(), view=options["view"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{scheme.name} · {period.label} (trend against {result.previous.label if result.previous else '-'})"
        )
        for row in [*result.rows, result.total]:
            rank = "-" if row.rank is None else str(row.rank)
            total = "-" if row.total is None else f"{row.total:.2f}"
            change = "" if row.total_change is None else f" ({row.total_change:+.2f})"
            self.stdout.write(
                f"{rank:>4}  {total:>6}{change:<10} {row.counts.get('assigned', 0):>7}  {row.name}"
            )

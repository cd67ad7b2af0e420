"""``hotline briefing --kind month --period 2026-11`` generates a briefing into the archive, as the schedule
would (``--kind week --period 2026-W47``, ``--kind tenday --period 2026-11-T2``), or on demand as
``--user NAME``; ``--due`` makes whatever the schedule owes now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.assessment.periods import parse_period
from hotline.core.clock import now
from hotline.core.errors import ApplicationError
from hotline.directory.models import User

from ...models import Briefing
from ...services import briefing_generate
from ...tasks import generate_due


class Command(BaseCommand):
    help = "Generate a briefing (简报) into the archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=Briefing.Kind.values)
        parser.add_argument("--period", help="2026-11, 2026-W47 or 2026-11-T2, matching the kind")
        parser.add_argument("--due", action="store_true", help="make the briefings the schedule owes now")
        parser.add_argument("--user", help="generate on demand as this staff account (else as the schedule)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["due"]:
                made = generate_due(at=now())
            elif options["kind"] and options["period"]:
                actor = User.objects.filter(username=options["user"]).first() if options["user"] else None
                if options["user"] and actor is None:
                    raise CommandError(f"No staff account {options['user']!r}.")
                made = [
                    briefing_generate(
                        kind=options["kind"],
                        period=parse_period(options["period"]),
                        actor=actor,
                        now=now(),
                        trigger=Briefing.Trigger.MANUAL if actor else Briefing.Trigger.SCHEDULE,
                    )
                ]
            else:
                raise CommandError("Give --kind and --period, or --due.")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for briefing in made:
            self.stdout.write(f"#{briefing.pk} {briefing.title} {briefing.issue} → {briefing.document.name}")
        if not made:
            self.stdout.write("nothing due")

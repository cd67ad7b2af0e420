"""``hotline partner create --code CODE --name NAME [--webhook-url URL] [--channel partner]`` prints the
partner's API token and webhook signing secret; ``hotline partner list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.channels.models import Partner
from hotline.channels.services.partners import partner_create
from hotline.core.clock import now
from hotline.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Partner systems: create (prints the token and the webhook secret once), list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--code", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--webhook-url", default="")
        create.add_argument("--channel", default="partner")
        create.add_argument("--hotline-number", default="")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for partner in Partner.objects.select_related("channel"):
                state = "active" if partner.active else "inactive"
                self.stdout.write(
                    f"{partner.code}\t{partner.name}\t{partner.channel.code}\t{partner.webhook_url}\t{state}"
                )
            return
        try:
            partner, token = partner_create(
                code=options["code"],
                name=options["name"],
                webhook_url=options["webhook_url"],
                channel=options["channel"],
                hotline_number=options["hotline_number"],
                now=now(),
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"token\t{token}\nwebhook secret\t{partner.secret}")

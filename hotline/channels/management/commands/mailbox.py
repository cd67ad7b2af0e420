"""``hotline mailbox fetch``: read new mail of the mayor's mailbox now (the worker does it every 2 min)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.channels import conf
from hotline.channels.services.mailbox import mailbox_fetch
from hotline.core.clock import now


class Command(BaseCommand):
    help = "Fetch the mayor's mailbox over IMAP: new mail becomes orders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.imap()["host"]:
            raise CommandError("set HOTLINE_CHANNELS_IMAP_HOST (and _USER, _PASSWORD) first")
        for message in mailbox_fetch(now=now()):
            self.stdout.write(
                f"{message.order.number if message.order else '-'}\t{message.sender}\t{message.subject}"
            )

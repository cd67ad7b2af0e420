"""``hotline demo``: load the made-up demo city (once) and print the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hotline.core.clock import now
from hotline.demo.city import DEMO_PASSWORD
from hotline.demo.services import demo_load, demo_loaded, demo_logins


class Command(BaseCommand):
    help = "Load the demo city 海澄市 with staff of every role and about 2,000 orders; print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=12345)

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_loaded():
            self.stdout.write("The demo city is already loaded.")
        else:
            started = time.monotonic()
            self.stdout.write(f"Loading the demo city with {options['orders']} orders …")
            demo_load(now=now(), orders=options["orders"], seed=options["seed"])
            self.stdout.write(f"Loaded in {time.monotonic() - started:.0f} s.")
        logins = demo_logins()
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        shown: dict[str, int] = {}
        for login in logins:
            shown[login.role] = shown.get(login.role, 0) + 1
            if shown[login.role] <= 4:
                self.stdout.write(f"  {login.username:<16} {login.role:<10} {login.unit}")
        hidden = len(logins) - sum(min(count, 4) for count in shown.values())
        if hidden > 0:
            self.stdout.write(f"  … and {hidden} more unit accounts (see the admin at /admin/)")

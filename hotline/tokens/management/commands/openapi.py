"""``hotline openapi [--check]``: write the API's OpenAPI schema to docs/openapi.json (or only check it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.tokens.openapi import SCHEMA_PATH, render_schema


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Write the OpenAPI schema of /api/v1/ to docs/openapi.json; --check only reports drift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail when the committed file differs")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render_schema()
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if options["check"]:
            if current != text:
                raise CommandError(f"{SCHEMA_PATH} is out of date: run `hotline openapi`.")
            self.stdout.write(f"{SCHEMA_PATH} is up to date")
            return
        if current != text:
            SCHEMA_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {SCHEMA_PATH}")
        else:
            self.stdout.write(f"{SCHEMA_PATH} unchanged")

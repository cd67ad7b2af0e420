"""``hotline taxonomy import FILE``: import the three-level category tree from CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.errors import ApplicationError
from hotline.taxonomy.services import taxonomy_import


class Command(BaseCommand):
    help = "Manage the category tree."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        do_import = sub.add_parser("import", help="import categories from a CSV or XLSX file")
        do_import.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = taxonomy_import(options["file"])
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc
        self.stdout.write(f"categories: {result.created} created, {result.existing} already present")

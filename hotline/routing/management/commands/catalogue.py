"""``hotline catalogue import FILE`` / ``hotline catalogue export FILE``: the dispatch catalogue as XLSX."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.clock import now
from hotline.core.errors import ApplicationError

from ...services import catalogue_export, catalogue_import, gazetteer_import


class Command(BaseCommand):
    help = "Import or export the dispatch catalogue (派单目录), or import the gazetteer."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        do_import = sub.add_parser("import", help="import rules from XLSX (or CSV)")
        do_import.add_argument("file")
        do_export = sub.add_parser("export", help="export the rules to XLSX")
        do_export.add_argument("file")
        do_export.add_argument("--include-retired", action="store_true")
        places = sub.add_parser("places", help="import the gazetteer (名称, 区划编码, 类型, 别名)")
        places.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                result = catalogue_import(options["file"], actor=None, now=now(), source="command line")
                self.stdout.write(
                    f"catalogue: {result.created} created, {result.changed} changed, {result.unchanged} unchanged"
                )
            elif options["action"] == "export":
                count = catalogue_export(options["file"], include_retired=options["include_retired"])
                self.stdout.write(f"{count} rules written to {options['file']}")
            else:
                places = gazetteer_import(options["file"])
                self.stdout.write(f"gazetteer: {places.saved} places saved")
        except ApplicationError as exc:
            errors = exc.details.get("errors") if exc.details else None
            raise CommandError("\n".join([exc.message, *(errors or [])])) from exc

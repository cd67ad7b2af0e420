"""``hotline kb``: the knowledge base from the command line.

hotline kb import FILE [--publish] [--user NAME]     entries from XLSX (or CSV), all or nothing
hotline kb export FILE [--published]                 every entry to XLSX
hotline kb harvest [--days N] [--limit N] [--csv FILE --unit CODE] [--user NAME]
                                                     draft entries from past orders (or a table of
                                                     questions and replies) for the center to review
hotline kb reindex                                   write the shared search index snapshot now
hotline kb sweep                                     flag entries due for review or expiring
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.clock import now
from hotline.core.errors import ApplicationError
from hotline.core.tables import read_table
from hotline.directory.models import Role, Unit, User


class Command(BaseCommand):
    help = "Import, export and maintain the knowledge base."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        do_import = sub.add_parser("import", help="import entries from an XLSX or CSV file")
        do_import.add_argument("file")
        do_import.add_argument("--publish", action="store_true", help="publish the imported entries")
        do_import.add_argument("--user", help="the account the import is recorded under (default: an admin)")
        do_export = sub.add_parser("export", help="export every entry to an XLSX file")
        do_export.add_argument("file")
        do_export.add_argument("--published", action="store_true", help="the published versions only")
        do_harvest = sub.add_parser("harvest", help="draft entries from past orders and their replies")
        do_harvest.add_argument("--days", type=int, default=90, help="orders received in the last N days")
        do_harvest.add_argument("--limit", type=int, default=None, help="at most this many drafts")
        do_harvest.add_argument("--min-chars", type=int, default=40, help="shortest reply worth an entry")
        do_harvest.add_argument("--csv", help="a CSV/XLSX of questions and replies instead of orders")
        do_harvest.add_argument("--unit", help="code of the unit that owns drafts made from --csv")
        do_harvest.add_argument(
            "--all-types", action="store_true", help="not only questions and requests for help"
        )
        do_harvest.add_argument("--user")
        sub.add_parser("reindex", help="write the shared search index snapshot")
        sub.add_parser("sweep", help="flag entries due for review or expiring")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as exc:
            errors = exc.details.get("errors") if isinstance(exc.details, dict) else None
            if errors:
                for line in errors:
                    self.stderr.write(str(line))
            raise CommandError(exc.message) from exc

    def _actor(self, name: str | None) -> User:
        if name:
            user = User.objects.filter(username=name, is_active=True).first()
            if user is None:
                raise CommandError(f"No active account {name!r}.")
            return user
        user = (
            User.objects.filter(is_active=True).filter(is_superuser=True).order_by("pk").first()
            or User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first()
        )
        if user is None:
            raise CommandError("No administrator account: pass --user.")
        return user

    def _import(self, options: dict[str, Any]) -> None:
        from hotline.knowledge import conf
        from hotline.knowledge.search.engine import write_snapshot
        from hotline.knowledge.spreadsheets import import_file

        result = import_file(
            options["file"], actor=self._actor(options["user"]), now=now(), publish=options["publish"]
        )
        if result.published and conf.snapshot_dir() is not None:
            write_snapshot()  # a bulk import is searchable everywhere at once, not entry by entry
        self.stdout.write(
            f"entries: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, {len(result.published)} published"
        )

    def _export(self, options: dict[str, Any]) -> None:
        from hotline.knowledge.models import Entry
        from hotline.knowledge.spreadsheets import export_queryset, export_rows, write_xlsx

        rows = export_rows(
            export_queryset(Entry.objects.all(), published=options["published"]),
            published=options["published"],
        )
        Path(options["file"]).write_bytes(write_xlsx(rows))
        self.stdout.write(f"entries: {len(rows)} written to {options['file']}")

    def _harvest(self, options: dict[str, Any]) -> None:
        from hotline.knowledge.harvest import candidates_from_orders, candidates_from_rows, harvest
        from hotline.taxonomy.models import RequestType

        actor = self._actor(options["user"])
        at = now()
        if options["csv"]:
            unit = Unit.objects.filter(code=options["unit"]).first() if options["unit"] else None
            if options["unit"] and unit is None:
                raise CommandError(f"No unit with code {options['unit']!r}.")
            candidates = candidates_from_rows(read_table(options["csv"]), unit=unit)
        else:
            types = RequestType.values if options["all_types"] else [RequestType.CONSULT, RequestType.HELP]
            candidates = candidates_from_orders(
                since=at - dt.timedelta(days=options["days"]), until=at, request_types=types
            )
        result = harvest(
            candidates, actor=actor, now=at, min_chars=options["min_chars"], limit=options["limit"]
        )
        self.stdout.write(
            f"drafts submitted for review: {len(result.created)}; left out: {result.too_short} too short, "
            f"{result.form_replies} form replies, {result.duplicates} duplicates, {result.existing} already in the base"
        )

    def _reindex(self, options: dict[str, Any]) -> None:
        from hotline.knowledge.search.engine import write_snapshot

        path = write_snapshot()
        if path is None:
            raise CommandError("Snapshots are disabled (HOTLINE_KNOWLEDGE_INDEX_DIR is empty).")
        self.stdout.write(f"index snapshot written to {path}")

    def _sweep(self, options: dict[str, Any]) -> None:
        from hotline.knowledge.services import review_sweep

        result = review_sweep(now=now())
        self.stdout.write(f"flagged: {result.review_due} due for review, {result.expiring} expiring")

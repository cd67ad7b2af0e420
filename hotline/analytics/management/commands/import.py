"""``hotline import messages FILE [--as USERNAME]``: load a message-board export (CSV or XLSX) as orders."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hotline.core.errors import ApplicationError
from hotline.directory.models import User
from hotline.workorders.lifecycle import Action, role_may


class Command(BaseCommand):
    help = "Import data from other systems. `hotline import messages FILE`: a message-board export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        messages = sub.add_parser(
            "messages",
            help="message-board export (CSV or XLSX: 留言编号, 留言用户, 留言主题, 留言时间, 留言详情, "
            "optional 点赞数/反对数 and 答复意见/答复时间)",
        )
        messages.add_argument("file", type=Path)
        messages.add_argument(
            "--as",
            dest="username",
            default="admin",
            help="the staff account recorded as giving the replies (default: admin)",
        )
        messages.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        from hotline.analytics.messageboard import import_messages, read_rows

        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account {options['username']!r} (give one with --as).")
        if not (user.is_superuser or role_may(user.role, Action.ANSWER)):
            raise CommandError(f"{user.username} ({user.get_role_display()}) may not record answers.")
        path: Path = options["file"]
        try:
            _, rows = read_rows(path)
            total = sum(1 for _ in rows)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        bar = tqdm(total=total, unit="msg", disable=options["no_progress"], file=sys.stderr)
        try:
            report = import_messages(path=path, actor=user, progress=bar.update)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        for line, message in report.errors:
            self.stderr.write(f"{path.name}:{line}: {message}")
        self.stdout.write(
            f"{report.rows} rows: {report.created} orders created ({report.answered} with the reply as the answer), "
            f"{report.skipped} already imported, {len(report.errors)} refused"
        )

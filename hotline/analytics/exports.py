"""XLSX exports of the dashboards' tables and of the orders behind a figure (openpyxl, write-only mode so a
large export streams row by row instead of building the whole sheet in memory)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from hotline.core.clock import localtime
from hotline.directory.models import User
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import caller_for_user

MAX_ORDER_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | dt.date | dt.datetime | None


def _safe(value: object) -> Cell:
    """Text that a spreadsheet would run as a formula is written as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, dt.datetime):
        return localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, str | int | float | dt.date):
        return value
    return str(value)


def workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet")
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def orders_workbook(user: User, orders: QuerySet[WorkOrder]) -> bytes:
    """The orders (already narrowed by the permission gate), with what ``user`` may know of each caller."""
    header = [
        _("number"), _("received at"), _("channel"), _("type"), _("category"), _("district/street"),
        _("title"), _("status"), _("caller"), _("caller phone"), _("external id"),
    ]  # fmt: skip

    def rows() -> Iterable[Sequence[object]]:
        for order in orders[:MAX_ORDER_ROWS].iterator(chunk_size=2000):
            caller = caller_for_user(user, order)
            yield [
                order.number,
                order.received_at,
                order.channel.name,
                order.get_request_type_display(),
                order.category.name if order.category else "",
                order.division.name if order.division else "",
                order.title,
                order.get_status_display(),
                caller.name,
                caller.phone,
                order.external_id,
            ]

    return workbook(_("Orders"), header, rows())

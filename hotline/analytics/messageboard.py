"""Importing message-board exports (留言板): CSV or XLSX files with the columns 留言编号 (the external id),
留言用户, 留言主题, 留言时间, 留言详情, and optionally 点赞数/反对数 (likes, oppositions) and 答复意见/答复时间
(the reply).

Every message becomes an order of the ``message_board`` channel through the work-order services, at its
original time: ``workorder_intake`` with ``accept=False`` (a self-service channel's request, not yet
accepted) and ``now`` = 留言时间. A message with a reply was answered on the board: the reply is recorded
as the direct answer (``workorder_answer``, which closes the order) by the importing staff account at
答复时间. The board's user handle is kept as the caller's name (it tells callers apart for the heat
index); likes go to ``OrderSupport``.

Idempotent: a message whose 留言编号 is already an order of the channel is skipped, so a second run of the
same file creates nothing. A bad row is reported with its line number and the others are imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from hotline.core.clock import local_tz
from hotline.core.errors import ApplicationError, ValidationFailed
from hotline.directory.models import User
from hotline.taxonomy.models import RequestType
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

from .models import OrderSupport

CHANNEL = "message_board"
SOURCE = "message_board"
REQUIRED = ("留言编号", "留言主题", "留言时间")
COLUMNS = (
    "留言编号",
    "留言用户",
    "留言主题",
    "留言时间",
    "留言详情",
    "点赞数",
    "反对数",
    "答复意见",
    "答复时间",
)
TITLE_MAX = 200
BATCH = 200
_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d",
    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日",
)  # fmt: skip
_BLANKS = re.compile(r"[ \t\u3000\xa0]*\n[\s\u3000\xa0]*")
_SPACES = re.compile(r"[ \t\u3000\xa0]{2,}")
# The type a message is, from the words it starts with; "other" when none says.
_TYPE_WORDS = (
    (RequestType.REPORT, ("举报",)),
    (RequestType.COMPLAINT, ("投诉", "反映", "质疑", "控告")),
    (RequestType.SUGGESTION, ("建议", "希望", "呼吁", "请求", "恳请")),
    (RequestType.CONSULT, ("咨询", "请问", "询问", "关于", "如何", "怎么", "能否", "是否")),
    (RequestType.PRAISE, ("表扬", "感谢", "点赞")),
    (RequestType.HELP, ("求助", "帮助")),
)


class RowError(Exception):
    pass


@dataclass(frozen=True)
class Message:
    line: int
    external_id: str
    user: str
    title: str
    content: str
    received_at: dt.datetime
    likes: int
    dislikes: int
    reply: str
    replied_at: dt.datetime | None


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    answered: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def clean_text(value: str) -> str:
    """The source keeps stray whitespace and line breaks: paragraphs stay, padding goes."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    value = _BLANKS.sub("\n", value)
    return _SPACES.sub(" ", value).strip()


def parse_time(value: Any, column: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=local_tz())
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=local_tz())
    text = str(value or "").strip()
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=local_tz())
        except ValueError:
            continue
    raise RowError(f"{column} {text!r} is not a date and time")


def _count(value: Any, column: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError as exc:
        raise RowError(f"{column} {text!r} is not a number") from exc
    if number < 0 or number != int(number):
        raise RowError(f"{column} {text!r} is not a count")
    return int(number)


def request_type_of(title: str) -> str:
    for request_type, words in _TYPE_WORDS:
        if any(word in title[:12] for word in words):
            return str(request_type)
    return str(RequestType.OTHER)


def parse_row(line: int, raw: dict[str, Any]) -> Message:
    external_id = str(raw.get("留言编号") or "").strip()
    if external_id.endswith(".0") and external_id[:-2].isdigit():
        external_id = external_id[:-2]  # a number cell of a spreadsheet
    if not external_id:
        raise RowError("留言编号 is empty")
    if len(external_id) > 64:
        raise RowError("留言编号 is longer than 64 characters")
    title = clean_text(str(raw.get("留言主题") or "")).replace("\n", " ")
    content = clean_text(str(raw.get("留言详情") or ""))
    if not title and not content:
        raise RowError("留言主题 and 留言详情 are both empty")
    title = title or content[:40].replace("\n", " ")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    received_at = parse_time(raw.get("留言时间"), "留言时间")
    reply = clean_text(str(raw.get("答复意见") or ""))
    replied_at = None
    if reply:
        replied_at = parse_time(raw["答复时间"], "答复时间") if raw.get("答复时间") else received_at
        replied_at = max(replied_at, received_at)
    return Message(
        line=line,
        external_id=external_id,
        user=str(raw.get("留言用户") or "").strip()[:50],
        title=title,
        content=content or title,
        received_at=received_at,
        likes=_count(raw.get("点赞数"), "点赞数"),
        dislikes=_count(raw.get("反对数"), "反对数"),
        reply=reply,
        replied_at=replied_at,
    )


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The header and the rows of a CSV (UTF-8 or GB18030) or XLSX file, each row with the line (CSV:
    the line its record starts on) or row number (XLSX) it came from."""
    if not path.is_file():
        raise ValidationFailed(f"No such file: {path}", code="file_not_found")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix not in (".csv", ".txt"):
        raise ValidationFailed(f"Unsupported file type {suffix!r}: use .csv or .xlsx.", code="invalid_file")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(f"{path.name} is neither UTF-8 nor GB18030 text.", code="invalid_file")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader, [])]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        start = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                yield start, dict(zip(header, record, strict=False))
            start = reader.line_num + 1

    return header, rows()


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationFailed(f"Cannot read {path.name}: {exc}", code="invalid_file") from exc
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(cells, ())]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, row in enumerate(cells, start=2):
            if any(value is not None and str(value).strip() for value in row):
                yield number, dict(zip(header, row, strict=False))
        workbook.close()

    return header, rows()


def import_messages(
    *, path: Path | str, actor: User, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Import a message-board export; see the module docstring for what each row becomes."""
    path = Path(path)
    header, rows = read_rows(path)
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ValidationFailed(
            f"{path.name} lacks the column(s) {', '.join(missing)}.",
            code="missing_columns",
            details={"missing": missing},
        )
    report = ImportReport()
    seen = set(
        WorkOrder.objects.filter(channel__code=CHANNEL, source_system=SOURCE).values_list(
            "external_id", flat=True
        )
    )
    batch: list[Message] = []
    for line, raw in rows:
        report.rows += 1
        try:
            message = parse_row(line, raw)
        except RowError as exc:
            report.errors.append((line, str(exc)))
            continue
        if message.external_id in seen:
            report.skipped += 1
            continue
        seen.add(message.external_id)
        batch.append(message)
        if len(batch) >= BATCH:
            _import_batch(batch, actor, path.name, report)
            if progress:
                progress(len(batch))
            batch = []
    _import_batch(batch, actor, path.name, report)
    if progress and batch:
        progress(len(batch))
    return report


def _import_batch(batch: list[Message], actor: User, source: str, report: ImportReport) -> None:
    if not batch:
        return
    with transaction.atomic():
        for message in batch:
            try:
                with transaction.atomic():  # a refused row rolls back alone
                    answered = _import_one(message, actor, source)
            except ApplicationError as exc:
                report.errors.append((message.line, exc.message))
                continue
            report.created += 1
            report.answered += int(answered)


def _import_one(message: Message, actor: User, source: str) -> bool:
    order = wo.workorder_intake(
        actor=None,
        channel=CHANNEL,
        request_type=request_type_of(message.title),
        title=message.title,
        content=message.content,
        caller=wo.Caller(name=message.user),
        now=message.received_at,
        external_id=message.external_id,
        source_system=SOURCE,
        accept=False,
        intake_data={
            "import": source,
            "line": message.line,
            "likes": message.likes,
            "dislikes": message.dislikes,
        },
    )
    if message.likes or message.dislikes:
        OrderSupport.objects.create(order=order, likes=message.likes, dislikes=message.dislikes)
    if message.reply and message.replied_at is not None:
        wo.workorder_answer(order=order, actor=actor, answer=message.reply, now=message.replied_at)
        return True
    return False

"""What every channel does with a citizen's message: make it an order (self-service: ``accept=False``,
it waits in the intake queue for an agent), or add it to the caller's open order."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.files.base import ContentFile

from hotline.core.clock import localtime
from hotline.taxonomy.models import Category, RequestType
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import OPEN_STATUSES
from hotline.workorders.models import WorkOrder

from ..models import MergedHotline

ORDER_NUMBER = re.compile(r"(?<!\d)(\d{14})(?!\d)")
_TYPE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (RequestType.REPORT, ("举报",)),
    (RequestType.COMPLAINT, ("投诉", "不满", "扰民")),
    (RequestType.SUGGESTION, ("建议",)),
    (RequestType.PRAISE, ("表扬", "感谢", "点赞")),
    (RequestType.HELP, ("求助", "帮忙", "救助")),
    (RequestType.CONSULT, ("咨询", "请问", "如何", "怎么", "是否", "？", "?")),
]


def guess_request_type(text: str) -> str:
    """A first guess from the words used; the agent who accepts the order corrects it."""
    for request_type, words in _TYPE_WORDS:
        if any(word in text for word in words):
            return str(request_type)
    return str(RequestType.OTHER)


def title_from(text: str, limit: int = 30) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def hotline_for(number: str) -> MergedHotline | None:
    if not number or number == "12345":
        return None
    return MergedHotline.objects.filter(number=number, active=True).select_related("default_category").first()


def channel_order(
    *,
    channel: str,
    text: str,
    caller: wo.Caller,
    now: dt.datetime,
    title: str = "",
    hotline_number: str = "12345",
    location_text: str = "",
    category: Category | None = None,
    request_type: str = "",
    external_id: str = "",
    source_system: str = "",
    intake_data: dict[str, Any] | None = None,
) -> WorkOrder:
    """A new order from a self-service channel, waiting for an agent to accept it. A merged hotline's
    number tags the order and gives its default category."""
    hotline = hotline_for(hotline_number)
    if hotline is not None and category is None:
        category = hotline.default_category
    data = dict(intake_data or {})
    if hotline is not None:
        data["merged_hotline"] = {"number": hotline.number, "mode": hotline.mode}
    return wo.workorder_intake(
        actor=None,
        channel=channel,
        request_type=request_type or guess_request_type(text),
        title=title.strip()[:200] or title_from(text) or "来信",
        content=text.strip(),
        caller=caller,
        now=now,
        category=category,
        location_text=location_text[:300],
        hotline_number=hotline.number if hotline is not None else (hotline_number or "12345")[:20],
        external_id=external_id[:64],
        source_system=source_system[:64],
        accept=False,
        intake_data=data or None,
    )


def add_to_order(*, order: WorkOrder, text: str, source: str, now: dt.datetime) -> WorkOrder:
    """Add what the caller sent later to their open order, as a text attachment by the caller (it shows
    in the order's history and files like any other addition)."""
    stamp = localtime(now).strftime("%Y%m%d-%H%M%S")
    wo.workorder_attach(
        order=order,
        actor=None,
        files=[ContentFile(text.encode("utf-8"), name=f"{source}-{stamp}.txt")],
        now=now,
        public=True,
    )
    return order


def open_order_of(phone: str, *, text: str, channel: str, since: dt.datetime) -> WorkOrder | None:
    """The caller's open order a follow-up belongs to: one whose number the text names, or else their
    latest open order by this channel received since ``since``."""
    mine = WorkOrder.objects.filter(caller_phone=phone, status__in=OPEN_STATUSES)
    for number in ORDER_NUMBER.findall(text):
        named = mine.filter(number=number).first()
        if named is not None:
            return named
    return mine.filter(channel__code=channel, received_at__gte=since).order_by("-received_at").first()

"""The WeChat official account (微信公众号) message callback: text messages become orders and are
answered with the order number in the passive reply (which counts as the first response); an order
number (with its query code, or of an order sent from the same account) is answered with its status.
WeChat retries a message it got no answer to with the same MsgId: the retry gets the same answer and
changes nothing. The message comes here parsed, whatever the account's mode: in safe (安全) and
compatible (兼容) mode the callback view checks ``msg_signature``, decrypts the message and encrypts
this answer with the account's EncodingAESKey; plaintext (明文) mode needs neither."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction

from hotline.workorders import services as wo
from hotline.workorders.lifecycle import OPEN_STATUSES
from hotline.workorders.models import WorkOrder

from ..models import FirstResponse, InboundMessage
from .intake import ORDER_NUMBER, add_to_order, channel_order
from .outbound import render
from .responses import response_record
from .status import public_status, status_detail

_QUERY = re.compile(r"^\s*(?:查询|进度)?\s*(\d{14})\s*([A-Za-z0-9]{6})?\s*$")
WELCOME = (
    "欢迎关注{{ city }}12345政务服务便民热线。直接发送文字即可反映诉求；发送工单号和查询码可查询办理进度。"
)
ONLY_TEXT = "目前仅受理文字诉求，请用文字描述您的问题和所在位置。"


def wechat_message(message: Any, *, now: dt.datetime) -> str:
    """The text of the passive reply to one message or event from WeChat (empty: reply "success")."""
    external_id = (
        f"wechat:{message.id}"
        if getattr(message, "id", None)
        else (f"wechat:{message.source}:{message.create_time}:{message.type}")
    )
    existing = InboundMessage.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing.reply
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundMessage.objects.create(
                    kind=InboundMessage.Kind.WECHAT,
                    external_id=external_id[:300],
                    sender=str(message.source)[:254],
                    recipient=str(message.target)[:254],
                    text=str(getattr(message, "content", "") or "")[:2000],
                    received_at=now,
                    data={"type": message.type, "event": getattr(message, "event", "")},
                )
        except IntegrityError:
            return InboundMessage.objects.get(external_id=external_id).reply
        reply, outcome, order = _answer(record, message, now=now)
        record.reply, record.outcome, record.order = reply, outcome, order
        record.save(update_fields=["reply", "outcome", "order"])
    return reply


def _answer(record: InboundMessage, message: Any, *, now: dt.datetime) -> tuple[str, str, WorkOrder | None]:
    if message.type == "event":
        if getattr(message, "event", "") == "subscribe":
            return render(WELCOME, {}), InboundMessage.Outcome.IGNORED, None
        return "", InboundMessage.Outcome.IGNORED, None
    if message.type != "text" or not record.text.strip():
        return render(ONLY_TEXT, {}), InboundMessage.Outcome.IGNORED, None
    text = record.text.strip()
    query = _QUERY.match(text)
    if query is not None:
        order = _visible_order(record.sender, query.group(1), query.group(2))
        if order is None:
            return f"未找到工单{query.group(1)}，请核对工单号和查询码。", InboundMessage.Outcome.QUERY, None
        return (
            f"工单{order.number}当前状态：{public_status(order)}。{status_detail(order)}",
            InboundMessage.Outcome.QUERY,
            order,
        )
    for number in ORDER_NUMBER.findall(text):
        own = _visible_order(record.sender, number, None)
        if own is not None and own.status in OPEN_STATUSES:
            add_to_order(order=own, text=text, source="wechat", now=now)
            return f"您补充的情况已转入工单{own.number}。", InboundMessage.Outcome.ADDED, own
    order = channel_order(
        channel="wechat",
        text=text,
        caller=wo.Caller(),
        now=now,
        intake_data={"inbound": record.pk, "wechat_openid": record.sender},
    )
    response_record(order=order, at=now, via=FirstResponse.Via.RECEIPT)
    reply = render(
        "您的诉求已受理，工单号{{ number }}，查询码{{ query_code }}。发送工单号和查询码可查询办理进度。",
        {},
        order,
    )
    return reply, InboundMessage.Outcome.ORDER, order


def _visible_order(openid: str, number: str, query_code: str | None) -> WorkOrder | None:
    """The order if this WeChat user may hear of it: they sent it, or they know its query code."""
    order = WorkOrder.objects.filter(number=number).select_related("master", "rejection_reason").first()
    if order is None:
        return None
    if query_code and query_code.upper() == order.query_code:
        return order
    sent_by_them = InboundMessage.objects.filter(
        kind=InboundMessage.Kind.WECHAT, sender=openid, order=order, outcome=InboundMessage.Outcome.ORDER
    ).exists()
    return order if sent_by_them else None

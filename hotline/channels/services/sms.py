"""Inbound SMS: the gateway's callback, after the handlers of other apps (``inbound.sms_handlers``) had
their turn. A text that is an order number asks for that order's status; one that follows up on the
caller's open order is added to it; anything else becomes a new order, with a receipt."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

from .. import conf
from ..inbound import InboundSms, sms_handlers
from ..models import InboundMessage
from .intake import ORDER_NUMBER, add_to_order, channel_order, open_order_of
from .outbound import normalize_phone, sms_send
from .status import public_status, status_detail

MAX_TEXT = 2000


def sms_receive(sms: InboundSms, *, recipient: str = "", now: dt.datetime) -> InboundMessage:
    """Handle one inbound text once: a repeated ``gateway_id`` returns the record of the first time."""
    phone = normalize_phone(sms.phone)
    external_id = f"sms:{sms.gateway_id}"[:300]
    existing = InboundMessage.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing
    text = (sms.text or "").strip()[:MAX_TEXT]
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundMessage.objects.create(
                    kind=InboundMessage.Kind.SMS,
                    external_id=external_id,
                    sender=phone,
                    recipient=recipient[:254],
                    text=text,
                    received_at=sms.received_at,
                )
        except IntegrityError:  # the same gateway id at the same moment: the other one acts
            return InboundMessage.objects.get(external_id=external_id)
        _handle(record, InboundSms(phone, text, sms.received_at, sms.gateway_id), now=now)
    return record


def _handle(record: InboundMessage, sms: InboundSms, *, now: dt.datetime) -> None:
    for handler in sms_handlers:
        if handler(sms):
            _done(record, InboundMessage.Outcome.CONSUMED)
            return
    if not sms.text:
        _done(record, InboundMessage.Outcome.IGNORED)
        return
    query = ORDER_NUMBER.fullmatch(sms.text.replace(" ", ""))
    if query is not None:
        _status_query(record, query.group(1), now=now)
        return
    since = now - dt.timedelta(hours=conf.sms_followup_hours())
    order = open_order_of(sms.phone, text=sms.text, channel="sms", since=since)
    if order is not None:
        add_to_order(order=order, text=sms.text, source="sms", now=now)
        sms_send(to=sms.phone, template="added", context={}, now=now, order=order, to_caller=True)
        _done(record, InboundMessage.Outcome.ADDED, order=order)
        return
    order = channel_order(
        channel="sms",
        text=sms.text,
        caller=wo.Caller(phone=sms.phone),
        now=now,
        hotline_number=record.recipient or "12345",
        intake_data={"inbound": record.pk},
    )
    _done(record, InboundMessage.Outcome.ORDER, order=order)  # the receipt follows from the intake event


def _status_query(record: InboundMessage, number: str, *, now: dt.datetime) -> None:
    order = (
        WorkOrder.objects.filter(number=number, caller_phone=record.sender)
        .select_related("master", "rejection_reason")
        .first()
    )
    if order is None:  # not this caller's order: say nothing about it
        reply = sms_send(
            to=record.sender,
            template="status",
            now=now,
            context={"number": number, "status": "未找到", "detail": "请核对工单号，或致电12345查询。"},
        )
    else:
        reply = sms_send(
            to=record.sender,
            template="status",
            now=now,
            order=order,
            to_caller=True,
            context={"status": public_status(order), "detail": status_detail(order)},
        )
    _done(record, InboundMessage.Outcome.QUERY, order=order, reply=reply.body)


def _done(record: InboundMessage, outcome: str, *, order: WorkOrder | None = None, reply: str = "") -> None:
    record.outcome, record.order, record.reply = outcome, order, reply
    record.save(update_fields=["outcome", "order", "reply"])

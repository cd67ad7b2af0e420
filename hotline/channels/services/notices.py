"""Answers to the caller on the channel they used, from the order's events: the receipt with the order
number at intake, public progress notes, the reviewed reply, a direct answer. Run by the worker (queued
by the event listener after commit); each notice is queued once per event (``dedupe_key``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Assignment, Event, WorkOrder

from .. import conf
from ..models import InboundMessage, OutboundMessage
from .outbound import mail_send, sms_send

# channels whose caller was answered in person (on the call, at the counter)
_SPOKEN = frozenset({"phone", "walk_in"})


def wants_notice(event: Event) -> bool:
    """Cheap test the listener runs on every event (no query)."""
    if event.action == Action.NOTE:
        return bool((event.data or {}).get("public"))
    return event.action in (Action.INTAKE, Action.ACCEPT_REPLY, Action.ANSWER)


def caller_notice(event_id: int, *, now: dt.datetime) -> OutboundMessage | None:
    event = Event.objects.select_related("order", "order__channel").filter(pk=event_id).first()
    if event is None or not wants_notice(event):
        return None
    max_age = conf.notice_max_age_minutes()
    if max_age is not None and now - event.at > dt.timedelta(minutes=max_age):
        return None  # history being loaded, not a live request
    order = event.order
    channel = order.channel.code
    template, context = _what(event, order, channel)
    if not template:
        return None
    key = f"notice:{event.pk}"
    mail = InboundMessage.objects.filter(order=order, kind=InboundMessage.Kind.MAIL).order_by("pk").first()
    if mail is not None:
        return mail_send(
            to=mail.sender,
            template=template,
            context=context,
            now=now,
            order=order,
            to_caller=True,
            in_reply_to=mail.external_id.removeprefix("mail:"),
            dedupe_key=key,
        )
    if order.caller_phone and not order.anonymous and channel != "wechat":
        return sms_send(
            to=order.caller_phone,
            template=template,
            context=context,
            now=now,
            order=order,
            to_caller=True,
            dedupe_key=key,
        )
    return None


def _what(event: Event, order: WorkOrder, channel: str) -> tuple[str, dict[str, Any]]:
    if event.action == Action.INTAKE:
        return ("receipt", {}) if channel in conf.receipt_channels() and channel != "wechat" else ("", {})
    if event.action == Action.NOTE:
        return "progress", {"text": event.comment}
    if event.action == Action.ANSWER:
        return ("", {}) if channel in _SPOKEN else ("answer", {"text": event.comment})
    lead = (
        Assignment.objects.filter(order=order, role=Assignment.Role.LEAD, state=Assignment.State.DONE)
        .select_related("unit")
        .order_by("-done_at")
        .first()
    )
    if lead is None:
        return "", {}
    return "reply", {"text": lead.result, "unit": lead.unit.name}

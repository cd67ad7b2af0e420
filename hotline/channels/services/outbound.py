"""The outbound queue: texts and mails are rendered from the editable templates, stored, and sent by the
worker after commit, with retries and backoff, through the configured backend."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context, Engine, TemplateSyntaxError

from hotline.core.errors import ValidationFailed
from hotline.workorders.models import WorkOrder

from .. import conf
from ..backends import DeliveryError
from ..backends.mail import send_mail
from ..backends.sms import sms_backend
from ..models import MessageTemplate, OutboundMessage
from ..reference import ensure_templates
from . import responses

logger = logging.getLogger("hotline.channels")
_PHONE = re.compile(r"^\+?\d{5,20}$")
_MAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Plain text: no HTML escaping; unknown variables render empty.
_ENGINE = Engine(autoescape=False)
_STUCK_AFTER = dt.timedelta(minutes=10)


def normalize_phone(value: str) -> str:
    phone = re.sub(r"[\s\-()]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise ValidationFailed(f"{value!r} is not a phone number.", code="invalid_phone")
    return phone


def template_for(code: str) -> MessageTemplate:
    template = MessageTemplate.objects.filter(code=code).first()
    if template is None:
        ensure_templates(MessageTemplate)  # a seeded template that was deleted comes back with its text
        template = MessageTemplate.objects.filter(code=code).first()
    if template is None:
        raise ValidationFailed(f"No message template {code!r}.", code="unknown_template")
    return template


def render(text: str, context: dict[str, Any], order: WorkOrder | None = None) -> str:
    values: dict[str, Any] = {"city": getattr(settings, "HOTLINE_CITY_NAME", "")}
    if order is not None:
        values.update(number=order.number, query_code=order.query_code, title=order.title)
    values.update(context)
    try:
        return _ENGINE.from_string(text).render(Context(values)).strip()
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"The template does not render: {exc}", code="invalid_template") from exc


def sms_send(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    now: dt.datetime,
    order: WorkOrder | None = None,
    to_caller: bool = False,
    dedupe_key: str | None = None,
) -> OutboundMessage:
    """Render template ``template`` with ``context`` (plus ``city`` and, with ``order``, its ``number``,
    ``query_code`` and ``title``) and queue the text to ``to``. The worker sends it after commit, with
    retries. ``to_caller`` marks an answer to the caller (it counts as the order's first response);
    ``dedupe_key`` makes a repeated call return the message queued the first time."""
    phone = normalize_phone(to)
    found = template_for(template)
    text = render(found.body, dict(context), order)
    return _queue(
        kind=OutboundMessage.Kind.SMS,
        to=phone,
        body=text,
        template=found,
        order=order,
        now=now,
        to_caller=to_caller,
        dedupe_key=dedupe_key,
    )


def mail_send(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    now: dt.datetime,
    order: WorkOrder | None = None,
    to_caller: bool = False,
    in_reply_to: str = "",
    dedupe_key: str | None = None,
) -> OutboundMessage:
    """Like ``sms_send``, for a mail (the mayor's mailbox): the template's subject and text."""
    address = (to or "").strip()
    if not _MAIL.match(address):
        raise ValidationFailed(f"{to!r} is not a mail address.", code="invalid_email")
    found = template_for(template)
    subject = render(found.subject or found.name, dict(context), order)
    body = render(found.body, dict(context), order)
    return _queue(
        kind=OutboundMessage.Kind.MAIL,
        to=address,
        subject=subject[:200],
        body=body,
        template=found,
        order=order,
        now=now,
        to_caller=to_caller,
        in_reply_to=in_reply_to,
        dedupe_key=dedupe_key,
    )


def _queue(
    *,
    kind: str,
    to: str,
    body: str,
    template: MessageTemplate,
    order: WorkOrder | None,
    now: dt.datetime,
    to_caller: bool,
    dedupe_key: str | None,
    subject: str = "",
    in_reply_to: str = "",
) -> OutboundMessage:
    if dedupe_key:
        existing = OutboundMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    state = OutboundMessage.State.QUEUED if template.active else OutboundMessage.State.SKIPPED
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                kind=kind,
                to=to,
                subject=subject,
                body=body,
                template=template.code,
                order=order,
                to_caller=to_caller,
                in_reply_to=in_reply_to[:300],
                dedupe_key=dedupe_key or None,
                state=state,
                created_at=now,
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboundMessage.objects.get(dedupe_key=dedupe_key)
    if state == OutboundMessage.State.QUEUED:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from ..tasks import send_outbound

    send_outbound(message_id)


def deliver(message_id: int, *, now: dt.datetime) -> str:
    """Send one queued message if it is still due; returns its state afterwards. Claimed by a conditional
    update, so two workers never send the same message."""
    claimed = OutboundMessage.objects.filter(
        Q(state=OutboundMessage.State.QUEUED)
        | Q(state=OutboundMessage.State.RETRY, next_attempt_at__lte=now),
        pk=message_id,
    ).update(state=OutboundMessage.State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    message = OutboundMessage.objects.select_related("order", "order__channel").get(pk=message_id)
    if not claimed:
        return message.state
    ref = f"hl-{message.pk}"
    try:
        if message.kind == OutboundMessage.Kind.MAIL:
            gateway_ref = send_mail(
                to=message.to,
                subject=message.subject,
                text=message.body,
                ref=ref,
                in_reply_to=message.in_reply_to,
            )
        else:
            gateway_ref = sms_backend().send(to=message.to, text=message.body, ref=ref)
    except DeliveryError as exc:
        final = exc.permanent or message.attempts >= conf.max_attempts()
        message.state = OutboundMessage.State.FAILED if final else OutboundMessage.State.RETRY
        message.next_attempt_at = None if final else now + backoff(message.attempts)
        message.last_error = str(exc)[:1000]
        message.save(update_fields=["state", "next_attempt_at", "last_error"])
        logger.warning("%s to %s failed (attempt %s): %s", message.kind, message.to, message.attempts, exc)
        return message.state
    message.state, message.sent_at, message.gateway_ref = OutboundMessage.State.SENT, now, gateway_ref[:100]
    message.last_error = ""
    message.save(update_fields=["state", "sent_at", "gateway_ref", "last_error"])
    if message.to_caller and message.order is not None:
        responses.response_record(
            order=message.order, at=now, via=responses.via_for_template(message.template)
        )
    return message.state


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at an hour."""
    return dt.timedelta(seconds=min(3600, conf.retry_base_seconds() * 2 ** max(0, attempts - 1)))


def due_for_retry(*, now: dt.datetime, batch: int = 200) -> list[int]:
    """Messages whose retry is due, and those stuck in ``sending`` by a worker that died."""
    OutboundMessage.objects.filter(
        state=OutboundMessage.State.SENDING, next_attempt_at__lt=now - _STUCK_AFTER
    ).update(state=OutboundMessage.State.RETRY)
    return list(
        OutboundMessage.objects.filter(state=OutboundMessage.State.RETRY, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )

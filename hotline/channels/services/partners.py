"""Partner systems: parallel hotlines and other platforms push orders through the API with their own
reference (idempotent by that reference) and hear of every status change by a signed webhook, sent by
the worker after commit, retried until delivered, once per event."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Role, User
from hotline.taxonomy.models import Category, Channel
from hotline.tokens.services import token_create
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event, WorkOrder

from ..backends import DeliveryError
from ..backends.webhooks import post_webhook
from ..models import Partner, PartnerReference, WebhookDelivery
from .intake import channel_order
from .outbound import backoff
from .status import public_status, status_detail

PARTNER_SOURCE_PREFIX = "partner:"
WEBHOOK_EVENT = "workorder.status_changed"
MAX_WEBHOOK_ATTEMPTS = 8


def partner_create(
    *,
    code: str,
    name: str,
    now: dt.datetime,
    webhook_url: str = "",
    channel: str = "partner",
    hotline_number: str = "",
) -> tuple[Partner, str]:
    """A partner with its own account and API token (returned raw, once). The account belongs to no unit
    and has no center role, so the permission gate shows it no orders."""
    code = code.strip().lower()
    if not code or Partner.objects.filter(code=code).exists():
        raise ValidationFailed(f"Partner code {code!r} is empty or taken.", code="invalid_partner_code")
    found = Channel.objects.filter(code=channel, active=True).first()
    if found is None:
        raise ValidationFailed(f"Unknown channel {channel!r}.", code="invalid_channel")
    with transaction.atomic():
        account = User.objects.create_user(
            username=f"partner-{code}"[:150], role=Role.UNIT_HANDLER, unit=None, display_name=name[:50]
        )
        account.set_unusable_password()
        account.save(update_fields=["password"])
        partner = Partner.objects.create(
            code=code,
            name=name.strip()[:100],
            account=account,
            channel=found,
            hotline_number=hotline_number.strip()[:20],
            webhook_url=webhook_url.strip(),
            secret=secrets.token_urlsafe(32),
            created_at=now,
        )
        _, raw = token_create(user=account, name=f"partner {code}", now=now)
    return partner, raw


def partner_for(user: User) -> Partner | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Partner.objects.filter(account_id=user.pk, active=True).select_related("channel").first()


def partner_push(
    *,
    partner: Partner,
    reference: str,
    title: str,
    content: str,
    caller: wo.Caller,
    request_type: str,
    now: dt.datetime,
    location_text: str = "",
    category: Category | None = None,
) -> tuple[WorkOrder, bool]:
    """The order for the partner's ``reference``: created the first time, the same order afterwards
    (also when two pushes of one reference arrive at once). Returns (order, created)."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        raise ValidationFailed(
            "A partner push needs its reference (1 to 64 characters).", code="reference_required"
        )
    existing = _referenced(partner, reference)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            order = channel_order(
                channel=partner.channel.code,
                text=content,
                title=title,
                caller=caller,
                now=now,
                request_type=request_type,
                hotline_number=partner.hotline_number or "12345",
                location_text=location_text,
                category=category,
                external_id=reference,
                source_system=f"{PARTNER_SOURCE_PREFIX}{partner.code}",
                intake_data={"partner": partner.code, "reference": reference},
            )
            PartnerReference.objects.create(partner=partner, reference=reference, order=order, created_at=now)
    except IntegrityError:
        found = _referenced(partner, reference)
        if found is None:
            raise
        return found, False
    return order, True


def _referenced(partner: Partner, reference: str) -> WorkOrder | None:
    ref = (
        PartnerReference.objects.filter(partner=partner, reference=reference).select_related("order").first()
    )
    return ref.order if ref is not None else None


def partner_order(partner: Partner, reference: str) -> WorkOrder:
    order = _referenced(partner, reference)
    if order is None:
        raise NotFound(f"No order with your reference {reference!r}.", code="order_not_found")
    return order


def wants_webhook(event: Event) -> bool:
    if event.action == Action.INTAKE:
        return True
    if event.action == Action.NOTE:
        return bool((event.data or {}).get("public"))
    return event.from_status != event.to_status


def payload_for(delivery_id: int, partner: Partner, event: Event, order: WorkOrder) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "type": WEBHOOK_EVENT,
        "partner": partner.code,
        "reference": order.external_id,
        "order": {
            "number": order.number,
            "status": order.status,
            "status_text": public_status(order),
            "detail": status_detail(order),
            "closed_at": order.closed_at.isoformat() if order.closed_at else None,
        },
        "event": {
            "seq": event.seq,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "at": event.at.isoformat(),
            "note": event.comment if event.action == Action.NOTE else "",
        },
    }


def webhooks_queue(event_id: int, *, now: dt.datetime) -> list[WebhookDelivery]:
    """The deliveries for one event, created once however often this runs."""
    event = Event.objects.select_related("order").filter(pk=event_id).first()
    if (
        event is None
        or not event.order.source_system.startswith(PARTNER_SOURCE_PREFIX)
        or not wants_webhook(event)
    ):
        return []
    code = event.order.source_system.removeprefix(PARTNER_SOURCE_PREFIX)
    partner = Partner.objects.filter(code=code, active=True).exclude(webhook_url="").first()
    if partner is None:
        return []
    delivery, created = WebhookDelivery.objects.get_or_create(
        partner=partner,
        event=event,
        defaults={"order": event.order, "payload": {}, "created_at": now, "next_attempt_at": now},
    )
    if created:
        delivery.payload = payload_for(delivery.pk, partner, event, event.order)
        delivery.save(update_fields=["payload"])
    return [delivery]


def webhook_deliver(delivery_id: int, *, now: dt.datetime) -> str:
    """POST one delivery if it is due; the same claim-by-update as the outbound queue."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    ).update(state=WebhookDelivery.State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    delivery = WebhookDelivery.objects.select_related("partner").get(pk=delivery_id)
    if not claimed:
        return delivery.state
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    try:
        status = post_webhook(
            url=delivery.partner.webhook_url,
            body=body,
            secret=delivery.partner.secret,
            delivery_id=delivery.pk,
            event=WEBHOOK_EVENT,
        )
    except DeliveryError as exc:
        final = delivery.attempts >= MAX_WEBHOOK_ATTEMPTS
        delivery.state = WebhookDelivery.State.FAILED if final else WebhookDelivery.State.PENDING
        delivery.next_attempt_at = None if final else now + backoff(delivery.attempts)
        delivery.last_error, delivery.response_status = str(exc)[:1000], exc.status
        delivery.save(update_fields=["state", "next_attempt_at", "last_error", "response_status"])
        return delivery.state
    delivery.state, delivery.delivered_at, delivery.response_status = (
        WebhookDelivery.State.DELIVERED,
        now,
        status,
    )
    delivery.last_error = ""
    delivery.save(update_fields=["state", "delivered_at", "response_status", "last_error"])
    return delivery.state


def webhooks_due(*, now: dt.datetime, batch: int = 200) -> list[int]:
    stuck = now - dt.timedelta(minutes=10)
    WebhookDelivery.objects.filter(state=WebhookDelivery.State.SENDING, next_attempt_at__lt=stuck).update(
        state=WebhookDelivery.State.PENDING
    )
    return list(
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )

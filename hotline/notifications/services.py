"""Writes of notifications: in-app messages to staff, and the SMS to a unit's contacts that goes with a
unit's notification.

``notify`` / ``notify_unit`` / ``notify_role`` are the contract other apps rely on; each returns how many
in-app notifications it created. They join the caller's transaction: nothing is created if it rolls back,
and the SMS (queued by ``hotline.channels.services.sms_send``) leaves only after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import QuerySet

from hotline.core.errors import ApplicationError, ValidationFailed
from hotline.directory.models import Role, Unit, UnitContact, User
from hotline.workorders.models import WorkOrder

from .models import Notification

log = logging.getLogger(__name__)

_TITLE_MAX = Notification._meta.get_field("title").max_length or 200
_URL_MAX = Notification._meta.get_field("url").max_length or 300


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    order: WorkOrder | None = None,
    now: dt.datetime,
) -> int:
    """Create one unread in-app notification per distinct active recipient; returns how many."""
    kind, title = (kind or "").strip(), (title or "").strip()
    if not kind:
        raise ValidationFailed("A notification needs a kind.", code="kind_required")
    if not title:
        raise ValidationFailed("A notification needs a title.", code="title_required")
    if len(url) > _URL_MAX:
        raise ValidationFailed("The link is too long.", code="url_too_long")
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in recipients:
        if user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:_TITLE_MAX],
                body=body or "",
                url=url or "",
                order=order,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(rows)
    return len(rows)


def unit_staff(unit: Unit) -> QuerySet[User]:
    """The active staff accounts of ``unit`` (not of its sub-units)."""
    return User.objects.filter(unit=unit, is_active=True, role__in=[Role.UNIT_HANDLER, Role.UNIT_LEADER])


def notify_unit(
    *,
    unit: Unit,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    order: WorkOrder | None = None,
    now: dt.datetime,
    sms_template: str = "",
    sms_context: Mapping[str, object] | None = None,
) -> int:
    """Notify the unit's staff in the app; with ``sms_template``, also text each of the unit's contacts
    who receive notices (``UnitContact.receives_notices`` with a phone) through ``sms_send``. A contact
    whose number the SMS service refuses is skipped and logged; the others still get theirs."""
    with transaction.atomic():
        created = notify(
            recipients=unit_staff(unit), kind=kind, title=title, body=body, url=url, order=order, now=now
        )
        if sms_template:
            sms_unit_contacts(
                unit=unit,
                template=sms_template,
                # the template gets the order's number and title from ``order``; ``text`` is the body
                context={"unit": unit.name, "heading": title, "text": body, **(sms_context or {})},
                order=order,
                now=now,
            )
    return created


def sms_unit_contacts(
    *,
    unit: Unit,
    template: str,
    context: Mapping[str, object],
    order: WorkOrder | None,
    now: dt.datetime,
) -> int:
    """Queue the SMS ``template`` to each contact of ``unit`` who receives notices; returns how many."""
    from hotline.channels.services import sms_send

    sent = 0
    contacts = UnitContact.objects.filter(unit=unit, receives_notices=True).exclude(phone="")
    for contact in contacts.order_by("pk"):
        try:
            with transaction.atomic():  # a refused number rolls back only its own savepoint
                sms_send(
                    to=contact.phone,
                    template=template,
                    context={**context, "contact": contact.name},
                    now=now,
                    order=order,
                )
        except ApplicationError as exc:
            if exc.code == "unknown_template":
                raise
            log.warning("SMS to %s of %s not queued: %s (%s)", contact.name, unit, exc.message, exc.code)
            continue
        sent += 1
    return sent


def notify_role(
    *,
    role: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    order: WorkOrder | None = None,
    now: dt.datetime,
) -> int:
    """Notify every active account of ``role`` (a ``Role`` value)."""
    if role not in Role.values:
        raise ValidationFailed(
            f"Unknown role {role!r}.", code="invalid_role", details={"allowed": list(Role.values)}
        )
    return notify(
        recipients=User.objects.filter(role=role, is_active=True),
        kind=kind,
        title=title,
        body=body,
        url=url,
        order=order,
        now=now,
    )


def notifications_mark_read(*, user: User, now: dt.datetime, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read (all of them, or those of ``ids``); returns how many.
    Another user's notifications are never touched."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=now)

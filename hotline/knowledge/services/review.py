"""The worker's sweep: entries due for review or about to expire are flagged to their owners, once per
date (in the app, and by SMS with the ``kb_review_due`` template)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from hotline.core.clock import localtime

from .. import conf
from ..models import Entry, EntryAction, EntryEvent, EntryStatus
from . import notices


@dataclass
class SweepResult:
    review_due: int = 0
    expiring: int = 0


def review_sweep(*, now: dt.datetime) -> SweepResult:
    """Flag every live entry whose review date or expiry date is within the lead time and not flagged
    for that date yet. Idempotent: a date is claimed by a conditional update before anyone is told."""
    today = localtime(now).date()
    horizon = today + dt.timedelta(days=conf.review_lead_days())
    result = SweepResult()
    live = Entry.objects.filter(published__isnull=False).exclude(status=EntryStatus.WITHDRAWN)
    due = live.filter(review_due_on__lte=horizon).filter(
        Q(review_notified_for__isnull=True) | ~Q(review_notified_for=F("review_due_on"))
    )
    for entry in due.select_related("published", "latest", "unit").order_by("review_due_on", "pk"):
        assert entry.review_due_on is not None
        with transaction.atomic():
            claimed = (
                Entry.objects.filter(pk=entry.pk, review_due_on=entry.review_due_on)
                .exclude(review_notified_for=entry.review_due_on)
                .update(review_notified_for=entry.review_due_on)
            )
            if not claimed:
                continue
            assert entry.published is not None
            EntryEvent.objects.create(
                entry=entry,
                version=entry.published,
                action=EntryAction.REVIEW_DUE,
                at=now,
                data={"due": entry.review_due_on.isoformat()},
            )
            notices.notify_owners(
                entry,
                kind="kb_review_due",
                title=_("Knowledge entry due for review by %(due)s: %(q)s")
                % {"due": entry.review_due_on.isoformat(), "q": entry.published.question[:60]},
                now=now,
                sms_due=entry.review_due_on,
            )
            result.review_due += 1
    expiring = live.filter(published__expires_on__isnull=False, published__expires_on__lte=horizon).filter(
        Q(expiry_notified_for__isnull=True) | ~Q(expiry_notified_for=F("published__expires_on"))
    )
    for entry in expiring.select_related("published", "latest", "unit").order_by("pk"):
        assert entry.published is not None and entry.published.expires_on is not None
        expires = entry.published.expires_on
        with transaction.atomic():
            claimed = (
                Entry.objects.filter(pk=entry.pk, published=entry.published)
                .exclude(expiry_notified_for=expires)
                .update(expiry_notified_for=expires)
            )
            if not claimed:
                continue
            EntryEvent.objects.create(
                entry=entry,
                version=entry.published,
                action=EntryAction.EXPIRY,
                at=now,
                data={"expires": expires.isoformat()},
            )
            if expires < today:
                title = _("Knowledge entry expired on %(date)s and is hidden from agents: %(q)s")
            else:
                title = _("Knowledge entry expires on %(date)s: %(q)s")
            notices.notify_owners(
                entry,
                kind="kb_expiry",
                title=title % {"date": expires.isoformat(), "q": entry.published.question[:60]},
                now=now,
                sms_due=expires,
            )
            result.expiring += 1
    return result

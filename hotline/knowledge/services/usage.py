"""What the knowledge base is used for: entries that answered orders (from the orders' ANSWER events),
and searches that found nothing (gaps the center may fill)."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hotline.core.errors import Forbidden
from hotline.directory.models import User
from hotline.text.normalize import normalize
from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event

from .. import policy
from ..models import Entry, EntryUse, SearchGap
from .entries import locked_entry

logger = logging.getLogger(__name__)
_REF = re.compile(r"^\s*(?:KB)?\s*(\d{1,18})\s*$", re.IGNORECASE)
GAP_MIN_CHARS = 2
GAP_MAX_CHARS = 200


def parse_ref(value: object) -> int | None:
    """The entry id in a ``knowledge_ref`` ("123" or "KB123"), or None."""
    match = _REF.match(str(value or ""))
    return int(match.group(1)) if match else None


def record_use(event: Event) -> EntryUse | None:
    """Record that the entry named by an ANSWER event's ``knowledge_ref`` answered its order. Idempotent
    per event; an event without a valid reference records nothing."""
    if event.action != Action.ANSWER:
        return None
    entry_id = parse_ref((event.data or {}).get("knowledge_ref"))
    if entry_id is None:
        return None
    entry = Entry.objects.filter(pk=entry_id).only("id", "published_id").first()
    if entry is None:
        logger.warning("order %s answered with unknown knowledge entry %r", event.order_id, entry_id)
        return None
    try:
        with transaction.atomic():
            use = EntryUse.objects.create(
                entry=entry,
                version_id=entry.published_id,
                order_id=event.order_id,
                event_id=event.pk,
                actor_id=event.actor_id,
                at=event.at,
            )
            Entry.objects.filter(pk=entry.pk).update(use_count=F("use_count") + 1, last_used_at=event.at)
    except IntegrityError:  # this event was recorded already
        return None
    return use


def on_event(event: Event) -> None:
    """The ``wo.event_listeners`` hook: cheap for every other action."""
    if event.action == Action.ANSWER and (event.data or {}).get("knowledge_ref"):
        record_use(event)


def gap_text(query: str) -> str:
    return " ".join(normalize(query).split())[:GAP_MAX_CHARS]


def record_gap(*, query: str, source: str, now: dt.datetime) -> SearchGap | None:
    """Count a search that found nothing; a gap closed earlier opens again when it recurs."""
    text = gap_text(query)
    if len(text) < GAP_MIN_CHARS:
        return None
    for _attempt in range(2):
        updated = SearchGap.objects.filter(query=text).update(
            count=F("count") + 1, last_at=now, last_source=source, closed_at=None
        )
        if updated:
            return SearchGap.objects.get(query=text)
        try:
            with transaction.atomic():
                return SearchGap.objects.create(query=text, count=1, first_at=now, last_at=now, last_source=source)
        except IntegrityError:
            continue
    return None


def gap_close(*, gap: SearchGap, actor: User, now: dt.datetime, entry: Entry | None = None) -> SearchGap:
    """Mark a gap dealt with (an entry written for it, or not worth one)."""
    if not policy.is_editor(actor):
        raise Forbidden(_("Only the center's editors manage gaps."), code="kb_gap_not_permitted")
    with transaction.atomic():
        if entry is not None:
            entry = locked_entry(entry)
        SearchGap.objects.filter(pk=gap.pk).update(closed_at=now, entry=entry)
        gap.refresh_from_db()
    return gap

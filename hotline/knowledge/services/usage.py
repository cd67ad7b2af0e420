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
from ..models import Entry, EntryUse, SearchGap, SearchSource
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


GAP_REQUEST_TYPES = frozenset({"consult", "help"})  # the requests a knowledge entry could have answered


def on_event(event: Event) -> None:
    """The ``wo.event_listeners`` hook: records uses at once; a question taken in is checked against the
    knowledge base by the worker (a question nothing answers is a gap). Cheap for every other action."""
    if event.action == Action.ANSWER and (event.data or {}).get("knowledge_ref"):
        record_use(event)
    elif event.action == Action.INTAKE and event.order.request_type in GAP_REQUEST_TYPES:
        from ..tasks import knowledge_gap_check

        knowledge_gap_check(event.order_id)


def check_order_gap(order_id: int, *, now: dt.datetime) -> SearchGap | None:
    """Record the title of a question or request for help as a gap when no live entry answers it."""
    from hotline.core.clock import localtime
    from hotline.workorders.models import WorkOrder

    from ..selectors import search_entries

    order = WorkOrder.objects.filter(pk=order_id).only("title", "request_type").first()
    if order is None or order.request_type not in GAP_REQUEST_TYPES:
        return None
    if not search_entries(order.title, today=localtime(now).date(), limit=3).found_nothing:
        return None
    return record_gap(query=order.title, source=SearchSource.PANEL, now=now)


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
                return SearchGap.objects.create(
                    query=text, count=1, first_at=now, last_at=now, last_source=source
                )
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

"""Who hears of an order's new events: the other apps' listeners, run by the worker after commit.

Apps append a callable to ``event_listeners`` in their ``AppConfig.ready()``. The services record events
inside their transaction; when it commits, *one* worker job per transaction delivers all of its events,
in order, to every listener. So a request pays for a single enqueue whatever the number of listeners,
and a slow or failing listener (SMS, webhooks, counters, indexes) never slows or breaks the action that
caused the event. Listeners must be idempotent: a job can be retried or an event delivered again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from .models import Event

logger = logging.getLogger(__name__)

event_listeners: list[Callable[[Event], None]] = []
_suppressed: ContextVar[bool] = ContextVar("hotline_event_delivery_suppressed", default=False)


@contextmanager
def delivery_suppressed() -> Iterator[None]:
    """Record events without handing them to the listeners: for writing history whose derived state the
    writer builds itself (the demo city's past, where each app's demo module does its own backfill)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


class _Batch:
    """The events of one transaction, queued for delivery when it commits."""

    def __init__(self) -> None:
        self.event_ids: list[int] = []
        self.queued = False

    def __call__(self) -> None:
        from .tasks import deliver_events

        self.queued = True  # later events start a batch of their own (a test runs callbacks early)
        deliver_events(self.event_ids)


def deliver_after_commit(event: Event) -> None:
    """Queue ``event`` for the listeners once the current transaction commits (nothing if it rolls back)."""
    if not event_listeners or _suppressed.get():
        return
    connection = transaction.get_connection()
    # Join the batch of the same savepoint, so a rollback to a savepoint drops exactly its own events.
    here = set(connection.savepoint_ids)
    for savepoints, callback, _robust in reversed(connection.run_on_commit):
        if isinstance(callback, _Batch) and savepoints == here and not callback.queued:
            callback.event_ids.append(event.pk)
            return
    batch = _Batch()
    batch.event_ids.append(event.pk)
    transaction.on_commit(batch)


def deliver(event_ids: list[int]) -> int:
    """Hand the events to every listener, oldest first; returns how many events were delivered. An event
    that no longer exists (its transaction rolled back to a savepoint) is skipped; a listener that fails
    is logged and the others still run."""
    events = list(Event.objects.filter(pk__in=event_ids).select_related("order").order_by("order_id", "seq"))
    for event in events:
        for listener in list(event_listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("event listener %r failed on event %s", listener, event.pk)
    return len(events)

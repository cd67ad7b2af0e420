"""The event listener of smart dispatch: it runs after commit for every new event and only enqueues jobs
(indexing and routing a new order, following its status, counting units' signatures and returns)."""

from __future__ import annotations

import logging

from hotline.workorders.lifecycle import OPEN_STATUSES, Action
from hotline.workorders.models import Event

logger = logging.getLogger(__name__)
_EVIDENCE = frozenset({Action.SIGN, Action.ACCEPT_RETURN, Action.REJECT_RETURN})
_INDEX = frozenset({Action.INTAKE, Action.UPDATE})


def on_event(event: Event) -> None:
    try:
        _enqueue(event)
    except Exception:  # the order's own change is committed; smart dispatch must never undo or block it
        logger.exception("smart dispatch could not follow event %s", event.pk)


def _enqueue(event: Event) -> None:
    from . import tasks

    action = event.action
    if action in _INDEX:
        tasks.index_order_job(event.order_id)
    elif action == Action.ACCEPT:  # accepted (at intake or later): now waiting for dispatch
        tasks.route_order_job(event.order_id)
    if action in _EVIDENCE:
        tasks.evidence_job(event.pk)
    was_open = event.from_status in OPEN_STATUSES
    is_open = event.to_status in OPEN_STATUSES
    if event.from_status and was_open != is_open:
        tasks.set_open_job(event.order_id, is_open)

"""Reacting to work-order events: an accepted reply starts the callback survey (in the worker); a
callback recorded anywhere is kept in the survey record (and a failed first round reopened)."""

from __future__ import annotations

import logging

from hotline.core.clock import now
from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event

log = logging.getLogger(__name__)


def on_event(event: Event) -> None:
    if event.action == Action.ACCEPT_REPLY:
        from .tasks import start_survey

        start_survey(event.order_id, event.at.isoformat())
    elif event.action == Action.CALLBACK:
        from .services import survey_sync_callback

        try:
            survey_sync_callback(event=event, now=now())
        except Exception:  # a listener runs after commit: never fail the request that recorded the callback
            log.exception("callback of order %s not synchronised with its survey", event.order_id)

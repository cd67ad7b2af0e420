"""Reacting to work-order events: an accepted reply starts the callback survey (in the worker)."""

from __future__ import annotations

from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event


def on_event(event: Event) -> None:
    if event.action == Action.ACCEPT_REPLY:
        from .tasks import start_survey

        start_survey(event.order_id, event.at.isoformat())

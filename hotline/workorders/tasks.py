"""Worker jobs of the work orders: delivering new events to the other apps' listeners."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from .events import deliver


@db_task()
def deliver_events(event_ids: list[int]) -> int:
    return deliver(event_ids)

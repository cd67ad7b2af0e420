"""Worker jobs of the callback: starting a survey after a reply is accepted, and the sweep that starts
missed surveys and moves unanswered ones to the phone queue."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from hotline.core.clock import now
from hotline.workorders.models import WorkOrder

from . import conf
from .services import feedback_sweep, survey_start


@db_task(retries=3, retry_delay=60)
def start_survey(order_id: int, at: str = "") -> bool:
    """Start the survey of an order whose reply was accepted ``at`` (the event's time, ISO 8601)."""
    order = WorkOrder.objects.filter(pk=order_id).first()
    when = dt.datetime.fromisoformat(at) if at else now()
    return order is not None and survey_start(order=order, now=when) is not None


@db_periodic_task(crontab(minute=f"*/{conf.sweep_minutes()}"))
@lock_task("feedback-sweep")
def sweep() -> dict[str, int]:
    return feedback_sweep(now=now())

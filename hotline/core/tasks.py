"""Worker jobs of the core: the heartbeat that ``/healthz`` reads."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .clock import now
from .models import WorkerHeartbeat


def record_heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(name="worker", defaults={"beat_at": now()})


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    record_heartbeat()

"""Worker jobs of the API layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hotline.core.clock import now

from .idempotency import purge_expired


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records() -> int:
    """Forget stored answers whose replay window has passed (hourly)."""
    return purge_expired(now=now())

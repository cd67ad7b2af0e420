"""Worker jobs of the time limits: the SLA sweep, every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hotline.core.clock import now

from .services import sla_sweep


@db_periodic_task(crontab(minute="*"))
@lock_task("sla-sweep")
def sweep() -> dict[str, int]:
    return sla_sweep(now=now())

"""Worker jobs of supervision: the sweep, every few minutes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hotline.core.clock import now

from . import conf
from .sweep import supervision_sweep


@db_periodic_task(crontab(minute=f"*/{conf.sweep_minutes()}"))
@lock_task("supervision-sweep")
def sweep() -> dict[str, int]:
    return supervision_sweep(now=now(), batch=conf.sweep_batch())

"""Worker jobs of the knowledge base: the review sweep (hourly) and the shared index snapshot."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from hotline.core.clock import now

from . import conf
from .search import engine
from .services.review import review_sweep
from .services.usage import check_order_gap

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="7"))
@lock_task("knowledge-review-sweep")
def knowledge_review_sweep() -> None:
    result = review_sweep(now=now())
    if result.review_due or result.expiring:
        logger.info(
            "knowledge review sweep: %s due for review, %s expiring", result.review_due, result.expiring
        )


@db_periodic_task(crontab(minute="*/10"))
@lock_task("knowledge-index-snapshot")
def knowledge_index_snapshot() -> None:
    """Rebuild the shared index when the processes' deltas have grown (or none exists yet)."""
    if conf.snapshot_dir() is None:
        return
    from .models import IndexState

    state = IndexState.objects.filter(pk=engine.STATE_PK).values("snapshot_name").first()
    if state and state["snapshot_name"] and engine.snapshot_lag() < conf.delta_limit() // 2:
        return
    path = engine.write_snapshot()
    logger.info("knowledge index snapshot written: %s", path)


@db_task()
def knowledge_gap_check(order_id: int) -> None:
    """A question taken in that no entry answers is recorded as a gap."""
    check_order_gap(order_id, now=now())

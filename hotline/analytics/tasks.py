"""Worker jobs of the analysis app. Every job is idempotent."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from hotline.core import clock


@db_task(retries=3, retry_delay=30)
def refresh_facts(order_ids: list[int]) -> int:
    from .counters import refresh_orders

    return refresh_orders(order_ids)


@db_task(retries=2, retry_delay=30)
def sign(order_ids: list[int]) -> int:
    from .hotspots.signatures import sign_orders

    return sign_orders(order_ids)


@db_periodic_task(crontab(minute="*/30"))
@lock_task("analytics-early-warning")
def early_warning_scan() -> int:
    from .earlywarning.services import scan

    return len(scan(now=clock.now()))


@db_periodic_task(crontab(minute="*/15"))
@lock_task("analytics-hot-issues")
def warm_hot_issues() -> int:
    from .hotspots.cache import warm

    return warm(now=clock.now())

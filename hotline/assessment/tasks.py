"""Worker jobs of the assessment: the monthly publication of the default scheme's results."""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hotline.core.clock import localtime, now

from . import conf
from .models import Publication
from .periods import last_complete
from .selectors import scheme_default
from .services import publication_create

log = logging.getLogger(__name__)


def publish_due(*, at: dt.datetime) -> Publication | None:
    """Publish last month's results of the default scheme unless the schedule already did. Idempotent:
    run as often as you like; it catches up a month the worker missed."""
    scheme = scheme_default()
    if scheme is None:
        return None
    period = last_complete("month", localtime(at).date())
    done = Publication.objects.filter(
        scheme=scheme,
        period_kind=period.kind,
        period_start=period.start,
        trigger=Publication.Trigger.SCHEDULE,
    ).exists()
    if done:
        return None
    publication = publication_create(
        scheme=scheme, period=period, actor=None, now=at, trigger=Publication.Trigger.SCHEDULE
    )
    log.info("published the assessment of %s (%s)", period.key, scheme.code)
    return publication


@db_periodic_task(crontab(minute="20", hour="*"))
@lock_task("assessment-publish")
def monthly_publication() -> int | None:
    if not conf.auto_publish():
        return None
    publication = publish_due(at=now())
    return publication.pk if publication else None

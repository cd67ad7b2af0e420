"""Worker jobs of the briefings: each finished week, 旬 and month gets its briefing, once."""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hotline.assessment.periods import last_complete
from hotline.core.clock import localtime, now

from . import conf
from .models import Briefing
from .services import briefing_generate

log = logging.getLogger(__name__)


def generate_due(*, at: dt.datetime) -> list[Briefing]:
    """Make the briefing of the last finished period of each scheduled kind, unless the schedule already
    did. Idempotent; a period the worker missed is caught up on its next run."""
    local = localtime(at)
    if local.hour < conf.schedule_hour():
        return []
    made = []
    for kind in conf.scheduled_kinds():
        period = last_complete(kind, local.date())
        if Briefing.objects.filter(
            kind=kind, period_start=period.start, trigger=Briefing.Trigger.SCHEDULE
        ).exists():
            continue
        made.append(
            briefing_generate(kind=kind, period=period, actor=None, now=at, trigger=Briefing.Trigger.SCHEDULE)
        )
        log.info("generated the %s briefing of %s", kind, period.key)
    return made


@db_periodic_task(crontab(minute="10", hour="*"))
@lock_task("briefings-schedule")
def scheduled_briefings() -> list[int]:
    return [briefing.pk for briefing in generate_due(at=now())]

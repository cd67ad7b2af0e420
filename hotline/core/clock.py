"""The one place the platform asks what time it is; services take ``now`` as a parameter instead."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def localtime(value: dt.datetime) -> dt.datetime:
    """``value`` in the deployment's time zone. Refuses naive datetimes: every instant must be aware."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: the platform works with aware datetimes only")
    return value.astimezone(local_tz())

"""Hot issues kept for the center's screen: detection over a month of a big city's orders takes seconds,
so the worker computes the standard windows every 15 minutes (``warm``) and the page shows the kept
result, or computes a window once and keeps it for ``HOT_ISSUE_CACHE_SECONDS``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.core.cache import cache

from hotline.core.clock import local_tz, localtime

from .. import conf
from .detect import Candidate, HotIssue, candidates, materialize
from .heat import Heat

KEEP = 50


def window(*, days: int, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The ``days`` days up to the end of today, in local time (stable through the day, so it caches)."""
    tomorrow = localtime(at).date() + dt.timedelta(days=1)
    until = dt.datetime.combine(tomorrow, dt.time(), tzinfo=local_tz())
    return until - dt.timedelta(days=days), until


def _key(since: dt.datetime, until: dt.datetime) -> str:
    return f"analytics:hot-issues:{since.isoformat()}:{until.isoformat()}"


def _serialize(c: Candidate) -> dict[str, Any]:
    return {
        "order_ids": c.order_ids,
        "place": c.place,
        "district": c.district,
        "keywords": c.keywords,
        "medoid": c.medoid,
        "heat": c.heat.__dict__,
        "first_at": c.first_at,
        "last_at": c.last_at,
    }


def _candidate(data: dict[str, Any]) -> Candidate:
    return Candidate(
        rows=np.empty(0, dtype=np.int64),
        heat=Heat(**data["heat"]),
        place=data["place"],
        district=data["district"],
        keywords=data["keywords"],
        medoid=data["medoid"],
        order_ids=data["order_ids"],
        first_at=data["first_at"],
        last_at=data["last_at"],
    )


def compute(since: dt.datetime, until: dt.datetime, *, at: dt.datetime) -> dict[str, Any]:
    """Detect the window's issues now and keep the ``KEEP`` hottest."""
    found = candidates(since=since, until=until)[:KEEP]
    data = {"computed_at": at, "issues": [_serialize(c) for c in found]}
    cache.set(_key(since, until), data, conf.hot_issue_cache_seconds())
    return data


def cached_issues(
    since: dt.datetime, until: dt.datetime, *, top: int, at: dt.datetime
) -> tuple[list[HotIssue], dt.datetime]:
    """The kept issues of the window (computed now when there are none), with when they were computed."""
    data = cache.get(_key(since, until))
    if data is None:
        data = compute(since, until, at=at)
    chosen = [_candidate(item) for item in data["issues"][:top]]
    return materialize(chosen), data["computed_at"]


def warm(*, now: dt.datetime) -> int:
    """Precompute the standard windows (the worker, every 15 minutes)."""
    for days in conf.hot_issue_windows():
        since, until = window(days=days, at=now)
        compute(since, until, at=now)
    return len(conf.hot_issue_windows())

"""The orders behind a figure (drill-down), always through the permission gate: a chart point names a
dimension, a key, a metric and a period, and these are the orders its counters counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hotline.core.errors import ValidationFailed
from hotline.directory.models import User
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import workorders_for_user

from ..facts import DIMENSIONS
from ..models import METRICS
from .dashboards import Period, live_filter

# metric -> (the fact's day field, further conditions)
_METRIC_DAY: dict[str, tuple[str, dict[str, object]]] = {
    "received": ("received_day", {}),
    "answered": ("final_day", {"outcome": "answered"}),
    "rejected": ("final_day", {"outcome": "rejected"}),
    "merged": ("final_day", {"outcome": "merged"}),
    "closed": ("final_day", {"outcome": "closed"}),
    "replied": ("replied_day", {}),
    "on_time": ("replied_day", {"on_time": True}),
    "late": ("replied_day", {"on_time": False}),
    "callbacks": ("callback_day", {}),
    "satisfied": ("callback_day", {"satisfaction": "satisfied"}),
    "basically": ("callback_day", {"satisfaction": "basically"}),
    "dissatisfied": ("callback_day", {"satisfaction": "dissatisfied"}),
    "solved": ("callback_day", {"solved": True}),
}
DRILL_METRICS = tuple(_METRIC_DAY)
assert set(METRICS) <= set(DRILL_METRICS)


@dataclass(frozen=True)
class Drill:
    """What a chart point stands for. ``live`` (backlog, due_soon, overdue or an open status) ignores the
    rest: those are figures of now, not of counters."""

    dimension: str = "all"
    key: str = ""
    metric: str = "received"
    start: dt.date | None = None
    end: dt.date | None = None
    live: str = ""
    district: int | None = None  # cross filters of the category / district charts
    category: int | None = None


def _optional_int(field: str, key: str) -> dict[str, object]:
    if key == "":
        return {f"analytics_fact__{field}__isnull": True}
    if not key.isdigit():
        raise ValidationFailed(f"Invalid key {key!r}.", code="invalid_key")
    return {f"analytics_fact__{field}": int(key)}


def _dimension_filter(dimension: str, key: str) -> dict[str, object]:
    if dimension == "all":
        return {}
    if dimension == "channel":
        return {"analytics_fact__channel": key}
    if dimension == "type":
        return {"analytics_fact__request_type": key}
    if dimension in ("category", "district", "unit"):
        return _optional_int(f"{dimension}_id", key)
    if dimension == "cd":
        category, _sep, district = key.partition(":")
        return {**_optional_int("category_id", category), **_optional_int("district_id", district)}
    if dimension == "hour":
        hour, _sep, channel = key.partition(":")
        if not hour.isdigit():
            raise ValidationFailed(f"Invalid key {key!r}.", code="invalid_key")
        return {"analytics_fact__received_hour": int(hour), "analytics_fact__channel": channel}
    raise ValidationFailed(
        f"Unknown dimension {dimension!r}.", code="invalid_dimension", details={"allowed": DIMENSIONS}
    )


def drill_filter(drill: Drill, *, now: dt.datetime) -> Q:
    if drill.live:
        return live_filter(drill.live, now=now)
    if drill.metric not in _METRIC_DAY:
        raise ValidationFailed(
            f"Unknown metric {drill.metric!r}.", code="invalid_metric", details={"allowed": DRILL_METRICS}
        )
    if drill.start is None or drill.end is None:
        raise ValidationFailed("A drill-down needs its period.", code="invalid_period")
    day_field, conditions = _METRIC_DAY[drill.metric]
    lookups: dict[str, object] = {
        f"analytics_fact__{day_field}__gte": drill.start,
        f"analytics_fact__{day_field}__lte": drill.end,
        **{f"analytics_fact__{name}": value for name, value in conditions.items()},
        **_dimension_filter(drill.dimension, drill.key),
    }
    if drill.district is not None:
        lookups["analytics_fact__district_id"] = drill.district
    if drill.category is not None:
        lookups["analytics_fact__category_id"] = drill.category
    return Q(**lookups)


def drill_orders(user: User, drill: Drill, *, now: dt.datetime) -> QuerySet[WorkOrder]:
    """The orders ``user`` may see behind a figure, newest first."""
    return (
        workorders_for_user(user)
        .filter(drill_filter(drill, now=now))
        .select_related("channel", "category", "division")
        .order_by("-received_at", "-pk")
    )


def period_of(drill: Drill) -> Period | None:
    if drill.start is None or drill.end is None:
        return None
    return Period(drill.start, drill.end)

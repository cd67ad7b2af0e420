"""The dashboards' figures, read from the maintained counters (``DailyStat``) and a few indexed live counts;
never a scan of the orders. Each function costs a fixed, small number of queries whatever the volume."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from hotline.core.errors import ValidationFailed
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category, Channel, RequestType
from hotline.workorders import queues
from hotline.workorders.lifecycle import OPEN_STATUSES, Status
from hotline.workorders.models import Assignment, WorkOrder

from ..models import METRICS, Alert, DailyStat

GRAINS = ("day", "week", "month")
TREND_DIMENSIONS = ("type", "category", "district", "unit", "channel")
MAX_SERIES = 8
RATES = {
    # rate: (numerator metrics, denominator metric)
    "on_time_rate": (("on_time",), "replied"),
    "satisfaction_rate": (("satisfied", "basically"), "callbacks"),
    "solved_rate": (("solved",), "callbacks"),
}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period(*, start: dt.date | None, end: dt.date | None, grain: str, today: dt.date) -> Period:
    """The period a dashboard shows: as asked, or the default for the grain (30 days, 12 weeks, 12 months)."""
    if grain not in GRAINS:
        raise ValidationFailed(f"Unknown grain {grain!r}.", code="invalid_grain", details={"allowed": GRAINS})
    end = end or today
    if start is None:
        span = {"day": 29, "week": 7 * 12 - 1, "month": 365 - 1}[grain]
        start = end - dt.timedelta(days=span)
        if grain == "week":
            start -= dt.timedelta(days=start.weekday())
        elif grain == "month":
            start = start.replace(day=1)
    if start > end:
        raise ValidationFailed("The period starts after it ends.", code="invalid_period")
    if (end - start).days > 3 * 366:
        raise ValidationFailed("A period is at most three years.", code="period_too_long")
    return Period(start, end)


def bucket_of(day: dt.date, grain: str) -> dt.date:
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def buckets(p: Period, grain: str) -> list[dt.date]:
    result: list[dt.date] = []
    day = p.start
    while day <= p.end:
        bucket = bucket_of(day, grain)
        if not result or result[-1] != bucket:
            result.append(bucket)
        day += dt.timedelta(days=1)
    return result


# ---------------------------------------------------------------------------------------------------------
# Labels of keys


def labels(dimension: str, keys: Iterable[str]) -> dict[str, str]:
    """Display names of a dimension's keys (one query at most)."""
    wanted = [k for k in keys if k]
    names: dict[str, str] = {"": _("unknown") if dimension not in ("all", "unit") else _("no unit")}
    if dimension == "all":
        names[""] = _("all")
    elif dimension == "type":
        names.update({value: str(label) for value, label in RequestType.choices})
    elif dimension == "channel":
        names.update(dict(Channel.objects.filter(code__in=wanted).values_list("code", "name")))
    elif dimension in ("category", "district", "unit"):
        models_by_dimension: dict[str, type[models.Model]] = {
            "category": Category,
            "district": Division,
            "unit": Unit,
        }
        model = models_by_dimension[dimension]
        ids = [int(k) for k in wanted if k.isdigit()]
        found = model._default_manager.filter(pk__in=ids).values_list("pk", "name")
        names.update({str(pk): str(name) for pk, name in found})
    elif dimension == "cd":
        categories = labels("category", {k.split(":")[0] for k in wanted})
        districts = labels("district", {k.split(":")[1] for k in wanted if ":" in k})
        for key in wanted:
            cat, _sep, dist = key.partition(":")
            names[key] = f"{categories.get(cat, cat)} · {districts.get(dist, dist)}"
    for key in wanted:
        names.setdefault(key, key)
    return names


# ---------------------------------------------------------------------------------------------------------
# Trends


@dataclass
class Series:
    key: str
    label: str
    values: list[float]

    @property
    def total(self) -> float:
        return sum(self.values)


@dataclass
class Trend:
    dimension: str
    metric: str
    grain: str
    period: Period
    buckets: list[dt.date]
    series: list[Series] = field(default_factory=list)


def _truncated(grain: str) -> object:
    return {"day": F("day"), "week": TruncWeek("day"), "month": TruncMonth("day")}[grain]


def _metric_sums(metric: str) -> dict[str, Sum]:
    if metric in METRICS:
        return {metric: Sum(metric)}
    if metric in RATES:
        numerators, denominator = RATES[metric]
        return {m: Sum(m) for m in (*numerators, denominator)}
    raise ValidationFailed(
        f"Unknown metric {metric!r}.", code="invalid_metric", details={"allowed": [*METRICS, *RATES]}
    )


def _value(metric: str, row: dict[str, int | None]) -> float:
    if metric in METRICS:
        return float(row.get(metric) or 0)
    numerators, denominator = RATES[metric]
    below = row.get(denominator) or 0
    return round(100.0 * sum(row.get(m) or 0 for m in numerators) / below, 1) if below else 0.0


def counter_rows(
    *,
    dimension: str,
    p: Period,
    grain: str,
    metric: str,
    district: int | None = None,
    category: int | None = None,
) -> tuple[str, list[dict[str, object]]]:
    """Summed counter rows (bucket, key, sums) of a dimension, with the cross filters the counters
    support: a district for the category dimension, a category for the district dimension."""
    stored = dimension
    stats = DailyStat.objects.filter(day__gte=p.start, day__lte=p.end)
    if dimension == "category" and district is not None:
        stored = "cd"
        stats = stats.filter(dimension="cd", key__endswith=f":{district}")
    elif dimension == "district" and category is not None:
        stored = "cd"
        stats = stats.filter(dimension="cd", key__startswith=f"{category}:")
    elif district is not None or category is not None:
        raise ValidationFailed(
            "This chart filters by district only for categories, and by category only for districts.",
            code="unsupported_filter",
        )
    else:
        stats = stats.filter(dimension=dimension)
    rows = list(
        stats.annotate(bucket=_truncated(grain))
        .values("bucket", "key")
        .annotate(**_metric_sums(metric))
        .order_by()
    )
    if stored == "cd":
        position = 0 if dimension == "category" else 1
        merged: dict[tuple[object, str], dict[str, object]] = {}
        for row in rows:
            key = str(row["key"]).split(":")[position]
            target = merged.setdefault((row["bucket"], key), {"bucket": row["bucket"], "key": key})
            for name, value in row.items():
                if name not in ("bucket", "key"):
                    target[name] = int(target.get(name) or 0) + int(value or 0)  # type: ignore[call-overload]
        rows = list(merged.values())
    return stored, rows


def trend(
    *,
    dimension: str,
    p: Period,
    grain: str,
    metric: str = "received",
    district: int | None = None,
    category: int | None = None,
    limit: int = MAX_SERIES,
) -> Trend:
    """A dimension's series over time: the ``limit`` largest keys, the rest summed as "others"."""
    if dimension not in (*TREND_DIMENSIONS, "all"):
        raise ValidationFailed(
            f"Unknown dimension {dimension!r}.",
            code="invalid_dimension",
            details={"allowed": TREND_DIMENSIONS},
        )
    _stored, rows = counter_rows(
        dimension=dimension, p=p, grain=grain, metric=metric, district=district, category=category
    )
    axis = buckets(p, grain)
    position = {bucket: i for i, bucket in enumerate(axis)}
    by_key: dict[str, list[dict[str, int | None]]] = defaultdict(lambda: [{} for _ in axis])
    for row in rows:
        bucket = row["bucket"]
        if isinstance(bucket, dt.datetime):
            bucket = bucket.date()
        index = position.get(bucket) if isinstance(bucket, dt.date) else None
        if index is None:
            continue
        by_key[str(row["key"])][index] = row  # type: ignore[assignment]
    size = metric if metric in METRICS else RATES[metric][1]
    sizes = {key: sum(float(r.get(size) or 0) for r in values) for key, values in by_key.items()}
    ranked = sorted(by_key, key=lambda k: (-sizes[k], k))
    names = labels(dimension, ranked)
    result = Trend(dimension, metric, grain, p, axis)
    for key in ranked[:limit]:
        result.series.append(Series(key, names.get(key, key), [_value(metric, r) for r in by_key[key]]))
    rest = ranked[limit:]
    if rest and metric in METRICS:
        summed = [sum(_value(metric, by_key[k][i]) for k in rest) for i in range(len(axis))]
        result.series.append(Series("*others", _("others"), summed))
    return result


# ---------------------------------------------------------------------------------------------------------
# Totals per key over a period (ranking, map, shares)


@dataclass
class KeyTotals:
    key: str
    label: str
    values: dict[str, int]

    def rate(self, name: str) -> float | None:
        numerators, denominator = RATES[name]
        below = self.values.get(denominator, 0)
        return round(100.0 * sum(self.values.get(m, 0) for m in numerators) / below, 1) if below else None


def totals(
    *, dimension: str, p: Period, district: int | None = None, category: int | None = None
) -> list[KeyTotals]:
    """Every metric summed per key of ``dimension`` over the period, the largest first."""
    stats = DailyStat.objects.filter(day__gte=p.start, day__lte=p.end)
    position = None
    if dimension == "category" and district is not None:
        stats, position = stats.filter(dimension="cd", key__endswith=f":{district}"), 0
    elif dimension == "district" and category is not None:
        stats, position = stats.filter(dimension="cd", key__startswith=f"{category}:"), 1
    else:
        stats = stats.filter(dimension=dimension)
    rows = stats.values("key").annotate(**{m: Sum(m) for m in METRICS}).order_by()
    merged: dict[str, dict[str, int]] = {}
    for row in rows:
        key = str(row["key"]) if position is None else str(row["key"]).split(":")[position]
        target = merged.setdefault(key, dict.fromkeys(METRICS, 0))
        for m in METRICS:
            target[m] += int(row[m] or 0)
    names = labels(dimension, merged)
    result = [KeyTotals(key, names.get(key, key), values) for key, values in merged.items()]
    result.sort(key=lambda t: (-t.values["received"], t.label))
    return result


def overall(p: Period) -> dict[str, int]:
    row = DailyStat.objects.filter(dimension="all", day__gte=p.start, day__lte=p.end).aggregate(
        **{m: Sum(m) for m in METRICS}
    )
    return {m: int(row[m] or 0) for m in METRICS}


# ---------------------------------------------------------------------------------------------------------
# Today, live


@dataclass
class Today:
    day: dt.date
    figures: dict[str, int]
    hours: list[int]
    channels: list[Series]
    backlog_by_status: list[tuple[str, str, int]]
    backlog: int
    due_soon: int
    overdue: int
    alerts: list[Alert]


def today(user: User, *, now: dt.datetime) -> Today:
    """Today so far: receipts by channel and hour (counters), the backlog by status, due-soon and overdue
    assignments (indexed live counts) and the open early warnings. Six queries."""
    from hotline.core.clock import localtime

    day = localtime(now).date()
    figures = overall(Period(day, day))
    hour_rows = DailyStat.objects.filter(day=day, dimension="hour").values_list("key", "received")
    per_channel: dict[str, list[float]] = defaultdict(lambda: [0.0] * 24)
    for key, received in hour_rows:
        hour, _sep, channel = key.partition(":")
        if hour.isdigit() and 0 <= int(hour) < 24:
            per_channel[channel][int(hour)] += received
    names = labels("channel", per_channel)
    channels = sorted(
        (Series(code, names.get(code, code), values) for code, values in per_channel.items()),
        key=lambda s: -s.total,
    )
    status_counts = dict(
        WorkOrder.objects.filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    backlog_by_status = [
        (status.value, str(status.label), status_counts.get(status.value, 0))
        for status in Status
        if status in OPEN_STATUSES
    ]
    return Today(
        day=day,
        figures=figures,
        hours=list(range(24)),
        channels=channels,
        backlog_by_status=backlog_by_status,
        backlog=sum(status_counts.values()),
        due_soon=_live_orders("due_soon", now=now).count(),
        overdue=_live_orders("overdue", now=now).count(),
        alerts=list(Alert.objects.filter(state=Alert.State.OPEN).order_by("-created_at")[:8]),
    )


LIVE = ("backlog", "due_soon", "overdue")


def _live_orders(kind: str, *, now: dt.datetime) -> QuerySet[Assignment, Any]:
    active = Assignment.objects.filter(state__in=queues.ACTIVE)
    if kind == "due_soon":
        active = active.filter(warn_at__lte=now, due_at__gte=now)
    else:
        active = active.filter(due_at__lt=now)
    return active.values("order_id").distinct()


def live_filter(kind: str, *, now: dt.datetime) -> Q:
    """The orders behind a live figure: ``backlog`` (open), ``due_soon`` or ``overdue`` (an active
    assignment past its warning point or its deadline), or one open status."""
    if kind == "backlog":
        return Q(status__in=OPEN_STATUSES)
    if kind in ("due_soon", "overdue"):
        return Q(pk__in=_live_orders(kind, now=now))
    if kind in OPEN_STATUSES:
        return Q(status=kind)
    raise ValidationFailed(f"Unknown live figure {kind!r}.", code="invalid_live")

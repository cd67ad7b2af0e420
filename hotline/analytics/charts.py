"""Chart specifications: plain data for ``static/analytics/charts.js`` to draw with ECharts. Each point
carries the URL of its drill-down, so a click opens the orders behind it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .selectors.dashboards import KeyTotals, Trend, bucket_of

Spec = dict[str, Any]


def drill_url(**params: object) -> str:
    clean = {k: v for k, v in params.items() if v is not None and v != ""}
    return reverse("analytics:orders") + "?" + urlencode(clean)


def bucket_end(bucket: dt.date, grain: str, last: dt.date) -> dt.date:
    if grain == "week":
        end = bucket + dt.timedelta(days=6)
    elif grain == "month":
        end = (bucket.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    else:
        end = bucket
    return min(end, last)


def bucket_label(bucket: dt.date, grain: str) -> str:
    if grain == "month":
        return bucket.strftime("%Y-%m")
    if grain == "week":
        year, week, _ = bucket.isocalendar()
        return f"{year}-W{week:02d}"
    return bucket.isoformat()


def trend_chart(
    trend: Trend, *, drill_metric: str, extra: dict[str, object] | None = None, kind: str = "line"
) -> Spec:
    extra = extra or {}
    series = []
    for item in trend.series:
        drills = []
        for bucket in trend.buckets:
            start = max(bucket, trend.period.start)
            end = bucket_end(bucket, trend.grain, trend.period.end)
            drills.append(
                ""
                if item.key == "*others"
                else drill_url(
                    dimension=trend.dimension,
                    key=item.key,
                    metric=drill_metric,
                    start=start.isoformat(),
                    end=end.isoformat(),
                    **extra,
                )
            )
        series.append({"name": item.label, "data": item.values, "drill": drills})
    return {
        "type": kind,
        "x": [bucket_label(b, trend.grain) for b in trend.buckets],
        "series": series,
        "unit": "%" if trend.metric.endswith("_rate") else "",
    }


def bars(
    items: Sequence[KeyTotals],
    *,
    dimension: str,
    value: str,
    start: dt.date,
    end: dt.date,
    drill_metric: str = "received",
    horizontal: bool = False,
    extra: dict[str, object] | None = None,
) -> Spec:
    extra = extra or {}
    data = [(item.rate(value) if value.endswith("_rate") else item.values[value]) or 0 for item in items]
    return {
        "type": "hbar" if horizontal else "bar",
        "x": [item.label for item in items],
        "series": [
            {
                "name": value,
                "data": data,
                "drill": [
                    drill_url(
                        dimension=dimension,
                        key=item.key,
                        metric=drill_metric,
                        start=start.isoformat(),
                        end=end.isoformat(),
                        **extra,
                    )
                    for item in items
                ],
            }
        ],
        "unit": "%" if value.endswith("_rate") else "",
    }


def tiles(cells: Sequence[tuple[str, int, int, float | None, str]], *, unit: str = "") -> Spec:
    """A tile map: (name, row, column, value, drill URL) per district."""
    rows = max((c[1] for c in cells), default=0) + 1
    cols = max((c[2] for c in cells), default=0) + 1
    return {
        "type": "tiles",
        "rows": rows,
        "cols": cols,
        "tiles": [
            {"name": name, "row": row, "col": col, "value": value, "drill": url}
            for name, row, col, value, url in cells
        ],
        "unit": unit,
    }


def tile_layout(codes: Sequence[str], fixed: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Positions for the districts: the configured ones, the others filling a near-square grid in order."""
    placed = {code: fixed[code] for code in codes if code in fixed}
    taken = set(placed.values())
    width = max(1, math.ceil(math.sqrt(len(codes))))
    slot = 0
    for code in codes:
        if code in placed:
            continue
        while (slot // width, slot % width) in taken:
            slot += 1
        placed[code] = (slot // width, slot % width)
        taken.add(placed[code])
    return placed


__all__ = [
    "bars",
    "bucket_end",
    "bucket_label",
    "bucket_of",
    "drill_url",
    "tile_layout",
    "tiles",
    "trend_chart",
]

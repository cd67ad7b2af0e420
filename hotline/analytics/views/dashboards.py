"""The dashboards: today live, trends, SLA compliance and satisfaction with the unit ranking, the district
map, and the orders behind any figure. Every table exports to XLSX (``?format=xlsx``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from hotline.core import clock
from hotline.directory.models import Division
from hotline.taxonomy.models import Category

from .. import charts, conf
from ..exports import orders_workbook, workbook
from ..models import METRICS
from ..selectors import dashboards as board
from ..selectors.drill import DRILL_METRICS, Drill, drill_orders
from .common import center_required, center_user, parse_date, parse_int, request_period, wants_xlsx, xlsx

METRIC_LABELS = {
    "received": pgettext_lazy("figure", "received"),
    "answered": gettext_lazy("direct answers"),
    "rejected": gettext_lazy("rejected"),
    "merged": gettext_lazy("merged"),
    "closed": gettext_lazy("closed after handling"),
    "replied": gettext_lazy("replies"),
    "on_time": gettext_lazy("replies on time"),
    "late": gettext_lazy("late replies"),
    "callbacks": gettext_lazy("callbacks"),
    "satisfied": gettext_lazy("satisfied"),
    "basically": gettext_lazy("basically satisfied"),
    "dissatisfied": gettext_lazy("dissatisfied"),
    "solved": gettext_lazy("solved"),
    "on_time_rate": gettext_lazy("on-time rate"),
    "satisfaction_rate": gettext_lazy("satisfaction rate"),
    "solved_rate": gettext_lazy("resolution rate"),
}
DIMENSION_LABELS = {
    "all": gettext_lazy("all orders"),
    "type": gettext_lazy("type"),
    "category": gettext_lazy("category"),
    "district": gettext_lazy("district"),
    "unit": gettext_lazy("unit"),
    "channel": gettext_lazy("channel"),
    "hour": gettext_lazy("hour and channel"),
    "cd": gettext_lazy("category and district"),
}
GRAIN_LABELS = {
    "day": gettext_lazy("by day"),
    "week": gettext_lazy("by week"),
    "month": gettext_lazy("by month"),
}
LIVE_LABELS = {
    "backlog": gettext_lazy("backlog"),
    "due_soon": gettext_lazy("due soon"),
    "overdue": gettext_lazy("overdue"),
}


def _choice(request: HttpRequest, name: str, allowed: tuple[str, ...] | list[str], default: str) -> str:
    value = request.GET.get(name) or default
    if value not in allowed:
        from hotline.core.errors import ValidationFailed

        raise ValidationFailed(
            f"Unknown {name} {value!r}.", code=f"invalid_{name}", details={"allowed": allowed}
        )
    return value


@center_required
def home(request: HttpRequest) -> HttpResponse:
    """Today, live: receipts by channel and hour, the backlog, due soon and overdue, open warnings."""
    user = center_user(request)
    at = clock.now()
    live = board.today(user, now=at)
    day = live.day.isoformat()
    hours_chart = {
        "type": "stacked",
        "x": [f"{h:02d}" for h in live.hours],
        "series": [
            {
                "name": series.label,
                "data": series.values,
                "drill": [
                    charts.drill_url(dimension="hour", key=f"{h:02d}:{series.key}", start=day, end=day)
                    for h in live.hours
                ],
            }
            for series in live.channels
        ],
    }
    backlog_chart = {
        "type": "bar",
        "x": [label for _, label, _ in live.backlog_by_status],
        "series": [
            {
                "name": str(LIVE_LABELS["backlog"]),
                "data": [count for _, _, count in live.backlog_by_status],
                "drill": [charts.drill_url(live=status) for status, _, _ in live.backlog_by_status],
            }
        ],
    }
    month = board.Period(live.day - dt.timedelta(days=29), live.day)
    recent = board.trend(dimension="all", p=month, grain="day")
    recent_chart = charts.trend_chart(recent, drill_metric="received")
    if wants_xlsx(request):
        rows = [[f"{h:02d}", *[int(s.values[h]) for s in live.channels]] for h in live.hours]
        header = [_("hour"), *[s.label for s in live.channels]]
        return xlsx(workbook(_("Today"), header, rows), f"today-{day}.xlsx")
    return render(
        request,
        "analytics/home.html",
        {
            "live": live,
            "hours_chart": hours_chart,
            "backlog_chart": backlog_chart,
            "recent_chart": recent_chart,
            "day": day,
            "links": {
                "received": charts.drill_url(start=day, end=day),
                "answered": charts.drill_url(metric="answered", start=day, end=day),
                "replied": charts.drill_url(metric="replied", start=day, end=day),
                "backlog": charts.drill_url(live="backlog"),
                "due_soon": charts.drill_url(live="due_soon"),
                "overdue": charts.drill_url(live="overdue"),
            },
        },
    )


@center_required
def trends(request: HttpRequest) -> HttpResponse:
    """Receipts (or another metric) by day, week or month for one dimension, with cross filters."""
    grain = _choice(request, "grain", board.GRAINS, "day")
    dimension = _choice(request, "dimension", board.TREND_DIMENSIONS, "category")
    metric = _choice(request, "metric", [*METRICS, *board.RATES], "received")
    p = request_period(request, grain)
    district = parse_int(request.GET.get("district"), "district") if dimension == "category" else None
    category = parse_int(request.GET.get("category"), "category") if dimension == "district" else None
    trend = board.trend(
        dimension=dimension, p=p, grain=grain, metric=metric, district=district, category=category
    )
    drill_metric = {"on_time_rate": "on_time", "satisfaction_rate": "callbacks", "solved_rate": "solved"}.get(
        metric, metric
    )
    extra: dict[str, object] = {"district": district, "category": category}
    chart = charts.trend_chart(trend, drill_metric=drill_metric, extra=extra)
    labels = [charts.bucket_label(b, grain) for b in trend.buckets]
    if wants_xlsx(request):
        header = [str(DIMENSION_LABELS[dimension]), *labels, _("total")]
        rows = [[s.label, *s.values, s.total if not metric.endswith("_rate") else None] for s in trend.series]
        return xlsx(workbook(_("Trend"), header, rows), f"trend-{dimension}-{metric}-{p.start}-{p.end}.xlsx")
    grand = sum(s.total for s in trend.series) or 1
    table = [
        {
            "label": s.label,
            "total": s.total,
            "share": round(100.0 * s.total / grand, 1),
            "drill": ""
            if s.key == "*others"
            else charts.drill_url(
                dimension=dimension, key=s.key, metric=drill_metric, start=p.start, end=p.end, **extra
            ),
        }
        for s in trend.series
    ]
    return render(
        request,
        "analytics/trends.html",
        {
            "trend": trend,
            "chart": chart,
            "table": table,
            "is_rate": metric.endswith("_rate"),
            "metric_label": METRIC_LABELS[metric],
            "dimension_label": DIMENSION_LABELS[dimension],
            "grain": grain,
            "dimension": dimension,
            "metric": metric,
            "period": p,
            "district": district,
            "category": category,
            "grains": GRAIN_LABELS,
            "dimensions": {d: DIMENSION_LABELS[d] for d in board.TREND_DIMENSIONS},
            "metrics": {m: METRIC_LABELS[m] for m in [*METRICS, *board.RATES]},
            "districts": Division.objects.filter(level=Division.Level.DISTRICT).order_by("code"),
            "categories": Category.objects.filter(depth=1).order_by("code"),
        },
    )


@dataclass(frozen=True)
class RankRow:
    rank: int
    label: str
    values: dict[str, int]
    late: int
    on_time_rate: float | None
    satisfaction_rate: float | None
    solved_rate: float | None
    drill: dict[str, str]


@center_required
def performance(request: HttpRequest) -> HttpResponse:
    """SLA compliance, satisfaction and resolution over time, and the units ranked."""
    grain = _choice(request, "grain", board.GRAINS, "week")
    sort = _choice(request, "sort", ["received", *board.RATES, "dissatisfied"], "on_time_rate")
    p = request_period(request, grain)
    rates = {name: board.trend(dimension="all", p=p, grain=grain, metric=name).series for name in board.RATES}
    axis = board.buckets(p, grain)
    rate_chart = {
        "type": "line",
        "x": [charts.bucket_label(b, grain) for b in axis],
        "series": [
            {
                "name": str(METRIC_LABELS[name]),
                "data": series[0].values if series else [0.0] * len(axis),
                "drill": [
                    charts.drill_url(
                        metric={
                            "on_time_rate": "late",
                            "satisfaction_rate": "dissatisfied",
                            "solved_rate": "callbacks",
                        }[name],
                        start=max(b, p.start),
                        end=charts.bucket_end(b, grain, p.end),
                    )
                    for b in axis
                ],
            }
            for name, series in rates.items()
        ],
        "unit": "%",
    }
    units = [u for u in board.totals(dimension="unit", p=p) if u.key]
    if sort in board.RATES:
        units.sort(key=lambda u: (u.rate(sort) is None, -(u.rate(sort) or 0), u.label))
    else:
        units.sort(key=lambda u: (-u.values[sort], u.label))
    ranking = [
        RankRow(
            rank=index,
            label=unit.label,
            values=unit.values,
            late=unit.values["replied"] - unit.values["on_time"],
            on_time_rate=unit.rate("on_time_rate"),
            satisfaction_rate=unit.rate("satisfaction_rate"),
            solved_rate=unit.rate("solved_rate"),
            drill={
                metric: charts.drill_url(
                    dimension="unit", key=unit.key, metric=metric, start=p.start, end=p.end
                )
                for metric in ("received", "replied", "late", "callbacks", "dissatisfied")
            },
        )
        for index, unit in enumerate(units, start=1)
    ]
    ranking_chart = charts.bars(
        units[:15],
        dimension="unit",
        value=sort,
        start=p.start,
        end=p.end,
        drill_metric="received" if sort == "received" else "replied",
        horizontal=True,
    )
    overall = board.overall(p)
    if wants_xlsx(request):
        header = [
            _("rank"), _("unit"), pgettext("figure", "received"), _("replies"), _("replies on time"), _("on-time rate"),
            _("callbacks"), _("satisfied"), _("basically satisfied"), _("dissatisfied"), _("satisfaction rate"),
            _("resolution rate"),
        ]  # fmt: skip
        counts = ("received", "replied", "on_time")
        later = ("callbacks", "satisfied", "basically", "dissatisfied")
        rows = [
            [
                r.rank,
                r.label,
                *(r.values[m] for m in counts),
                r.on_time_rate,
                *(r.values[m] for m in later),
                r.satisfaction_rate,
                r.solved_rate,
            ]
            for r in ranking
        ]
        return xlsx(workbook(_("Unit ranking"), header, rows), f"ranking-{p.start}-{p.end}.xlsx")
    return render(
        request,
        "analytics/performance.html",
        {
            "rate_chart": rate_chart,
            "ranking_chart": ranking_chart,
            "ranking": ranking,
            "overall": overall,
            "overall_rates": board.KeyTotals("", "", overall),
            "grain": grain,
            "sort": sort,
            "period": p,
            "grains": GRAIN_LABELS,
            "sorts": {m: METRIC_LABELS[m] for m in ["received", *board.RATES, "dissatisfied"]},
        },
    )


MAP_METRICS = ("received", "per_day", "on_time_rate", "satisfaction_rate", "solved_rate", "dissatisfied")


@center_required
def district_map(request: HttpRequest) -> HttpResponse:
    """The districts as a tile map, coloured by the chosen figure; a tile opens its orders."""
    metric = _choice(request, "metric", MAP_METRICS, "received")
    p = request_period(request, "day")
    category = parse_int(request.GET.get("category"), "category")
    by_key = {t.key: t for t in board.totals(dimension="district", p=p, category=category)}
    districts = list(Division.objects.filter(level=Division.Level.DISTRICT).order_by("code"))
    layout = charts.tile_layout([d.code for d in districts], conf.district_tiles())
    cells = []
    rows = []
    for division in districts:
        item = by_key.get(str(division.pk)) or board.KeyTotals(
            str(division.pk), division.name, dict.fromkeys(METRICS, 0)
        )
        if metric == "per_day":
            value: float | None = round(item.values["received"] / p.days, 1)
        elif metric in board.RATES:
            value = item.rate(metric)
        else:
            value = item.values[metric]
        drill_metric = {
            "on_time_rate": "late",
            "satisfaction_rate": "dissatisfied",
            "solved_rate": "callbacks",
        }.get(metric, "dissatisfied" if metric == "dissatisfied" else "received")
        url = charts.drill_url(
            dimension="district",
            key=division.pk,
            metric=drill_metric,
            start=p.start,
            end=p.end,
            category=category,
        )
        row, col = layout[division.code]
        cells.append((division.name, row, col, value, url))
        rows.append({"name": division.name, "values": item.values, "value": value, "drill": url,
                     "on_time_rate": item.rate("on_time_rate"), "satisfaction_rate": item.rate("satisfaction_rate")})  # fmt: skip
    unknown = by_key.get("")
    if wants_xlsx(request):
        header = [_("district"), pgettext("figure", "received"), _("replies"), _("on-time rate"), _("callbacks"),
                  _("satisfaction rate"), _("dissatisfied")]  # fmt: skip
        data = [[r["name"], r["values"]["received"], r["values"]["replied"], r["on_time_rate"], r["values"]["callbacks"],
                 r["satisfaction_rate"], r["values"]["dissatisfied"]] for r in rows]  # fmt: skip
        return xlsx(workbook(_("Districts"), header, data), f"districts-{p.start}-{p.end}.xlsx")
    return render(
        request,
        "analytics/map.html",
        {
            "chart": charts.tiles(cells, unit="%" if metric.endswith("_rate") else ""),
            "rows": rows,
            "unknown": unknown,
            "unknown_drill": charts.drill_url(dimension="district", key="", start=p.start, end=p.end),
            "metric": metric,
            "metrics": {m: (METRIC_LABELS[m] if m in METRIC_LABELS else _("per day")) for m in MAP_METRICS},
            "period": p,
            "category": category,
            "categories": Category.objects.filter(depth=1).order_by("code"),
        },
    )


@center_required
def orders(request: HttpRequest) -> HttpResponse:
    """The orders behind a figure, through the permission gate; ``?format=xlsx`` exports them."""
    user = center_user(request)
    metric = _choice(request, "metric", DRILL_METRICS, "received")
    drill = Drill(
        dimension=request.GET.get("dimension", "all"),
        key=request.GET.get("key", ""),
        metric=metric,
        start=parse_date(request.GET.get("start"), "start"),
        end=parse_date(request.GET.get("end"), "end"),
        live=request.GET.get("live", ""),
        district=parse_int(request.GET.get("district"), "district"),
        category=parse_int(request.GET.get("category"), "category"),
    )
    at = clock.now()
    found = drill_orders(user, drill, now=at)
    if wants_xlsx(request):
        return xlsx(orders_workbook(user, found), "orders.xlsx")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    key_label = ""
    if not drill.live and drill.dimension != "all":
        key_label = board.labels(drill.dimension, [drill.key]).get(drill.key, drill.key)
    from hotline.workorders.lifecycle import Status

    live_label = LIVE_LABELS.get(drill.live) or (
        Status(drill.live).label if drill.live in Status.values else ""
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "analytics/orders.html",
        {
            "page": page,
            "drill": drill,
            "metric_label": METRIC_LABELS.get(metric, metric),
            "dimension_label": DIMENSION_LABELS.get(drill.dimension, drill.dimension),
            "key_label": key_label,
            "live_label": live_label,
            "query": query.urlencode(),
        },
    )

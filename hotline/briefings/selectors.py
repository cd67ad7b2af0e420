"""Reads of the briefings: what a briefing says about a period (computed once, at generation, and kept
with it), the archive, and the typical cases.

A briefing covers the orders received in its period (volumes by channel, type, category and district, with
the previous period for comparison), the time limits and callbacks of the assignments dispatched in it (the
assessment's measures, city-wide), the units' ranking by the default scheme, the hot issues of the
analysis app, and the typical cases staff chose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from hotline.assessment.formulas import rate
from hotline.assessment.periods import Period
from hotline.assessment.scoring import Row
from hotline.assessment.selectors import assess, scheme_default
from hotline.directory.models import Division
from hotline.taxonomy.models import Category, Channel, RequestType
from hotline.text.pii import mask_pii
from hotline.workorders.lifecycle import OPEN_STATUSES, Status
from hotline.workorders.models import Assignment, WorkOrder

from .models import Briefing, TypicalCase

RANKING_SIZE = 5
HOT_ISSUES = 10


def _change(current: float | None, previous: float | None) -> float | None:
    """Per cent change from ``previous`` to ``current``; None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return round(100.0 * (current - previous) / previous, 1)


def _received(period: Period) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(received_at__gte=period.start_at(), received_at__lt=period.end_at())


def _grouped(orders: QuerySet[WorkOrder], field: Any) -> dict[Any, int]:
    rows = orders.annotate(key=field).values("key").annotate(n=Count("pk")).order_by()
    return {row["key"]: row["n"] for row in rows}


def _lines(current: dict[Any, int], previous: dict[Any, int], names: dict[Any, str]) -> list[dict[str, Any]]:
    keys = sorted(set(current) | set(previous), key=lambda k: (-current.get(k, 0), str(names.get(k, k))))
    return [
        {
            "key": "" if key is None else str(key),
            "name": names.get(key) or _("not given"),
            "count": current.get(key, 0),
            "previous": previous.get(key, 0),
            "change_pct": _change(current.get(key, 0), previous.get(key, 0)),
        }
        for key in keys
    ]


def volumes(period: Period, previous: Period) -> dict[str, Any]:
    """Orders received in the period by channel, type, top-level category and district."""
    now_orders, before_orders = _received(period), _received(previous)
    districts = list(Division.objects.filter(level=Division.Level.DISTRICT))
    prefix = min((len(d.path) for d in districts), default=0)
    district_names: dict[Any, str] = {d.path[:prefix]: d.name for d in districts}
    category_step = Category.steplen
    category_names: dict[Any, str] = {c.path: c.name for c in Category.objects.filter(depth=1)}
    channel_names: dict[Any, str] = {c.pk: c.name for c in Channel.objects.all()}
    type_names: dict[Any, str] = {value: str(label) for value, label in RequestType.choices}
    dimensions = {
        "by_channel": (F("channel_id"), channel_names),
        "by_type": (F("request_type"), type_names),
        "by_category": (Substr("category__path", 1, category_step), category_names),
        "by_district": (Substr("division__path", 1, prefix), district_names),
    }
    result: dict[str, Any] = {}
    for name, (field, names) in dimensions.items():
        current, before = _grouped(now_orders, field), _grouped(before_orders, field)
        if name == "by_district":
            current, before = _fold_unknown(current, names), _fold_unknown(before, names)
        result[name] = _lines(current, before, names)
    total, total_before = now_orders.count(), before_orders.count()
    result["total"] = total
    result["previous"] = total_before
    result["change_pct"] = _change(total, total_before)
    result["outcomes"] = _outcomes(now_orders)
    result["previous_outcomes"] = _outcomes(before_orders)
    return result


def _fold_unknown(counts: dict[Any, int], names: dict[Any, str]) -> dict[Any, int]:
    """Orders outside every district (no division, or the city itself) go under one "not located" key."""
    folded: dict[Any, int] = {}
    for key, count in counts.items():
        target = key if key in names else None
        folded[target] = folded.get(target, 0) + count
    return folded


def _outcomes(orders: QuerySet[WorkOrder]) -> dict[str, int]:
    dispatched = Exists(Assignment.objects.filter(order=OuterRef("pk")))
    return orders.aggregate(
        direct_answers=Count("pk", filter=~Q(answer="")),
        dispatched=Count("pk", filter=Q(dispatched)),
        rejected=Count("pk", filter=Q(status=Status.REJECTED)),
        merged=Count("pk", filter=Q(status=Status.MERGED)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )


def _rates(counts: dict[str, int]) -> dict[str, float | None]:
    return {
        "sign_rate": _r(rate(counts.get("signed_on_time"), counts.get("sign_due"))),
        "on_time_rate": _r(rate(counts.get("completed_on_time"), counts.get("completion_due"))),
        "response_rate": _r(rate(counts.get("responded_on_time"), counts.get("response_due"))),
        "satisfaction_rate": _r(
            rate(counts.get("satisfied", 0) + counts.get("basically", 0), counts.get("rated"))
        ),
        "resolution_rate": _r(rate(counts.get("resolved"), counts.get("rated"))),
        "reopen_rate": _r(rate(counts.get("reopened"), counts.get("rated", 0) + counts.get("reopened", 0))),
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ranking_row(row: Row) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "name": row.name,
        "total": row.total,
        "change": None if row.total_change is None else round(row.total_change, 2),
        "assigned": row.counts.get("assigned", 0),
    }


def performance(period: Period, *, as_of: dt.datetime) -> dict[str, Any]:
    """Time limits, callbacks and the units' ranking, from the assessment of the period."""
    scheme = scheme_default()
    if scheme is None:
        return {"available": False}
    assessment = assess(scheme, period, as_of=as_of, view="unit")
    counts = assessment.total.counts
    before = assessment.before.total.counts if assessment.before else {}
    ranked = assessment.ranked
    return {
        "available": True,
        "scheme": scheme.name,
        "counts": {
            key: counts.get(key, 0)
            for key in (
                "assigned",
                "sign_due",
                "signed_on_time",
                "completion_due",
                "completed_on_time",
                "overdue",
                "response_due",
                "responded_on_time",
                "rated",
                "satisfied",
                "basically",
                "dissatisfied",
                "resolved",
                "reopened",
                "returns",
                "returns_rejected",
                "extension_requests",
                "reminders",
                "supervisions",
            )
        },
        "rates": _rates(counts),
        "previous_rates": _rates(before),
        "top": [_ranking_row(row) for row in ranked[:RANKING_SIZE]],
        "bottom": [_ranking_row(row) for row in ranked[-RANKING_SIZE:][::-1]]
        if len(ranked) > RANKING_SIZE
        else [],
        "ranked": len(ranked),
    }


def hot_issues_section(period: Period) -> dict[str, Any]:
    """The analysis app's hot issues of the period (H8's ``hot_issues``), or an honest note that the
    analysis is not available."""
    try:
        from hotline.analytics.selectors import hot_issues
    except ImportError:
        return {"available": False, "items": []}
    items = hot_issues(since=period.start_at(), until=period.end_at(), top=HOT_ISSUES)
    return {
        "available": True,
        "items": [
            {
                "rank": issue.rank,
                "place": issue.place,
                "description": mask_pii(issue.description),
                "score": round(float(issue.score), 2),
                "count": len(issue.orders),
                "numbers": [order.number for order in issue.orders[:5]],
                "first_at": issue.first_at.isoformat(),
                "last_at": issue.last_at.isoformat(),
            }
            for issue in items
        ],
    }


def cases_for(period: Period) -> QuerySet[TypicalCase]:
    return (
        TypicalCase.objects.filter(date__gte=period.start, date__lt=period.end, withdrawn_at__isnull=True)
        .select_related("order", "order__category", "order__division", "chosen_by")
        .order_by("date", "pk")
    )


def _lead_units(order_ids: Iterable[int]) -> dict[int, str]:
    """The latest lead unit of each order."""
    names: dict[int, str] = {}
    rows = (
        Assignment.objects.filter(order_id__in=list(order_ids), role=Assignment.Role.LEAD)
        .exclude(state=Assignment.State.CANCELLED)
        .order_by("order_id", "dispatched_at")
        .values_list("order_id", "unit__name")
    )
    for order_id, unit_name in rows:
        names[order_id] = unit_name
    return names


def cases_section(period: Period) -> list[dict[str, Any]]:
    cases = list(cases_for(period))
    units = _lead_units(case.order_id for case in cases)
    return [
        {
            "number": case.order.number,
            "headline": case.headline,
            "summary": mask_pii(case.summary),
            "title": mask_pii(case.order.title),
            "category": case.order.category.name if case.order.category else "",
            "division": case.order.division.name if case.order.division else "",
            "unit": units.get(case.order_id, ""),
            "status": case.order.get_status_display(),
            "chosen_by": str(case.chosen_by) if case.chosen_by else "",
        }
        for case in cases
    ]


def issue_label(kind: str, period: Period) -> str:
    """The issue number (期号) of a scheduled briefing: the ISO week, the 旬 of the year, or the month."""
    if kind == Briefing.Kind.WEEK:
        year, number, _weekday = period.start.isocalendar()
    elif kind == Briefing.Kind.TENDAY:
        year, number = period.start.year, (period.start.month - 1) * 3 + (period.start.day - 1) // 10 + 1
    else:
        year, number = period.start.year, period.start.month
    return _("%(year)d, issue %(number)d") % {"year": year, "number": number}


def briefing_title(kind: str) -> str:
    city = getattr(settings, "HOTLINE_CITY_NAME", "")
    names = {
        Briefing.Kind.WEEK: _("12345 hotline weekly briefing"),
        Briefing.Kind.TENDAY: _("12345 hotline ten-day briefing"),
        Briefing.Kind.MONTH: _("12345 hotline monthly briefing"),
    }
    return f"{city}{names[Briefing.Kind(kind)]}"


def briefing_content(kind: str, period: Period, *, now: dt.datetime) -> dict[str, Any]:
    """Everything a briefing shows, as JSON-ready data."""
    previous = period.previous()
    return {
        "kind": kind,
        "title": briefing_title(kind),
        "issue": issue_label(kind, period),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "previous": {
            "start": previous.start.isoformat(),
            "end": previous.end.isoformat(),
            "label": previous.label,
        },
        "as_of": now.isoformat(),
        "complete": period.end_at() <= now,
        "volumes": volumes(period, previous),
        "performance": performance(period, as_of=now),
        "hot_issues": hot_issues_section(period),
        "cases": cases_section(period),
    }


def briefings_archive(kind: str = "") -> QuerySet[Briefing]:
    briefings = Briefing.objects.select_related("generated_by").defer("content")
    if kind:
        briefings = briefings.filter(kind=kind)
    return briefings.order_by("-period_start", "-generated_at", "-pk")

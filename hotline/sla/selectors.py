"""Reads of the time-limit data: the working calendar (cached per process) and the policy for an order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hotline.core import refcache
from hotline.core.clock import local_tz

from .clock import DEFAULT_PERIODS, WorkCalendar
from .limits import Limit
from .models import CalendarDay, CalendarYear, SlaPolicy, WorkingPeriod


def invalidate_cache() -> None:
    """Drop this process's copy of the calendar, policies and other reference data."""
    refcache.invalidate()


def _load_calendar() -> WorkCalendar:
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    periods = tuple(WorkingPeriod.objects.order_by("start").values_list("start", "end")) or DEFAULT_PERIODS
    return WorkCalendar(overrides=overrides, known_years=years, periods=periods, tz=local_tz())


def work_calendar() -> WorkCalendar:
    """The deployment's working calendar, as the pure clock functions take it."""
    return refcache.cached("calendar", _load_calendar)


def calendar_warnings(*, today: dt.date) -> list[str]:
    """Visible warnings about the calendar: this year or next (from December on) not loaded."""
    cal = work_calendar()
    missing = [today.year] if today.year not in cal.known_years else []
    if today.month == 12 and today.year + 1 not in cal.known_years:
        missing.append(today.year + 1)
    return [
        f"holidays of {year} are not loaded: working days fall back to Monday–Friday; "
        f"load the State Council notice with `hotline calendar import FILE`"
        for year in missing
    ]


@dataclass(frozen=True)
class Limits:
    """The resolved time limits for one order (or one unit's assignment of it)."""

    policy_id: int | None
    sign: Limit
    return_: Limit
    handle: Limit
    progress: Limit
    dispatch: Limit
    warning_ratio: float


DEFAULT_LIMITS = Limits(
    policy_id=None,
    sign=Limit(4, "wh"),
    return_=Limit(0, "wd"),
    handle=Limit(5, "wd"),
    progress=Limit(5, "wd"),
    dispatch=Limit(2, "wd"),
    warning_ratio=0.8,
)


def _load_policies() -> list[SlaPolicy]:
    return list(SlaPolicy.objects.filter(active=True))


def limits_for(
    *,
    request_type: str,
    urgency: str,
    category_path: str | None = None,
    unit_id: int | None = None,
) -> Limits:
    """The most specific active policy that matches. A policy for a category also covers its
    sub-categories (``category_path`` is the treebeard path of the order's category)."""
    policies = refcache.cached("policies", _load_policies)
    best: SlaPolicy | None = None
    best_rank = (-1, -1)
    category_paths = _category_paths()
    for policy in policies:
        if policy.request_type and policy.request_type != request_type:
            continue
        if policy.urgency and policy.urgency != urgency:
            continue
        if policy.unit_id and policy.unit_id != unit_id:
            continue
        depth = 0
        if policy.category_id:
            path = category_paths.get(policy.category_id, "")
            if not category_path or not path or not category_path.startswith(path):
                continue
            depth = len(path)
        rank = (policy.specificity, depth)
        if rank > best_rank:
            best, best_rank = policy, rank
    if best is None:
        return DEFAULT_LIMITS
    return Limits(
        policy_id=best.pk,
        sign=Limit.parse(best.sign_limit),
        return_=Limit.parse(best.return_limit),
        handle=Limit.parse(best.handle_limit),
        progress=Limit.parse(best.progress_limit),
        dispatch=Limit.parse(best.dispatch_limit),
        warning_ratio=float(best.warning_ratio),
    )


def _category_paths() -> dict[int, str]:
    from hotline.taxonomy.models import Category

    def load() -> dict[int, str]:
        ids = SlaPolicy.objects.filter(active=True, category__isnull=False).values_list(
            "category_id", flat=True
        )
        return dict(Category.objects.filter(pk__in=list(ids)).values_list("pk", "path"))

    return refcache.cached("policy-category-paths", load)

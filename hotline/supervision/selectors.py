"""Reads of supervision: the supervisor's workbench lists, an order's notices and flags, a unit's open
notices. Center lists are for center staff; a unit sees only what was addressed to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from hotline.core.errors import Forbidden, ValidationFailed
from hotline.directory.models import User
from hotline.workorders import queues
from hotline.workorders.models import Assignment, WorkOrder
from hotline.workorders.selectors import units_in_scope

from .models import Level, Notice, RuleHit, StaffFlag


class Tab(StrEnum):
    OVERDUE = "overdue"  # 已超期
    DUE_SOON = "due_soon"  # 即将超期
    UNSIGNED = "unsigned"  # 超时未签收
    RETURNED = "returned"  # 反复退回
    PASSED = "passed"  # 推诿
    NOTICES = "notices"  # 督办待回复
    PROGRESS = "progress"  # 未及时告知进度
    HITS = "hits"  # 规则触发
    FLAGS = "flags"  # 媒体曝光、突发


ASSIGNMENT_TABS = frozenset({Tab.OVERDUE, Tab.DUE_SOON, Tab.UNSIGNED})
ORDER_TABS = frozenset({Tab.RETURNED, Tab.PASSED})


def _center_only(user: User) -> None:
    if not (user.is_superuser or user.is_center_staff):
        raise Forbidden("Supervision belongs to the hotline center.", code="center_only")


def _notices_of(ref_order: str, ref_unit: str | None, level: str) -> Subquery:
    notices = Notice.objects.filter(order=OuterRef(ref_order), level=level)
    if ref_unit:
        notices = notices.filter(unit=OuterRef(ref_unit))
    return Subquery(
        notices.order_by().values("order").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def _with_notice_counts(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return qs.annotate(
        reminders=Coalesce(_notices_of("order", "unit", Level.REMIND), Value(0)),
        supervisions=Coalesce(_notices_of("order", "unit", Level.SUPERVISE), Value(0)),
    )


def _orders_with_counts(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return qs.annotate(
        reminders=Coalesce(_notices_of("pk", None, Level.REMIND), Value(0)),
        supervisions=Coalesce(_notices_of("pk", None, Level.SUPERVISE), Value(0)),
    ).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(state__in=queues.ACTIVE).select_related("unit"),
            to_attr="active_assignments",
        )
    )


def open_notices(user: User, *, now: dt.datetime) -> QuerySet[Notice]:
    """Supervision notices not yet answered in writing, the earliest response deadline first."""
    _center_only(user)
    return (
        Notice.objects.filter(level=Level.SUPERVISE, response__isnull=True)
        .select_related("order", "unit", "issued_by")
        .order_by("respond_by", "pk")
    )


def progress_flags(user: User) -> QuerySet[RuleHit]:
    """Open orders flagged for the progress duty (the caller heard nothing in time)."""
    _center_only(user)
    from hotline.workorders.lifecycle import OPEN_STATUSES

    return (
        RuleHit.objects.filter(rule__code="progress_duty", order__status__in=list(OPEN_STATUSES))
        .select_related("order", "notice", "notice__unit")
        .order_by("deadline", "pk")
    )


HITS_DAYS = 7


def recent_hits(user: User, *, now: dt.datetime) -> QuerySet[RuleHit]:
    """What the rules found in the last week, newest first."""
    _center_only(user)
    return (
        RuleHit.objects.filter(found_at__gte=now - dt.timedelta(days=HITS_DAYS))
        .select_related("rule", "order", "unit", "notice__unit")
        .order_by("-found_at", "-pk")
    )


def staff_flags(user: User) -> QuerySet[StaffFlag]:
    _center_only(user)
    return StaffFlag.objects.select_related("order", "flagged_by").order_by("-flagged_at", "-pk")


def tab_rows(
    user: User, tab: Tab | str, *, now: dt.datetime
) -> QuerySet[Assignment] | QuerySet[WorkOrder] | QuerySet[Notice] | QuerySet[RuleHit] | QuerySet[StaffFlag]:
    """The rows of one workbench tab (a queryset; the view pages it)."""
    try:
        tab = Tab(tab)
    except ValueError as exc:
        raise ValidationFailed(
            f"Unknown tab {tab!r}.", code="invalid_tab", details={"allowed": list(Tab)}
        ) from exc
    if tab == Tab.OVERDUE:
        return _with_notice_counts(
            queues.overdue_assignments(user, now=now).select_related("order__category")
        )
    if tab == Tab.DUE_SOON:
        return _with_notice_counts(
            queues.due_soon_assignments(user, now=now).select_related("order__category")
        )
    if tab == Tab.UNSIGNED:
        return _with_notice_counts(
            queues.sign_overdue_assignments(user, now=now).select_related("order__category")
        )
    if tab == Tab.RETURNED:
        return _orders_with_counts(queues.repeatedly_returned(user))
    if tab == Tab.PASSED:
        return _orders_with_counts(queues.passed_between_units(user))
    if tab == Tab.NOTICES:
        return open_notices(user, now=now)
    if tab == Tab.PROGRESS:
        return progress_flags(user)
    if tab == Tab.HITS:
        return recent_hits(user, now=now)
    return staff_flags(user)


def tab_counts(user: User, *, now: dt.datetime) -> dict[str, int]:
    """How many rows each tab holds (one count query per tab)."""
    _center_only(user)
    counts = {
        Tab.OVERDUE: queues.overdue_assignments(user, now=now).count(),
        Tab.DUE_SOON: queues.due_soon_assignments(user, now=now).count(),
        Tab.UNSIGNED: queues.sign_overdue_assignments(user, now=now).count(),
        Tab.RETURNED: queues.repeatedly_returned(user).count(),
        Tab.PASSED: queues.passed_between_units(user).count(),
        Tab.NOTICES: open_notices(user, now=now).count(),
        Tab.PROGRESS: progress_flags(user).count(),
        Tab.HITS: recent_hits(user, now=now).count(),
        Tab.FLAGS: StaffFlag.objects.count(),
    }
    return {str(tab): n for tab, n in counts.items()}


@dataclass
class OrderSupervision:
    """What the order panel shows: the notices (with their responses and follow-ups), flags and hits,
    and what the viewer may do."""

    notices: list[Notice] = field(default_factory=list)
    flags: list[StaffFlag] = field(default_factory=list)
    hits: list[RuleHit] = field(default_factory=list)
    awaiting_response: list[Notice] = field(default_factory=list)  # the viewer's unit must respond


def order_supervision(user: User, order: WorkOrder) -> OrderSupervision:
    """The order's supervision as ``user`` may see it: center staff see everything; unit staff see the
    notices addressed to their unit (a unit leader also its sub-units'), and no hits or flags."""
    notices = Notice.objects.filter(order=order).select_related(
        "unit", "issued_by", "response", "response__responded_by"
    )
    if user.is_superuser or user.is_center_staff:
        return OrderSupervision(
            notices=list(notices.order_by("issued_at", "pk")),
            flags=list(StaffFlag.objects.filter(order=order).select_related("flagged_by")),
            hits=list(RuleHit.objects.filter(order=order).select_related("rule").order_by("found_at", "pk")),
        )
    if not user.is_unit_staff:
        return OrderSupervision()
    mine = list(notices.filter(unit__in=units_in_scope(user)).order_by("issued_at", "pk"))
    waiting = [n for n in mine if n.level == Level.SUPERVISE and not hasattr_response(n)]
    return OrderSupervision(notices=mine, awaiting_response=waiting)


def hasattr_response(notice: Notice) -> bool:
    try:
        notice.response  # noqa: B018 - the reverse one-to-one raises when there is none
    except Notice.response.RelatedObjectDoesNotExist:
        return False
    return True


def unit_open_notices(user: User) -> QuerySet[Notice]:
    """The supervision notices addressed to the user's unit (and sub-units, for a unit leader) that
    still wait for a written response, the earliest deadline first."""
    if not user.is_unit_staff:
        raise Forbidden("This list belongs to a handling unit.", code="unit_only")
    return (
        Notice.objects.filter(level=Level.SUPERVISE, response__isnull=True, unit__in=units_in_scope(user))
        .select_related("order", "unit")
        .order_by("respond_by", "pk")
    )

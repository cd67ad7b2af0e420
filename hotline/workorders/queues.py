"""The work queues of every role, as querysets already narrowed by the permission gate.

The web workbenches, the JSON API and the CLI show the same queues from here. Center queues hold
orders; a unit's inbox holds its assignments (one row per unit's part in an order), each tab a query:
nothing is stored as "due soon" or "overdue", those are comparisons with ``now``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from hotline.core.errors import Forbidden, ValidationFailed
from hotline.directory.models import User
from hotline.taxonomy.models import Urgency

from .lifecycle import OPEN_STATUSES, Action, Status
from .models import Assignment, Event, ExtensionRequest, WorkOrder
from .selectors import units_in_scope, workorders_for_user

ACTIVE = (Assignment.State.PENDING, Assignment.State.SIGNED)
_ORDER_RELATED = ("channel", "category", "division")
# Emergencies first, then urgent, then the rest.
URGENCY_RANK = Case(
    When(urgency=Urgency.EMERGENCY, then=Value(0)),
    When(urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class CenterQueue(StrEnum):
    INTAKE = "intake"  # 待受理: self-service channels, not yet accepted
    DISPATCH = "dispatch"  # 待派单
    RETURNED = "returned"  # 退回待审
    INSTRUCTION = "instruction"  # 待批示
    REVIEW = "review"  # 回复待审核
    CALLBACK = "callback"  # 待回访


CENTER_QUEUE_STATUS: dict[CenterQueue, str] = {
    CenterQueue.INTAKE: Status.RECEIVED,
    CenterQueue.DISPATCH: Status.AWAITING_DISPATCH,
    CenterQueue.RETURNED: Status.RETURNED,
    CenterQueue.INSTRUCTION: Status.AWAITING_INSTRUCTION,
    CenterQueue.REVIEW: Status.REPLIED,
    CenterQueue.CALLBACK: Status.AWAITING_CALLBACK,
}


class InboxTab(StrEnum):
    TO_SIGN = "to_sign"  # 待签收
    IN_PROGRESS = "in_progress"  # 办理中
    DUE_SOON = "due_soon"  # 即将超期
    OVERDUE = "overdue"  # 已超期
    RETURNED = "returned"  # 已退回 (awaiting the center's ruling)
    CLOSED = "closed"  # 已办结


def _center_only(user: User) -> None:
    if not (user.is_superuser or user.is_center_staff):
        raise Forbidden("This queue belongs to the hotline center.", code="center_only")


def center_queue(user: User, queue: CenterQueue | str) -> QuerySet[WorkOrder]:
    """Orders waiting for the center in one queue, oldest first (the order they are worked in)."""
    _center_only(user)
    try:
        status = CENTER_QUEUE_STATUS[CenterQueue(queue)]
    except ValueError as exc:
        raise ValidationFailed(
            f"Unknown queue {queue!r}.", code="invalid_queue", details={"allowed": list(CenterQueue)}
        ) from exc
    orders = workorders_for_user(user).filter(status=status).select_related(*_ORDER_RELATED)
    if status == Status.AWAITING_CALLBACK:
        return orders.order_by("received_at")
    return orders.order_by(URGENCY_RANK, "received_at")


def center_queue_counts(user: User) -> dict[str, int]:
    """How many orders wait in each center queue; one query."""
    _center_only(user)
    by_status = dict(
        workorders_for_user(user)
        .filter(status__in=CENTER_QUEUE_STATUS.values())
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {queue.value: by_status.get(status, 0) for queue, status in CENTER_QUEUE_STATUS.items()}


def pending_extensions(user: User) -> QuerySet[ExtensionRequest]:
    """Extension requests (延期申请) waiting for the center's decision, oldest first."""
    _center_only(user)
    return (
        ExtensionRequest.objects.filter(decision=ExtensionRequest.Decision.PENDING)
        .select_related("assignment__order", "assignment__unit", "requested_by")
        .order_by("requested_at")
    )


def unit_inbox(user: User, tab: InboxTab | str, *, now: dt.datetime) -> QuerySet[Assignment]:
    """A unit's assignments in one tab of its inbox. Unit staff see their unit's (a unit leader also its
    sub-units'); center staff are refused, they work from the center queues."""
    if not user.is_unit_staff:
        raise Forbidden("The inbox belongs to a handling unit.", code="unit_only")
    try:
        tab = InboxTab(tab)
    except ValueError as exc:
        raise ValidationFailed(
            f"Unknown inbox tab {tab!r}.", code="invalid_tab", details={"allowed": list(InboxTab)}
        ) from exc
    mine = Assignment.objects.filter(unit__in=units_in_scope(user)).select_related(
        "unit", "order", "order__category", "order__channel"
    )
    return mine.filter(_TAB_FILTERS[tab](now)).order_by(*_TAB_ORDER[tab])


_TAB_FILTERS = {
    InboxTab.TO_SIGN: lambda now: Q(state=Assignment.State.PENDING),
    InboxTab.IN_PROGRESS: lambda now: Q(state=Assignment.State.SIGNED),
    InboxTab.DUE_SOON: lambda now: Q(state__in=ACTIVE, warn_at__lte=now, due_at__gte=now),
    InboxTab.OVERDUE: lambda now: Q(state__in=ACTIVE, due_at__lt=now),
    InboxTab.RETURNED: lambda now: Q(state=Assignment.State.RETURNED, order__status=Status.RETURNED),
    InboxTab.CLOSED: lambda now: Q(state=Assignment.State.DONE, order__status__in=[Status.CLOSED]),
}
_TAB_ORDER = {
    InboxTab.TO_SIGN: ("sign_due_at", "pk"),
    InboxTab.IN_PROGRESS: ("due_at", "pk"),
    InboxTab.DUE_SOON: ("due_at", "pk"),
    InboxTab.OVERDUE: ("due_at", "pk"),
    InboxTab.RETURNED: ("-returned_at", "pk"),
    InboxTab.CLOSED: ("-done_at", "pk"),
}


def unit_inbox_counts(user: User, *, now: dt.datetime) -> dict[str, int]:
    """How many assignments each inbox tab holds; one query."""
    if not user.is_unit_staff:
        raise Forbidden("The inbox belongs to a handling unit.", code="unit_only")
    mine = Assignment.objects.filter(unit__in=units_in_scope(user))
    return mine.aggregate(**{tab.value: Count("pk", filter=_TAB_FILTERS[tab](now)) for tab in InboxTab})


# Supervision lists (督办): the late, the nearly late, and the evasive.


def overdue_assignments(user: User, *, now: dt.datetime) -> QuerySet[Assignment]:
    """Active assignments past their handling deadline, the longest overdue first."""
    _center_only(user)
    return (
        Assignment.objects.filter(state__in=ACTIVE, due_at__lt=now)
        .select_related("order", "unit")
        .order_by("due_at")
    )


def sign_overdue_assignments(user: User, *, now: dt.datetime) -> QuerySet[Assignment]:
    """Assignments still unsigned after their sign-for limit."""
    _center_only(user)
    return (
        Assignment.objects.filter(state=Assignment.State.PENDING, sign_due_at__lt=now)
        .select_related("order", "unit")
        .order_by("sign_due_at")
    )


def due_soon_assignments(user: User, *, now: dt.datetime) -> QuerySet[Assignment]:
    """Active assignments past their warning point and not yet due, the nearest deadline first."""
    _center_only(user)
    return (
        Assignment.objects.filter(state__in=ACTIVE, warn_at__lte=now, due_at__gte=now)
        .select_related("order", "unit")
        .order_by("due_at")
    )


def repeatedly_returned(user: User, *, min_returns: int = 2, min_units: int = 1) -> QuerySet[WorkOrder]:
    """Open orders returned ``min_returns`` times or more (反复退回), with ``return_count`` and
    ``returning_units`` (how many different units returned them: 推诿 when two or more)."""
    _center_only(user)
    returns = Q(events__action=Action.RETURN)
    return (
        workorders_for_user(user)
        .filter(status__in=OPEN_STATUSES)
        .annotate(
            return_count=Count("events", filter=returns),
            returning_units=Count("events__assignment__unit", filter=returns, distinct=True),
        )
        .filter(return_count__gte=min_returns, returning_units__gte=min_units)
        .select_related(*_ORDER_RELATED)
        .order_by("-return_count", "received_at")
    )


def passed_between_units(user: User) -> QuerySet[WorkOrder]:
    """Open orders that two or more different units returned (推诿: passing the buck)."""
    return repeatedly_returned(user, min_returns=2, min_units=2)


def order_events(order: WorkOrder) -> QuerySet[Event]:
    """An order's history, oldest first, with who acted."""
    return order.events.select_related("actor", "actor_unit", "assignment__unit").order_by("seq")

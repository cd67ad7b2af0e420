"""What each rule looks for. A finder takes its rule (with the thresholds as data) and ``now`` and
yields the causes it found that have no hit yet; the sweep records each as a ``RuleHit``, whose unique
constraint makes it fire once per order and cause."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q

from hotline.directory.models import Role, User
from hotline.workorders.lifecycle import OPEN_STATUSES, Action
from hotline.workorders.models import Assignment, Event, WorkOrder
from hotline.workorders.queues import repeatedly_returned

from .models import RuleHit, StaffFlag, SupervisionRule

log = logging.getLogger(__name__)

ACTIVE = (Assignment.State.PENDING, Assignment.State.SIGNED)
OPEN = list(OPEN_STATUSES)


@dataclass(frozen=True)
class Cause:
    order_id: int
    key: str = ""
    unit_id: int | None = None
    assignment_id: int | None = None
    event_id: int | None = None
    flag_id: int | None = None
    deadline: dt.datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)


Finder = Callable[[SupervisionRule, dt.datetime, int], Iterator[Cause]]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _threshold(rule: SupervisionRule, name: str, default: int) -> int:
    value = (rule.thresholds or {}).get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _deadline_key(assignment_id: int, deadline: dt.datetime) -> str:
    return f"a{assignment_id}@{int(deadline.timestamp())}"


def _missed(
    rule: SupervisionRule, batch: int, where: Q, deadline_field: str, *, per_deadline: bool
) -> Iterator[Cause]:
    hit = RuleHit.objects.filter(rule=rule, assignment=OuterRef("pk"))
    if per_deadline:
        hit = hit.filter(deadline=OuterRef(deadline_field))
    rows = (
        Assignment.objects.filter(where, order__status__in=OPEN)
        .filter(~Exists(hit))
        .order_by(deadline_field, "pk")
        .values_list("pk", "order_id", "unit_id", deadline_field)[:batch]
    )
    for pk, order_id, unit_id, deadline in rows:
        yield Cause(
            order_id,
            key=_deadline_key(pk, deadline) if per_deadline else f"a{pk}",
            unit_id=unit_id,
            assignment_id=pk,
            deadline=deadline,
            data={"due_at": _iso(deadline)},
        )


def sign_overdue(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """Assignments still unsigned after the sign-for limit (plus the grace hours)."""
    limit = now - dt.timedelta(hours=_threshold(rule, "grace_hours", 0))
    where = Q(state=Assignment.State.PENDING, sign_due_at__lt=limit)
    return _missed(rule, batch, where, "sign_due_at", per_deadline=False)


def handle_overdue(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """Open assignments past their handling deadline; once per deadline (an approved extension that is
    missed again is a new cause)."""
    limit = now - dt.timedelta(hours=_threshold(rule, "grace_hours", 0))
    return _missed(rule, batch, Q(state__in=ACTIVE, due_at__lt=limit), "due_at", per_deadline=True)


def due_soon(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """Open assignments past their warning point and not yet due; once per deadline."""
    where = Q(state__in=ACTIVE, warn_at__lte=now, due_at__gte=now)
    return _missed(rule, batch, where, "due_at", per_deadline=True)


def _events(rule: SupervisionRule, now: dt.datetime, batch: int, action: str) -> Any:
    since = now - dt.timedelta(days=_threshold(rule, "lookback_days", 30))
    return (
        Event.objects.filter(action=action, at__gte=since, at__lte=now, order__status__in=OPEN)
        .filter(~Exists(RuleHit.objects.filter(rule=rule, event=OuterRef("pk"))))
        .order_by("at", "pk")
        .values_list("pk", "order_id", "assignment__unit_id", "data", "comment")[:batch]
    )


def return_rejected(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """Returns the center rejected as within the unit's duty (REJECT_RETURN events)."""
    for pk, order_id, unit_id, data, comment in _events(rule, now, batch, Action.REJECT_RETURN):
        unit = unit_id or (data or {}).get("unit")
        yield Cause(order_id, key=f"e{pk}", unit_id=unit, event_id=pk, data={"ruling": comment})


def leader_instruction(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """A leader's instruction (INSTRUCT events): the unit handling the order is supervised on it (after
    dispatch, when the instruction came before)."""
    for pk, order_id, _unit, _data, comment in _events(rule, now, batch, Action.INSTRUCT):
        yield Cause(order_id, key=f"e{pk}", event_id=pk, data={"instruction": comment})


# The queues of the work-order app are behind the permission gate; the sweep reads them as a supervisor
# of the center would (an account that is never saved).
_PLATFORM_VIEWER = User(username="supervision-sweep", role=Role.SUPERVISOR, is_active=True)


def passed_between(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """Open orders returned by two or more different units (推诿), once per order."""
    orders = (
        repeatedly_returned(
            _PLATFORM_VIEWER,
            min_returns=_threshold(rule, "min_returns", 2),
            min_units=_threshold(rule, "min_units", 2),
        )
        .filter(~Exists(RuleHit.objects.filter(rule=rule, order=OuterRef("pk"))))
        .select_related(None)
        .only("pk")[:batch]
    )
    for order in orders:
        returns, units = getattr(order, "return_count", 0), getattr(order, "returning_units", 0)
        yield Cause(order.pk, data={"returns": returns, "returning_units": units})


def _flags(kind: str) -> Finder:
    def find(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
        flags = (
            StaffFlag.objects.filter(kind=kind, order__status__in=OPEN, flagged_at__lte=now)
            .filter(~Exists(RuleHit.objects.filter(rule=rule, flag=OuterRef("pk"))))
            .order_by("flagged_at", "pk")
            .values_list("pk", "order_id", "note", "source")[:batch]
        )
        for pk, order_id, note, source in flags:
            yield Cause(order_id, key=f"f{pk}", flag_id=pk, data={"note": note, "source": source})

    find.__doc__ = f"Orders staff flagged as {kind}."
    return find


def progress_duty(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """Open orders whose caller has heard no progress (no public note, commitment or accepted reply) by
    the progress limit: the order is flagged (this hit) and the unit reminded once."""
    limit = now - dt.timedelta(hours=_threshold(rule, "grace_hours", 0))
    orders = (
        WorkOrder.objects.filter(
            status__in=OPEN, progress_due_at__lt=limit, progress_reported_at__isnull=True
        )
        .filter(~Exists(RuleHit.objects.filter(rule=rule, order=OuterRef("pk"))))
        .order_by("progress_due_at", "pk")
        .values_list("pk", "progress_due_at")[:batch]
    )
    for pk, due in orders:
        yield Cause(pk, deadline=due, data={"due_at": _iso(due)})


def same_matter_count(order: WorkOrder, *, since: dt.datetime) -> tuple[int, str]:
    """How many earlier orders (from ``since`` up to this one) report the matter of ``order``, and by
    which method: smart dispatch's duplicate detection when it is installed, else the same caller and
    category."""
    try:
        from hotline.routing.selectors import same_matter_orders
    except ImportError:
        if not (order.caller_phone and order.category_id):
            return 0, "caller_category"
        others = WorkOrder.objects.filter(
            caller_phone=order.caller_phone,
            category_id=order.category_id,
            received_at__gte=since,
            received_at__lte=order.received_at,
        ).exclude(pk=order.pk)
        return others.count(), "caller_category"
    earlier = [o for o in same_matter_orders(order, since=since) if o.received_at <= order.received_at]
    return len(earlier), "same_matter"


def repeated_complaint(rule: SupervisionRule, now: dt.datetime, batch: int) -> Iterator[Cause]:
    """New orders about a matter reported ``count`` times or more (this one included) within ``days``.
    Each order is looked at once, when it is new: the rule keeps the last order it looked at (with an
    overlap, for orders still being written when the sweep ran)."""
    count, days = _threshold(rule, "count", 3), _threshold(rule, "days", 30)
    start = int((rule.progress or {}).get("last_order_pk", 0))
    fresh = WorkOrder.objects.filter(received_at__gte=now - dt.timedelta(days=days), received_at__lte=now)
    last = start
    if start:
        fresh = fresh.filter(pk__gt=max(0, start - _OVERLAP))
    # the mark moves over every order looked at; only open ones can still be supervised
    newest = fresh.order_by("-pk").values_list("pk", flat=True)[:1]
    fresh = fresh.filter(status__in=OPEN)
    fresh = fresh.filter(~Exists(RuleHit.objects.filter(rule=rule, order=OuterRef("pk"))))
    candidates = list(fresh.select_related("category").order_by("pk")[:batch])
    if len(candidates) < batch:  # all open orders up to the newest were read: the mark may pass them all
        last = max([last, *newest])
    for order in candidates:
        last = max(last, order.pk)
        others, method = same_matter_count(order, since=order.received_at - dt.timedelta(days=days))
        if others + 1 >= count:
            yield Cause(order.pk, data={"count": others + 1, "days": days, "method": method})
    if last > start:
        SupervisionRule.objects.filter(pk=rule.pk).update(
            progress={**(rule.progress or {}), "last_order_pk": last}
        )


_OVERLAP = 50  # orders re-read below the mark: ids are taken before commit, so commits can land out of order

FINDERS: dict[str, Finder] = {
    "sign_overdue": sign_overdue,
    "handle_overdue": handle_overdue,
    "due_soon": due_soon,
    "return_rejected": return_rejected,
    "passed_between": passed_between,
    "repeated_complaint": repeated_complaint,
    "leader_instruction": leader_instruction,
    "media_exposed": _flags(StaffFlag.Kind.MEDIA),
    "sudden_event": _flags(StaffFlag.Kind.SUDDEN),
    "progress_duty": progress_duty,
}

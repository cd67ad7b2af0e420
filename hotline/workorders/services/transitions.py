"""The one transition function and what every service shares: events, deadlines, the actor check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.rows import Table
from hotline.directory.models import Unit, User
from hotline.sla import clock
from hotline.sla.limits import Limit
from hotline.sla.selectors import Limits, limits_for, work_calendar
from hotline.taxonomy.models import RequestType, Urgency
from hotline.taxonomy.selectors import category_path

from ..events import deliver_after_commit
from ..lifecycle import CALLER_ACTIONS, MARK_ACTIONS, SYSTEM_ACTIONS, Action, role_may, target_status
from ..models import Assignment, Event, WorkOrder

# Every transition locks, updates and appends by hand-written SQL (``hotline.core.rows``): the ORM's
# compilation of these three statements cost more than the rest of a transition. The unit's actions read
# and update their assignment the same way.
ORDERS, EVENTS = Table(WorkOrder), Table(Event)
ASSIGNMENTS, UNITS = Table(Assignment, "a"), Table(Unit, "u")


def transition(
    order: WorkOrder,
    action: str,
    *,
    actor: User | None,
    now: dt.datetime,
    version: int | None = None,
    assignment: Assignment | None = None,
    reason: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    guard: Callable[[WorkOrder], None] | None = None,
    locked: WorkOrder | None = None,
) -> tuple[WorkOrder, Event]:
    """Move ``order`` by ``action`` and append the event. Must run inside a transaction.

    ``changes`` are further fields of the order to set in the same update; ``guard`` runs on the locked,
    fresh order and raises an ``ApplicationError`` to refuse. ``locked``: the order's row as the caller
    locked it in this transaction (a unit's action reads it with its assignments).
    """
    if locked is None:
        locked = ORDERS.locked(order.pk)
    if locked is None:
        raise WorkOrder.DoesNotExist(f"work order {order.pk} does not exist")
    if version is not None and locked.version != version:
        raise Conflict(
            "The order was changed by someone else; reload it and try again.",
            code="stale_version",
            details={"expected": version, "current": locked.version},
        )
    _check_actor(actor, action)
    assisting = assignment is not None and assignment.role == Assignment.Role.ASSIST
    target = target_status(action, locked.status, assisting=assisting)
    if target is None:
        raise Conflict(
            f"Action {action!r} is not allowed while the order is {locked.status!r}.",
            code="transition_not_allowed",
            details={"action": action, "status": locked.status},
        )
    if guard is not None:
        guard(locked)
    source = locked.status
    fields = {"status": target, **(changes or {})}
    # The platform's own marks leave the version alone, so they never make a person's open form stale.
    bump = action not in MARK_ACTIONS or actor is not None
    for name, value in fields.items():
        setattr(locked, name, value)
    update_fields = [*fields, "last_event_seq"]
    if bump:
        locked.version += 1
        update_fields.append("version")
    event = _new_event(
        locked,
        action=action,
        actor=actor,
        now=now,
        from_status=source,
        assignment=assignment,
        reason=reason,
        comment=comment,
        data=data,
    )
    ORDERS.update(locked, update_fields)
    EVENTS.insert([event])
    _after_commit(event)
    return locked, event


def _check_actor(actor: User | None, action: str) -> None:
    if actor is None:
        if action not in SYSTEM_ACTIONS | CALLER_ACTIONS:
            raise Forbidden(f"Action {action!r} needs a person.", code="action_not_permitted")
        return
    if not actor.is_active:
        raise Forbidden("This account is disabled.", code="account_disabled")
    if not role_may(actor.role, action):
        raise Forbidden(
            f"A {actor.get_role_display()} may not {Action(action).label}.",
            code="action_not_permitted",
            details={"role": actor.role, "action": action},
        )


def _new_event(
    order: WorkOrder,
    *,
    action: str,
    actor: User | None,
    now: dt.datetime,
    from_status: str,
    assignment: Assignment | None = None,
    reason: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """An unsaved event with the order's next ``seq``; ``order.last_event_seq`` is advanced to it and
    the caller saves both."""
    order.last_event_seq += 1
    return Event(
        order=order,
        seq=order.last_event_seq,
        action=action,
        at=now,
        actor=actor,
        actor_unit_id=actor.unit_id if actor is not None else None,
        assignment=assignment,
        from_status=from_status,
        to_status=order.status,
        reason=reason,
        comment=comment,
        data=data or {},
    )


def _after_commit(event: Event) -> None:
    deliver_after_commit(event)


def _limits(order: WorkOrder, unit: Unit | None = None) -> Limits:
    return limits_for(
        request_type=order.request_type,
        urgency=order.urgency,
        category_path=category_path(order.category_id) if order.category_id else None,
        unit_id=unit.pk if unit else None,
    )


def deadline(start: dt.datetime, limit: Limit) -> dt.datetime:
    return clock.add_limit(work_calendar(), start, limit)


def _warn_at(start: dt.datetime, due: dt.datetime, limit: Limit, ratio: float) -> dt.datetime:
    if limit.unit == "h":
        return start + (due - start) * ratio
    cal = work_calendar()
    span = clock.working_time_between(cal, start, due)
    return clock.add_working_time(cal, start, span * ratio)


def _validate_choice(value: str, choices: type[RequestType] | type[Urgency], field: str) -> None:
    if value not in choices.values:
        raise ValidationFailed(
            f"Unknown {field} {value!r}.", code=f"invalid_{field}", details={"allowed": list(choices.values)}
        )


def _move(
    order: WorkOrder,
    action: str,
    *,
    actor: User | None,
    now: dt.datetime,
    version: int | None = None,
    reason: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    guard: Callable[[WorkOrder], None] | None = None,
) -> WorkOrder:
    moved, _ = transition(
        order,
        action,
        actor=actor,
        now=now,
        version=version,
        reason=reason,
        comment=comment,
        data=data,
        changes=changes,
        guard=guard,
    )
    return moved


def workorder_by_number(number: str) -> WorkOrder:
    """For services and commands that act without a user in front of them (the portal uses the gate)."""
    try:
        return WorkOrder.objects.get(number=number)
    except WorkOrder.DoesNotExist as exc:
        raise NotFound(f"No work order {number}.", code="order_not_found") from exc

"""The unit's work on its assignment: sign for (签收), return (退回), extension request, progress notes,
assisting contributions (协办), commitment replies (承诺件) and the reply (回复)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.rows import split
from hotline.directory.models import Role, Unit, User
from hotline.sla.limits import Limit

from ..lifecycle import Action
from ..models import Assignment, Event, ExtensionRequest, WorkOrder
from .transitions import ASSIGNMENTS, ORDERS, UNITS, _limits, _move, _warn_at, transition

OPEN_STATES = (Assignment.State.PENDING, Assignment.State.SIGNED)
_IN_ORDER = "ORDER BY a.round, a.role, a.id"  # the model's order


def _with_unit(assignment: Assignment, unit: Unit) -> Assignment:
    assignment._state.fields_cache["unit"] = unit
    return assignment


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def assignments_in(order: WorkOrder, states: Sequence[str]) -> list[Assignment]:
    """The order's assignments in ``states``, each with its unit, in the model's order. By hand-written
    SQL (``hotline.core.rows``): the review of a reply and the actions not taken through
    ``locked_with_open_assignments`` ask first."""
    sql = (
        f"SELECT {ASSIGNMENTS.columns()}, {UNITS.columns()} FROM {ASSIGNMENTS.name()} a "  # noqa: S608
        f"JOIN {UNITS.name()} u ON u.id = a.unit_id "
        f"WHERE a.order_id = %s AND a.state IN ({_placeholders(states)}) {_IN_ORDER}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [order.pk, *states])
        rows = cursor.fetchall()
    return [_with_unit(*split(row, ASSIGNMENTS, UNITS)) for row in rows]


def open_assignments(order: WorkOrder) -> list[Assignment]:
    """The order's pending and signed assignments, each with its unit."""
    return assignments_in(order, OPEN_STATES)


def locked_with_open_assignments(order: WorkOrder) -> tuple[WorkOrder, list[Assignment]]:
    """The order's row, locked for the rest of the transaction, and its pending and signed assignments
    with their units, in one statement: what a unit's action reads before it moves the order."""
    lock = " FOR UPDATE OF t" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT {ORDERS.columns()}, {ASSIGNMENTS.columns()}, {UNITS.columns()} "  # noqa: S608
        f"FROM {ORDERS.name()} t LEFT JOIN {ASSIGNMENTS.name()} a "
        f"ON a.order_id = t.id AND a.state IN ({_placeholders(OPEN_STATES)}) "
        f"LEFT JOIN {UNITS.name()} u ON u.id = a.unit_id "
        f"WHERE t.id = %s {_IN_ORDER}{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*OPEN_STATES, order.pk])
        rows = cursor.fetchall()
    if not rows:
        raise WorkOrder.DoesNotExist(f"work order {order.pk} does not exist")
    found = [split(row, ORDERS, ASSIGNMENTS, UNITS) for row in rows]
    return found[0][0], [_with_unit(assignment, unit) for _, assignment, unit in found if assignment]


def assignment_for_actor(
    order: WorkOrder, actor: User, *, unit: Unit | None = None, active: list[Assignment] | None = None
) -> Assignment:
    """The active assignment through which ``actor`` acts on ``order`` (among ``active``, the order's
    open assignments, when the caller has read them).

    Unit staff act for their own unit (a unit leader also for its sub-units); center staff (an admin
    correcting a record) must name the unit, or act for the lead."""
    if active is None:
        active = open_assignments(order)
    if unit is not None:
        active = [a for a in active if a.unit_id == unit.pk]
    if actor.role in (Role.UNIT_HANDLER, Role.UNIT_LEADER):
        if actor.unit_id is None:
            raise Forbidden("Your account belongs to no unit.", code="not_assigned")
        if actor.role == Role.UNIT_LEADER and actor.unit is not None:
            scope = actor.unit.path
            active = [a for a in active if a.unit.path.startswith(scope)]
        else:
            active = [a for a in active if a.unit_id == actor.unit_id]
    elif unit is None:
        active = [a for a in active if a.role == Assignment.Role.LEAD]
    # the lead assignment first: a unit that is both lead and assisting acts as lead
    active.sort(key=lambda a: a.role != Assignment.Role.LEAD)
    found = active[0] if active else None
    if found is None:
        raise Forbidden("Your unit has no open assignment on this order.", code="not_assigned")
    return found


def _unit_action(
    order: WorkOrder,
    action: str,
    *,
    actor: User,
    now: dt.datetime,
    unit: Unit | None,
    version: int | None,
    states: Iterable[str],
    comment: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    guard: Callable[[WorkOrder], None] | None = None,
    assignment: Assignment | None = None,
    locked: WorkOrder | None = None,
) -> tuple[WorkOrder, Assignment, Event]:
    """Act through the actor's assignment (looked up, with the order locked, unless the caller already
    holds both)."""
    if assignment is None:
        locked, active = locked_with_open_assignments(order)
        assignment = assignment_for_actor(order, actor, unit=unit, active=active)
    if assignment.state not in set(states):
        raise Conflict(
            f"Your assignment is {assignment.get_state_display()}; {Action(action).label} is not possible.",
            code="transition_not_allowed",
            details={"action": action, "assignment_state": assignment.state},
        )
    order, event = transition(
        order,
        action,
        actor=actor,
        now=now,
        version=version,
        assignment=assignment,
        comment=comment,
        reason=reason,
        data=data,
        changes=changes,
        guard=guard,
        locked=locked,
    )
    return order, assignment, event


def workorder_sign(
    *, order: WorkOrder, actor: User, now: dt.datetime, unit: Unit | None = None, version: int | None = None
) -> WorkOrder:
    """Sign for the assignment (签收)."""
    with transaction.atomic():
        order, assignment, _ = _unit_action(
            order,
            Action.SIGN,
            actor=actor,
            now=now,
            unit=unit,
            version=version,
            states=[Assignment.State.PENDING],
        )
        assignment.state, assignment.signed_at, assignment.signed_by = Assignment.State.SIGNED, now, actor
        ASSIGNMENTS.update(assignment, ["state", "signed_at", "signed_by"])
    return order


def workorder_return(
    *,
    order: WorkOrder,
    actor: User,
    reason: str,
    now: dt.datetime,
    unit: Unit | None = None,
    version: int | None = None,
) -> WorkOrder:
    """Return the order (退回) as not the unit's duty, with a reason, within the return limit (the same
    working day by default). An assisting unit's return (协办退回) leaves the order with the lead."""
    if not (reason or "").strip():
        raise ValidationFailed("A return needs a reason.", code="reason_required")
    with transaction.atomic():
        assignment = assignment_for_actor(order, actor, unit=unit)
        if assignment.return_due_at and now > assignment.return_due_at:
            raise Conflict(
                "The time for returning this order has passed; handle it or ask the center.",
                code="return_window_closed",
                details={"return_due_at": assignment.return_due_at.isoformat()},
            )
        action = Action.RETURN if assignment.role == Assignment.Role.LEAD else Action.DECLINE
        order, assignment, _ = _unit_action(
            order,
            action,
            actor=actor,
            now=now,
            unit=assignment.unit,
            assignment=assignment,
            version=version,
            states=[Assignment.State.PENDING, Assignment.State.SIGNED],
            comment=reason.strip(),
        )
        assignment.state, assignment.returned_at = Assignment.State.RETURNED, now
        assignment.return_reason = reason.strip()
        ASSIGNMENTS.update(assignment, ["state", "returned_at", "return_reason"])
    return order


def workorder_request_extension(
    *,
    order: WorkOrder,
    actor: User,
    until: dt.datetime,
    reason: str,
    now: dt.datetime,
    unit: Unit | None = None,
    version: int | None = None,
) -> ExtensionRequest:
    """Ask for a later deadline (延期申请). One request may be pending per assignment."""
    if not (reason or "").strip():
        raise ValidationFailed("An extension request needs a reason.", code="reason_required")
    with transaction.atomic():
        assignment = assignment_for_actor(order, actor, unit=unit)
        if assignment.due_at and until <= assignment.due_at:
            raise ValidationFailed(
                "The requested deadline must be later than the current one.", code="invalid_deadline"
            )
        if assignment.extensions.filter(decision=ExtensionRequest.Decision.PENDING).exists():
            raise Conflict("An extension request is already pending.", code="extension_pending")
        _, assignment, _ = _unit_action(
            order,
            Action.REQUEST_EXTENSION,
            actor=actor,
            now=now,
            unit=assignment.unit,
            assignment=assignment,
            version=version,
            states=[Assignment.State.SIGNED],
            comment=reason.strip(),
            data={"until": until.isoformat()},
        )
        return ExtensionRequest.objects.create(
            assignment=assignment,
            requested_due_at=until,
            reason=reason.strip(),
            requested_by=actor,
            requested_at=now,
        )


def workorder_note(
    *,
    order: WorkOrder,
    actor: User,
    text: str,
    now: dt.datetime,
    public: bool = True,
    unit: Unit | None = None,
    version: int | None = None,
) -> WorkOrder:
    """Add a progress note (阶段性答复). A public note counts as progress reported to the caller."""
    if not (text or "").strip():
        raise ValidationFailed("A progress note cannot be empty.", code="text_required")
    changes = {"progress_reported_at": now} if public else {}
    with transaction.atomic():
        if actor.is_unit_staff:
            order, _, _ = _unit_action(
                order,
                Action.NOTE,
                actor=actor,
                now=now,
                unit=unit,
                version=version,
                states=[Assignment.State.SIGNED, Assignment.State.PENDING],
                comment=text.strip(),
                data={"public": public},
                changes=_first_progress(order, changes),
            )
            return order
        return _move(
            order,
            Action.NOTE,
            actor=actor,
            now=now,
            version=version,
            comment=text.strip(),
            data={"public": public},
            changes=_first_progress(order, changes),
        )


def _first_progress(order: WorkOrder, changes: dict[str, Any]) -> dict[str, Any]:
    return changes if order.progress_reported_at is None else {}


def workorder_contribute(
    *,
    order: WorkOrder,
    actor: User,
    text: str,
    now: dt.datetime,
    unit: Unit | None = None,
    version: int | None = None,
) -> WorkOrder:
    """An assisting unit's contribution (协办意见); the lead replies once all assistants have contributed."""
    if not (text or "").strip():
        raise ValidationFailed("A contribution cannot be empty.", code="text_required")
    with transaction.atomic():
        locked, active = locked_with_open_assignments(order)
        assignment = assignment_for_actor(order, actor, unit=unit, active=active)
        if assignment.role != Assignment.Role.ASSIST:
            raise Conflict("Only an assisting unit contributes; the lead unit replies.", code="not_assisting")
        order, assignment, _ = _unit_action(
            order,
            Action.CONTRIBUTE,
            actor=actor,
            now=now,
            unit=assignment.unit,
            assignment=assignment,
            locked=locked,
            version=version,
            states=[Assignment.State.SIGNED],
            comment=text.strip(),
        )
        assignment.state, assignment.done_at, assignment.result = Assignment.State.DONE, now, text.strip()
        ASSIGNMENTS.update(assignment, ["state", "done_at", "result"])
    return order


def workorder_commit(
    *,
    order: WorkOrder,
    actor: User,
    text: str,
    until: dt.datetime,
    now: dt.datetime,
    unit: Unit | None = None,
    version: int | None = None,
) -> WorkOrder:
    """A commitment reply (承诺件): the present state and a committed completion date, which becomes the
    lead assignment's deadline. The order stays open until the final reply."""
    if not (text or "").strip():
        raise ValidationFailed("A commitment reply needs the present state.", code="text_required")
    if until <= now:
        raise ValidationFailed("The committed date must be in the future.", code="invalid_deadline")
    with transaction.atomic():
        order, assignment, _ = _unit_action(
            order,
            Action.COMMIT,
            actor=actor,
            now=now,
            unit=unit,
            version=version,
            states=[Assignment.State.SIGNED],
            comment=text.strip(),
            data={"until": until.isoformat()},
            changes=_first_progress(order, {"progress_reported_at": now}),
        )
        if assignment.role != Assignment.Role.LEAD:
            raise Conflict("Only the lead unit makes a commitment reply.", code="not_lead")
        limits = _limits(order, assignment.unit)
        assignment.committed_until = assignment.due_at = until
        assignment.warn_at = _warn_at(now, until, Limit(1, "wd"), limits.warning_ratio)
        assignment.warned_at = assignment.overdue_marked_at = None
        ASSIGNMENTS.update(
            assignment, ["committed_until", "due_at", "warn_at", "warned_at", "overdue_marked_at"]
        )
    return order


def workorder_reply(
    *,
    order: WorkOrder,
    actor: User,
    text: str,
    solved: bool,
    now: dt.datetime,
    unit: Unit | None = None,
    version: int | None = None,
) -> WorkOrder:
    """The lead unit's reply (回复/办结): the result and whether the problem was solved. Refused while an
    assisting unit has not contributed or declined."""
    if not (text or "").strip():
        raise ValidationFailed("A reply cannot be empty.", code="text_required")

    with transaction.atomic():
        locked, active = locked_with_open_assignments(order)

        def assistants_done(_: WorkOrder) -> None:
            pending = [a for a in active if a.role == Assignment.Role.ASSIST]
            if pending:
                raise Conflict(
                    "Assisting units have not contributed yet.",
                    code="assistants_pending",
                    details={"units": [a.unit.name for a in pending]},
                )

        assignment = assignment_for_actor(order, actor, unit=unit, active=active)
        if assignment.role != Assignment.Role.LEAD:
            raise Conflict("Only the lead unit replies; assisting units contribute.", code="not_lead")
        order, assignment, _ = _unit_action(
            order,
            Action.REPLY,
            actor=actor,
            now=now,
            unit=assignment.unit,
            assignment=assignment,
            locked=locked,
            version=version,
            states=[Assignment.State.SIGNED],
            comment=text.strip(),
            data={"solved": solved},
            guard=assistants_done,
        )
        assignment.state, assignment.done_at = Assignment.State.DONE, now
        assignment.result, assignment.solved = text.strip(), solved
        ASSIGNMENTS.update(assignment, ["state", "done_at", "result", "solved"])
    return order

"""The center's dispatch work: dispatch (派单), escalation to a leader (呈办) and the instruction, rulings
on returns (异议审核) and extension requests (延期)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from hotline.core.errors import Conflict, ValidationFailed
from hotline.directory.models import Unit, User
from hotline.sla.limits import Limit

from ..lifecycle import Action
from ..models import Assignment, ExtensionRequest, WorkOrder
from .transitions import ASSIGNMENTS, _limits, _move, _warn_at, deadline, transition


def workorder_dispatch(
    *,
    order: WorkOrder,
    actor: User | None,
    lead: Unit,
    now: dt.datetime,
    assists: Sequence[Unit] = (),
    instructions: str = "",
    version: int | None = None,
    basis: dict[str, Any] | None = None,
) -> WorkOrder:
    """Send the order to one lead unit (主办) and optional assisting units (协办). Each assignment gets its
    own sign-for, return and handling deadlines from the SLA policy for the order and that unit. Any still
    active assignment of an earlier dispatch is cancelled. ``actor`` is None for an automatic dispatch
    (smart dispatch above its confidence threshold). ``basis`` records why these units were chosen (the
    catalogue rule, the model version and its confidence, a suggestion the dispatcher took)."""
    if actor is None and not basis:
        raise ValidationFailed("An automatic dispatch must record its basis.", code="basis_required")
    assist_list = list(dict.fromkeys(u for u in assists if u.pk != lead.pk))
    for unit in [lead, *assist_list]:
        if not unit.active or unit.is_center:
            raise ValidationFailed(f"{unit} cannot handle orders.", code="invalid_unit")
    with transaction.atomic():
        order, _ = transition(
            order,
            Action.DISPATCH,
            actor=actor,
            now=now,
            version=version,
            comment=instructions,
            data={
                "lead": lead.pk,
                "assists": [u.pk for u in assist_list],
                **({"basis": basis} if basis else {}),
            },
        )
        _cancel_active(order)
        current_round = order.reopen_count + 1
        assignments = []
        for unit, role in [(lead, Assignment.Role.LEAD), *[(u, Assignment.Role.ASSIST) for u in assist_list]]:
            limits = _limits(order, unit)
            due = deadline(now, limits.handle)
            assignment = Assignment(
                order=order,
                unit=unit,
                role=role,
                round=current_round,
                dispatched_at=now,
                dispatched_by=actor,
                instructions=instructions,
                sign_due_at=deadline(now, limits.sign),
                return_due_at=deadline(now, limits.return_),
                due_at=due,
                warn_at=_warn_at(now, due, limits.handle, limits.warning_ratio),
            )
            assignments.append(assignment)
        ASSIGNMENTS.insert(assignments)
    return order


def _cancel_active(order: WorkOrder) -> None:
    """Cancel what is left of an earlier dispatch (by hand, as the rest of a dispatch's writes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ASSIGNMENTS.name()} SET state = %s WHERE order_id = %s AND state IN (%s, %s)",  # noqa: S608
            [Assignment.State.CANCELLED, order.pk, Assignment.State.PENDING, Assignment.State.SIGNED],
        )


def workorder_escalate(
    *, order: WorkOrder, actor: User, comment: str, now: dt.datetime, version: int | None = None
) -> WorkOrder:
    """Put the order before a leader (呈办) for an instruction."""
    with transaction.atomic():
        return _move(order, Action.ESCALATE, actor=actor, now=now, version=version, comment=comment)


def workorder_instruct(
    *, order: WorkOrder, actor: User, instruction: str, now: dt.datetime, version: int | None = None
) -> WorkOrder:
    """Record a leader's instruction (领导批示). An escalated order returns to the dispatch queue."""
    if not (instruction or "").strip():
        raise ValidationFailed("An instruction cannot be empty.", code="instruction_required")
    with transaction.atomic():
        return _move(
            order, Action.INSTRUCT, actor=actor, now=now, version=version, comment=instruction.strip()
        )


def workorder_review_return(
    *,
    order: WorkOrder,
    actor: User,
    accept: bool,
    now: dt.datetime,
    comment: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Rule on a return (异议审核). Accepted: the order goes back to the dispatch queue for re-dispatch.
    Rejected as within the unit's duty: the unit's assignment is reinstated, signed, with its original
    deadline; the rejection is recorded for supervision."""
    with transaction.atomic():
        returned = (
            order.assignments.filter(role=Assignment.Role.LEAD, state=Assignment.State.RETURNED)
            .order_by("-returned_at")
            .first()
        )
        if not accept and not (comment or "").strip():
            raise ValidationFailed("Say why the return is rejected.", code="reason_required")
        action = Action.ACCEPT_RETURN if accept else Action.REJECT_RETURN
        order, _ = transition(
            order,
            action,
            actor=actor,
            now=now,
            version=version,
            assignment=returned,
            comment=comment,
            data={"unit": returned.unit_id if returned else None, "within_duty": not accept},
        )
        if returned is None:
            return order
        if accept:
            _cancel_active(order)
        else:
            returned.state = Assignment.State.SIGNED
            returned.signed_at = returned.signed_at or now
            returned.save(update_fields=["state", "signed_at"])
    return order


def workorder_decide_extension(
    *,
    request: ExtensionRequest,
    actor: User,
    approve: bool,
    now: dt.datetime,
    comment: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Approve (the assignment's deadline moves to the requested one) or refuse an extension request.
    A request whose deadline has passed by the time it is decided can only be refused."""
    with transaction.atomic():
        locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.decision != ExtensionRequest.Decision.PENDING:
            raise Conflict("This extension request was already decided.", code="extension_decided")
        if approve and locked.requested_due_at <= now:
            raise ValidationFailed(
                "The requested deadline has already passed; refuse this request and let the unit ask again.",
                code="extension_expired",
                details={"requested_due_at": locked.requested_due_at.isoformat()},
            )
        assignment = locked.assignment
        action = Action.APPROVE_EXTENSION if approve else Action.REFUSE_EXTENSION
        order, _ = transition(
            assignment.order,
            action,
            actor=actor,
            now=now,
            version=version,
            assignment=assignment,
            comment=comment,
            data={"until": locked.requested_due_at.isoformat(), "request": locked.pk},
        )
        locked.decision = ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
        locked.decided_by, locked.decided_at, locked.comment = actor, now, comment
        locked.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        if approve:
            limits = _limits(order, assignment.unit)
            assignment.due_at = locked.requested_due_at
            assignment.warn_at = _warn_at(now, locked.requested_due_at, Limit(1, "wd"), limits.warning_ratio)
            assignment.extension_count += 1
            assignment.warned_at = assignment.overdue_marked_at = None
            assignment.save(
                update_fields=["due_at", "warn_at", "extension_count", "warned_at", "overdue_marked_at"]
            )
    return order

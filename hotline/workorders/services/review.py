"""The center after the reply: review (审核), callback (回访), close, reopen (重办), and the pressure on units:
reminders (催办) and supervision notices (督办)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hotline.core.errors import Conflict, ValidationFailed
from hotline.directory.models import Unit, User

from ..lifecycle import Action
from ..models import Assignment, Satisfaction, WorkOrder
from .handling import assignments_in
from .transitions import ASSIGNMENTS, _move, transition


def callback_exempt(order: WorkOrder) -> str:
    """Why the caller is not called back, or "" when they are. The exemptions are data
    (``feedback.CallbackExemption``, edited on the callback exemptions page: anonymous, praise, rejected
    … by default); an order without a phone number is never called back."""
    from hotline.feedback.selectors import callback_exemption

    return callback_exemption(order)


def workorder_review_reply(
    *,
    order: WorkOrder,
    actor: User,
    accept: bool,
    now: dt.datetime,
    comment: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Review the lead unit's reply (审核). Accepted: the order awaits the callback, or closes at once when
    the caller is exempt from callback. Sent back: the lead assignment reopens for rework."""
    with transaction.atomic():
        done = [a for a in assignments_in(order, [Assignment.State.DONE]) if a.role == Assignment.Role.LEAD]
        lead = max(done, key=lambda a: (a.done_at is not None, a.done_at or now), default=None)
        if not accept and not (comment or "").strip():
            raise ValidationFailed("Say what must be reworked.", code="reason_required")
        action = Action.ACCEPT_REPLY if accept else Action.SEND_BACK
        changes: dict[str, Any] = (
            {"progress_reported_at": order.progress_reported_at or now} if accept else {}
        )
        order, _ = transition(
            order,
            action,
            actor=actor,
            now=now,
            version=version,
            assignment=lead,
            comment=comment,
            changes=changes,
        )
        if accept:
            exempt = callback_exempt(order)
            if exempt:
                order, _ = transition(
                    order,
                    Action.CLOSE,
                    actor=None,
                    now=now,
                    reason=exempt,
                    changes={"closed_at": now, "solved": lead.solved if lead else None},
                )
        elif lead is not None:
            lead.state, lead.done_at = Assignment.State.SIGNED, None
            ASSIGNMENTS.update(lead, ["state", "done_at"])
    return order


def workorder_callback(
    *,
    order: WorkOrder,
    actor: User | None,
    satisfaction: str,
    solved: bool,
    now: dt.datetime,
    comment: str = "",
    channel: str = "phone",
    version: int | None = None,
) -> WorkOrder:
    """Record the callback (回访) and close the order. ``actor`` is None for an SMS survey answer."""
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed(
            f"Unknown satisfaction {satisfaction!r}.",
            code="invalid_satisfaction",
            details={"allowed": list(Satisfaction.values)},
        )
    with transaction.atomic():
        return _move(
            order,
            Action.CALLBACK,
            actor=actor,
            now=now,
            version=version,
            comment=comment,
            data={"satisfaction": satisfaction, "solved": solved, "channel": channel},
            changes={"satisfaction": satisfaction, "solved": solved, "closed_at": now},
        )


def workorder_close(
    *,
    order: WorkOrder,
    actor: User | None,
    now: dt.datetime,
    reason: str = "",
    comment: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Close without a callback (the caller could not be reached, or is exempt)."""
    with transaction.atomic():
        return _move(
            order,
            Action.CLOSE,
            actor=actor,
            now=now,
            version=version,
            reason=reason,
            comment=comment,
            changes={"closed_at": now},
        )


def workorder_reopen(
    *, order: WorkOrder, actor: User | None, now: dt.datetime, comment: str = "", version: int | None = None
) -> WorkOrder:
    """Reopen (重办) an order whose callback was dissatisfied and unsolved, once; the second result stands."""

    def once_after_failure(locked: WorkOrder) -> None:
        if locked.reopen_count >= 1:
            raise Conflict("An order is reopened only once.", code="already_reopened")
        if locked.satisfaction != Satisfaction.DISSATISFIED or locked.solved is not False:
            raise Conflict("Only a dissatisfied and unsolved order is reopened.", code="reopen_not_warranted")

    with transaction.atomic():
        return _move(
            order,
            Action.REOPEN,
            actor=actor,
            now=now,
            version=version,
            comment=comment,
            guard=once_after_failure,
            changes={
                "reopen_count": order.reopen_count + 1,
                "closed_at": None,
                "satisfaction": "",
                "solved": None,
            },
        )


def workorder_remind(
    *,
    order: WorkOrder,
    actor: User | None,
    now: dt.datetime,
    comment: str = "",
    unit: Unit | None = None,
    cause: str = "",
) -> WorkOrder:
    """Send a reminder (催办) to the units handling the order (or one ``unit``). ``actor`` is None when the
    supervision sweep sends it; ``cause`` names the trigger."""
    with transaction.atomic():
        target = _target_assignment(order, unit)
        return _move(
            order,
            Action.REMIND,
            actor=actor,
            now=now,
            reason=cause,
            comment=comment,
            data={"unit": target.unit_id if target else None},
        )


def workorder_supervise(
    *,
    order: WorkOrder,
    actor: User | None,
    now: dt.datetime,
    comment: str,
    respond_by: dt.datetime | None = None,
    unit: Unit | None = None,
    cause: str = "",
) -> WorkOrder:
    """Issue a supervision notice (督办) with its own deadline for the unit's written response."""
    if not (comment or "").strip():
        raise ValidationFailed("A supervision notice needs its text.", code="text_required")
    with transaction.atomic():
        target = _target_assignment(order, unit)
        return _move(
            order,
            Action.SUPERVISE,
            actor=actor,
            now=now,
            reason=cause,
            comment=comment.strip(),
            data={
                "unit": target.unit_id if target else None,
                "respond_by": respond_by.isoformat() if respond_by else None,
            },
        )


def _target_assignment(order: WorkOrder, unit: Unit | None) -> Assignment | None:
    active = order.assignments.filter(state__in=[Assignment.State.PENDING, Assignment.State.SIGNED])
    if unit is not None:
        found = active.filter(unit=unit).first()
        if found is None:
            raise ValidationFailed(f"{unit} has no open assignment on this order.", code="not_assigned")
        return found
    return active.filter(role=Assignment.Role.LEAD).first()

"""What the citizen may read about their own request: found by number plus query code (the portal's
gate), and only what is meant for them — public progress notes, the reviewed reply, public files."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.core.errors import NotFound
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Assignment, Attachment, WorkOrder


def order_for_citizen(number: str, code: str) -> WorkOrder:
    """The order with this number and query code. A wrong number and a wrong code are the same error, so
    nobody learns which orders exist."""
    order = (
        WorkOrder.objects.select_related("channel", "category", "rejection_reason")
        .filter(number=number)
        .first()
    )
    if order is None or not order.query_code or not hmac.compare_digest(order.query_code, code or ""):
        raise NotFound("No request with this number and query code.", code="order_not_found")
    return order


def tracked_order(number: str) -> WorkOrder:
    """An order the citizen already proved they may see (the number is in their session)."""
    order = (
        WorkOrder.objects.select_related("channel", "category", "rejection_reason")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFound("No such request.", code="order_not_found")
    return order


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    label: StrOrPromise
    text: str = ""


_MILESTONES: dict[str, StrOrPromise] = {
    Action.INTAKE: _("Request received"),
    Action.ACCEPT: _("Accepted by the hotline"),
    Action.DISPATCH: _("Sent to the responsible unit"),
    Action.SIGN: _("The unit started handling it"),
    Action.ESCALATE: _("Put before a leader"),
    Action.INSTRUCT: _("A leader gave instructions"),
    Action.COMMIT: _("Progress from the unit"),
    Action.NOTE: _("Progress"),
    Action.ACCEPT_REPLY: _("Reply ready"),
    Action.ANSWER: _("Answered by the hotline"),
    Action.REJECT: _("Not accepted"),
    Action.MERGE: _("Merged with an earlier request about the same matter"),
    Action.CALLBACK: _("Your rating was recorded"),
    Action.CLOSE: _("Closed"),
    Action.REOPEN: _("Handled again"),
}


def citizen_timeline(order: WorkOrder) -> list[Step]:
    """The history as the citizen sees it: milestones, and the text of public progress notes and
    commitment replies only. Internal notes, returns, reminders and names of staff are left out."""
    steps: list[Step] = []
    seen_dispatch = False
    for event in order.events.order_by("seq").only("action", "at", "comment", "data"):
        label = _MILESTONES.get(event.action)
        if label is None:
            continue
        text = ""
        if event.action == Action.NOTE:
            if not (event.data or {}).get("public"):
                continue
            text = event.comment
        elif event.action == Action.COMMIT:
            text = event.comment
        elif event.action == Action.DISPATCH:
            if seen_dispatch:
                label = _("Sent to another unit")
            seen_dispatch = True
        steps.append(Step(event.at, label, text))
    return steps


def citizen_reply(order: WorkOrder) -> Assignment | None:
    """The lead unit's reply, once the center accepted it."""
    if order.status not in (Status.AWAITING_CALLBACK, Status.CLOSED):
        return None
    return (
        order.assignments.filter(role=Assignment.Role.LEAD, state=Assignment.State.DONE)
        .select_related("unit")
        .order_by("-done_at")
        .first()
    )


def public_attachments(order: WorkOrder) -> list[Attachment]:
    return list(order.attachments.filter(public=True).order_by("uploaded_at", "pk"))

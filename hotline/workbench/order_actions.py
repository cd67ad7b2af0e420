"""Which action forms a person sees on an order page: what their role may do (``lifecycle.role_may``),
what the order's status allows (``lifecycle.TRANSITIONS``, or ``ASSIST_TRANSITIONS`` for an assisting
unit) and, for unit staff, what their unit's assignment allows. The services check all of it again; this
only decides which forms to show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.core.errors import ApplicationError
from hotline.directory.models import User
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status, role_may, target_status
from hotline.workorders.models import Assignment, ExtensionRequest, Satisfaction, WorkOrder


@dataclass(frozen=True)
class ActionSpec:
    key: str  # the URL's action name (workorders:act)
    action: str  # the lifecycle action it takes
    label: StrOrPromise
    danger: bool = False


SPECS: dict[str, ActionSpec] = {
    spec.key: spec
    for spec in [
        ActionSpec("accept", Action.ACCEPT, _("Accept")),
        ActionSpec("dispatch", Action.DISPATCH, _("Dispatch")),
        ActionSpec("rule_return", Action.ACCEPT_RETURN, _("Rule on the return")),
        ActionSpec("review_reply", Action.ACCEPT_REPLY, _("Review the reply")),
        ActionSpec("decide_extension", Action.APPROVE_EXTENSION, _("Decide the extension request")),
        ActionSpec("callback", Action.CALLBACK, _("Record the callback")),
        ActionSpec("sign", Action.SIGN, _("Sign for")),
        ActionSpec("reply", Action.REPLY, _("Reply")),
        ActionSpec("contribute", Action.CONTRIBUTE, _("Contribute as assisting unit")),
        ActionSpec("instruct", Action.INSTRUCT, _("Give an instruction")),
        ActionSpec("note", Action.NOTE, _("Add a progress note")),
        ActionSpec("answer", Action.ANSWER, _("Answer directly")),
        ActionSpec("escalate", Action.ESCALATE, _("Escalate to a leader")),
        ActionSpec("commit", Action.COMMIT, _("Commitment reply")),
        ActionSpec("request_extension", Action.REQUEST_EXTENSION, _("Request an extension")),
        ActionSpec("return", Action.RETURN, _("Return to the center"), danger=True),
        ActionSpec("attach", Action.ATTACH, _("Attach files")),
        ActionSpec("update", Action.UPDATE, _("Correct the details")),
        ActionSpec("merge", Action.MERGE, _("Merge into another order")),
        ActionSpec("reject", Action.REJECT, _("Reject"), danger=True),
        ActionSpec("close", Action.CLOSE, _("Close without callback")),
        ActionSpec("reopen", Action.REOPEN, _("Reopen"), danger=True),
    ]
}

# The action a person most likely came for, opened first on the page.
_PRIMARY_BY_STATUS = {
    Status.RECEIVED: "accept",
    Status.AWAITING_DISPATCH: "dispatch",
    Status.AWAITING_INSTRUCTION: "instruct",
    Status.RETURNED: "rule_return",
    Status.REPLIED: "review_reply",
    Status.AWAITING_CALLBACK: "callback",
}


@dataclass
class Available:
    keys: list[str] = field(default_factory=list)
    primary: str = ""
    assignment: Assignment | None = None  # the unit's own assignment, for unit staff
    extensions: list[ExtensionRequest] = field(default_factory=list)
    notes: list[StrOrPromise] = field(default_factory=list)  # why an expected action is not offered

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    @property
    def specs(self) -> list[ActionSpec]:
        return [SPECS[key] for key in self.keys]


def available_actions(
    user: User, order: WorkOrder, *, now: dt.datetime, assignments: list[Assignment] | None = None
) -> Available:
    """``assignments``: the order's assignments with their extension requests prefetched, when the
    caller has them already."""
    if assignments is None:
        assignments = list(order.assignments.prefetch_related("extensions").select_related("unit"))
    if user.is_unit_staff:
        return _for_unit(user, order, now=now, assignments=assignments)
    return _for_center(user, order, assignments)


def _may(user: User, action: str) -> bool:
    return user.is_superuser or role_may(user.role, action)


def _moves(action: str, status: str) -> bool:
    return target_status(action, status) is not None


def _for_center(user: User, order: WorkOrder, assignments: list[Assignment]) -> Available:
    status = order.status
    result = Available()
    pending = [
        ext
        for assignment in assignments
        for ext in assignment.extensions.all()
        if ext.decision == ExtensionRequest.Decision.PENDING
    ]
    for key, spec in SPECS.items():
        if key in ("sign", "reply", "contribute", "commit", "request_extension", "return"):
            continue  # the unit's work
        if not _may(user, spec.action) or not _moves(spec.action, status):
            continue
        if key == "decide_extension" and not pending:
            continue
        if key == "reopen" and not (
            order.reopen_count == 0
            and order.satisfaction == Satisfaction.DISSATISFIED
            and order.solved is False
        ):
            continue
        if key == "note" and status in (Status.RECEIVED,):
            continue
        result.keys.append(key)
    result.extensions = pending
    primary = _PRIMARY_BY_STATUS.get(Status(status)) if status in Status.values else None
    if pending and "decide_extension" in result.keys:
        primary = "decide_extension"
    result.primary = primary if primary in result.keys else (result.keys[0] if result.keys else "")
    return result


def _for_unit(user: User, order: WorkOrder, *, now: dt.datetime, assignments: list[Assignment]) -> Available:
    result = Available()
    try:
        found = wo.assignment_for_actor(order, user)
    except ApplicationError:
        return result
    # the same row from the prefetched list, with its extension requests
    assignment = next((a for a in assignments if a.pk == found.pk), found)
    result.assignment = assignment
    assisting = assignment.role == Assignment.Role.ASSIST
    status = order.status
    signed = assignment.state == Assignment.State.SIGNED
    pending_sign = assignment.state == Assignment.State.PENDING

    def allowed(action: str) -> bool:
        return _may(user, action) and target_status(action, status, assisting=assisting) is not None

    if pending_sign and allowed(Action.SIGN):
        result.keys.append("sign")
    if signed and not assisting and allowed(Action.REPLY):
        result.keys.append("reply")
    if signed and assisting and allowed(Action.CONTRIBUTE):
        result.keys.append("contribute")
    if (signed or pending_sign) and allowed(Action.NOTE):
        result.keys.append("note")
    if signed and not assisting and allowed(Action.COMMIT):
        result.keys.append("commit")
    has_pending_extension = any(
        ext.decision == ExtensionRequest.Decision.PENDING for ext in assignment.extensions.all()
    )
    if signed and allowed(Action.REQUEST_EXTENSION):
        if has_pending_extension:
            result.notes.append(_("An extension request is waiting for the center's decision."))
        else:
            result.keys.append("request_extension")
    return_action = Action.DECLINE if assisting else Action.RETURN
    if allowed(return_action):
        if assignment.return_due_at and now > assignment.return_due_at:
            result.notes.append(_("The time for returning this order has passed."))
        else:
            result.keys.append("return")
    if allowed(Action.ATTACH):
        result.keys.append("attach")
    result.primary = result.keys[0] if result.keys else ""
    return result

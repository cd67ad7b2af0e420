"""Every write to a work order. Each service runs in one transaction, goes through ``transition()`` and so
appends exactly one event per state change; it returns the order as it is after the change.

Guarantees common to all of them:
- the move must be in ``lifecycle.TRANSITIONS`` (or ``ASSIST_TRANSITIONS`` for an assisting unit), else
  ``Conflict(code="transition_not_allowed")`` and nothing changes;
- the actor's role must allow the action (``Forbidden(code="action_not_permitted")``), and unit staff act
  only through an active assignment of their own unit (``Forbidden(code="not_assigned")``);
- when ``version`` is given it must be the order's current version (``Conflict(code="stale_version")``):
  two people acting on one order at once cannot both succeed;
- side effects outside the database (notifications) are sent from ``transaction.on_commit``.

The services live in sub-modules by who acts; import them from here: ``from hotline.workorders import
services as wo``."""

from __future__ import annotations

from ..events import event_listeners
from .details import workorder_attach, workorder_update
from .dispatch import (
    workorder_decide_extension,
    workorder_dispatch,
    workorder_escalate,
    workorder_instruct,
    workorder_review_return,
)
from .handling import (
    assignment_for_actor,
    workorder_commit,
    workorder_contribute,
    workorder_note,
    workorder_reply,
    workorder_request_extension,
    workorder_return,
    workorder_sign,
)
from .intake import (
    Caller,
    workorder_accept,
    workorder_answer,
    workorder_intake,
    workorder_merge,
    workorder_reject,
)
from .review import (
    callback_exempt,
    workorder_callback,
    workorder_close,
    workorder_remind,
    workorder_reopen,
    workorder_review_reply,
    workorder_supervise,
)
from .transitions import deadline, transition, workorder_by_number

__all__ = [
    "Caller",
    "assignment_for_actor",
    "callback_exempt",
    "deadline",
    "event_listeners",
    "transition",
    "workorder_accept",
    "workorder_answer",
    "workorder_attach",
    "workorder_by_number",
    "workorder_callback",
    "workorder_close",
    "workorder_commit",
    "workorder_contribute",
    "workorder_decide_extension",
    "workorder_dispatch",
    "workorder_escalate",
    "workorder_instruct",
    "workorder_intake",
    "workorder_merge",
    "workorder_note",
    "workorder_reject",
    "workorder_remind",
    "workorder_reopen",
    "workorder_reply",
    "workorder_request_extension",
    "workorder_return",
    "workorder_review_reply",
    "workorder_review_return",
    "workorder_sign",
    "workorder_supervise",
    "workorder_update",
]

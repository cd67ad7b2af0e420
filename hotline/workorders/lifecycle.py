"""The work-order lifecycle as data: statuses, actions, the one transition table, and who may act.

``services.transition()`` is the only code that changes ``WorkOrder.status``; it looks the move up here,
refuses what this table does not allow and appends an ``Event``. Actions whose target is ``SAME`` leave
the status as it is but are still recorded (progress notes, an assisting unit's contribution, SLA marks).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Role


class Status(models.TextChoices):
    RECEIVED = "received", _("received")  # 待受理: came in by a channel, not yet accepted
    AWAITING_DISPATCH = "awaiting_dispatch", _("awaiting dispatch")  # 待派单
    AWAITING_INSTRUCTION = "awaiting_instruction", _("awaiting instruction")  # 待批示
    DISPATCHED = "dispatched", _("dispatched")  # 已派单, awaiting the lead unit's signature
    IN_PROGRESS = "in_progress", _("in progress")  # 办理中
    RETURNED = "returned", _("returned")  # 退回待审
    REPLIED = "replied", _("replied")  # 已回复待审核
    AWAITING_CALLBACK = "awaiting_callback", _("awaiting callback")  # 待回访
    CLOSED = "closed", _("closed")  # 已办结
    REJECTED = "rejected", _("rejected")  # 不予受理
    MERGED = "merged", _("merged")  # 已并单


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.AWAITING_DISPATCH,
        Status.AWAITING_INSTRUCTION,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RETURNED,
        Status.REPLIED,
        Status.AWAITING_CALLBACK,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.MERGED})
WITH_UNITS = frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED, Status.REPLIED})


class Action(models.TextChoices):
    INTAKE = "intake", _("intake")  # 受理登记
    ACCEPT = "accept", _("accept")  # 受理
    ANSWER = "answer", _("direct answer")  # 直办
    REJECT = "reject", _("reject")  # 不予受理
    DISPATCH = "dispatch", _("dispatch")  # 派单
    ESCALATE = "escalate", _("escalate to leader")  # 呈办
    INSTRUCT = "instruct", _("leader instruction")  # 领导批示
    SIGN = "sign", _("sign for")  # 签收
    RETURN = "return", _("return")  # 退回
    ACCEPT_RETURN = "accept_return", _("accept return")  # 同意退回
    REJECT_RETURN = "reject_return", _("reject return")  # 驳回退回
    REQUEST_EXTENSION = "request_extension", _("request extension")  # 申请延期
    APPROVE_EXTENSION = "approve_extension", _("approve extension")
    REFUSE_EXTENSION = "refuse_extension", _("refuse extension")
    NOTE = "note", _("progress note")  # 阶段性答复
    CONTRIBUTE = "contribute", _("assisting contribution")  # 协办意见
    COMMIT = "commit", _("commitment reply")  # 承诺件
    REPLY = "reply", _("reply")  # 回复/办结
    ACCEPT_REPLY = "accept_reply", _("accept reply")  # 审核通过
    SEND_BACK = "send_back", _("send back for rework")  # 审核退回
    CALLBACK = "callback", _("callback")  # 回访
    CLOSE = "close", _("close")  # 办结归档
    REOPEN = "reopen", _("reopen")  # 重办
    MERGE = "merge", _("merge into master")  # 并单
    REMIND = "remind", _("reminder")  # 催办
    SUPERVISE = "supervise", _("supervision notice")  # 督办
    SLA_WARNING = "sla_warning", _("due soon")  # 临期预警
    SLA_OVERDUE = "sla_overdue", _("overdue")  # 超期
    ATTACH = "attach", _("attachment")
    ABSORB = "absorb", _("duplicate merged in")  # recorded on the master of a merge
    DECLINE = "decline", _("assisting unit declines")  # 协办退回
    UPDATE = "update", _("corrected details")  # 修改工单信息 (category, urgency, place …)


SAME = "same"
_ANY_OPEN = OPEN_STATUSES
_HANDLING = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})

# action -> {source status -> target status or SAME}. The creating action INTAKE has no source.
TRANSITIONS: dict[str, dict[str, str]] = {
    Action.ACCEPT: {Status.RECEIVED: Status.AWAITING_DISPATCH},
    Action.ANSWER: {Status.RECEIVED: Status.CLOSED, Status.AWAITING_DISPATCH: Status.CLOSED},
    Action.REJECT: {Status.RECEIVED: Status.REJECTED, Status.AWAITING_DISPATCH: Status.REJECTED},
    Action.DISPATCH: {Status.AWAITING_DISPATCH: Status.DISPATCHED, Status.RETURNED: Status.DISPATCHED},
    Action.ESCALATE: {
        Status.AWAITING_DISPATCH: Status.AWAITING_INSTRUCTION,
        Status.RETURNED: Status.AWAITING_INSTRUCTION,
    },
    Action.INSTRUCT: {
        Status.AWAITING_INSTRUCTION: Status.AWAITING_DISPATCH,
        **{
            status: SAME
            for status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED, Status.REPLIED)
        },
    },
    Action.SIGN: {Status.DISPATCHED: Status.IN_PROGRESS, Status.IN_PROGRESS: SAME},
    Action.RETURN: {Status.DISPATCHED: Status.RETURNED, Status.IN_PROGRESS: Status.RETURNED},
    Action.ACCEPT_RETURN: {Status.RETURNED: Status.AWAITING_DISPATCH},
    Action.REJECT_RETURN: {Status.RETURNED: Status.IN_PROGRESS},
    Action.REQUEST_EXTENSION: {Status.IN_PROGRESS: SAME},
    Action.APPROVE_EXTENSION: {Status.IN_PROGRESS: SAME, Status.REPLIED: SAME},
    Action.REFUSE_EXTENSION: {Status.IN_PROGRESS: SAME, Status.REPLIED: SAME},
    Action.NOTE: {status: SAME for status in _ANY_OPEN},
    Action.CONTRIBUTE: {status: SAME for status in _HANDLING},
    Action.COMMIT: {Status.IN_PROGRESS: SAME},
    Action.REPLY: {Status.IN_PROGRESS: Status.REPLIED},
    Action.ACCEPT_REPLY: {Status.REPLIED: Status.AWAITING_CALLBACK},
    Action.SEND_BACK: {Status.REPLIED: Status.IN_PROGRESS},
    Action.CALLBACK: {Status.AWAITING_CALLBACK: Status.CLOSED},
    Action.CLOSE: {Status.AWAITING_CALLBACK: Status.CLOSED},
    Action.REOPEN: {Status.CLOSED: Status.AWAITING_DISPATCH},
    Action.MERGE: {
        status: Status.MERGED
        for status in (Status.RECEIVED, Status.AWAITING_DISPATCH, Status.AWAITING_INSTRUCTION)
    },
    Action.REMIND: {status: SAME for status in WITH_UNITS},
    Action.SUPERVISE: {status: SAME for status in WITH_UNITS},
    Action.SLA_WARNING: {status: SAME for status in _ANY_OPEN},
    Action.SLA_OVERDUE: {status: SAME for status in _ANY_OPEN},
    Action.ATTACH: {status: SAME for status in _ANY_OPEN},
    Action.ABSORB: {status: SAME for status in _ANY_OPEN},
    Action.UPDATE: {
        status: SAME
        for status in (
            Status.RECEIVED,
            Status.AWAITING_DISPATCH,
            Status.AWAITING_INSTRUCTION,
            Status.DISPATCHED,
            Status.IN_PROGRESS,
            Status.RETURNED,
        )
    },
}

# What an assisting unit (协办) may do. The order's status follows the lead unit, so none of these moves it.
ASSIST_TRANSITIONS: dict[str, frozenset[str]] = {
    Action.SIGN: _HANDLING | {Status.RETURNED, Status.REPLIED},
    Action.DECLINE: _HANDLING | {Status.RETURNED},
    Action.CONTRIBUTE: _HANDLING,
    Action.NOTE: _HANDLING,
    Action.REQUEST_EXTENSION: _HANDLING,
    Action.APPROVE_EXTENSION: _HANDLING,
    Action.REFUSE_EXTENSION: _HANDLING,
    Action.ATTACH: _HANDLING,
}

_CENTER_INTAKE = {
    Action.INTAKE,
    Action.UPDATE,
    Action.ACCEPT,
    Action.ANSWER,
    Action.REJECT,
    Action.MERGE,
    Action.ABSORB,
    Action.NOTE,
}
_UNIT_WORK = {
    Action.SIGN,
    Action.RETURN,
    Action.REQUEST_EXTENSION,
    Action.NOTE,
    Action.CONTRIBUTE,
    Action.COMMIT,
    Action.REPLY,
    Action.ATTACH,
    Action.DECLINE,
}
_DISPATCH_WORK = {
    Action.DISPATCH,
    Action.ESCALATE,
    Action.ACCEPT_RETURN,
    Action.REJECT_RETURN,
    Action.APPROVE_EXTENSION,
    Action.REFUSE_EXTENSION,
    Action.ACCEPT_REPLY,
    Action.SEND_BACK,
    Action.REOPEN,
    Action.CLOSE,
    Action.ATTACH,
}

# Who may take which action. Unit roles act only through their own unit's assignment (checked by the
# services); system actions (SLA marks) have no human actor.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset(_CENTER_INTAKE | {Action.CALLBACK, Action.CLOSE, Action.REOPEN, Action.ATTACH}),
    Role.DISPATCHER: frozenset(_CENTER_INTAKE | _DISPATCH_WORK | {Action.ABSORB}),
    Role.SUPERVISOR: frozenset(
        {Action.REMIND, Action.SUPERVISE, Action.NOTE, Action.CALLBACK, Action.REOPEN, Action.CLOSE}
    ),
    Role.LEADER: frozenset({Action.INSTRUCT, Action.ESCALATE, Action.REMIND, Action.SUPERVISE}),
    Role.UNIT_HANDLER: frozenset(_UNIT_WORK),
    Role.UNIT_LEADER: frozenset(_UNIT_WORK),
    Role.ADMIN: frozenset(Action.values),
}
# What the platform itself may do with no person acting: the sweeps' marks, reminders and notices, closing
# an order whose caller is exempt from callback, smart dispatch above the configured confidence (filing
# the category it predicted, then dispatching), and the reopen that follows a dissatisfied survey answer.
MARK_ACTIONS = frozenset({Action.SLA_WARNING, Action.SLA_OVERDUE, Action.REMIND, Action.SUPERVISE})
SYSTEM_ACTIONS = MARK_ACTIONS | {Action.CLOSE, Action.DISPATCH, Action.REOPEN, Action.UPDATE}
# What callers do themselves through a channel (the portal, an SMS answer): rate the handling, add files.
CALLER_ACTIONS = frozenset({Action.CALLBACK, Action.ATTACH})
UNIT_ACTIONS = frozenset(_UNIT_WORK)


def target_status(action: str, source: str, *, assisting: bool = False) -> str | None:
    """The status ``action`` leads to from ``source``, or None when the tables do not allow it."""
    if assisting:
        return source if source in ASSIST_TRANSITIONS.get(action, frozenset()) else None
    target = TRANSITIONS.get(action, {}).get(source)
    if target is None:
        return None
    return source if target == SAME else target


def allowed_actions(status: str) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if status in moves]


def role_may(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())

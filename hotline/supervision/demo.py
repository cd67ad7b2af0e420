"""Supervision in the demo city: the sweep's notices on the late orders as they stand, a few made-up
histories of supervision notices answered in time, answered late and escalated, and two staff flags.

Each made-up history is written after the order's last event and before now, so every order's event log
stays in time order."""

from __future__ import annotations

import datetime as dt
import logging

from hotline.core.errors import ApplicationError
from hotline.demo.services import DemoContext
from hotline.directory.models import Role, User
from hotline.workorders.lifecycle import WITH_UNITS
from hotline.workorders.models import Assignment, Event, WorkOrder

from . import services
from .sweep import supervision_sweep

log = logging.getLogger(__name__)

RESPONSES = [
    "已组织人员现场核查，问题属实，已制定整改方案，预计三个工作日内完成并答复诉求人。",
    "收到督办通知后，我单位分管领导带队现场处置，目前已处理完毕，并已与诉求人电话沟通。",
    "该问题涉及多个部门，我单位已牵头召开协调会，明确责任分工，将于本周内办结。",
    "因前期人员调整导致签收延误，现已安排专人跟进，并对相关人员进行了批评教育。",
]
ESCALATION = "该单位对群众反映强烈的问题办理不力，现予通报，并约谈单位分管负责人。"
NOTICES = [
    "该工单已超期未办结，请于规定时间内书面说明办理进展及延误原因。",
    "群众多次来电反映，请高度重视，尽快办理并书面反馈处理结果。",
]


def _handlers(ctx: DemoContext) -> dict[int, User]:
    return {u.unit_id: u for u in ctx.users.values() if u.role == Role.UNIT_HANDLER and u.unit_id}


def _open_orders(ctx: DemoContext, *, limit: int) -> list[tuple[WorkOrder, Assignment, dt.datetime]]:
    """Orders a unit is handling, the longest-handled first, with the time of their last event."""
    found = []
    lead = Assignment.objects.filter(
        role=Assignment.Role.LEAD, state__in=[Assignment.State.PENDING, Assignment.State.SIGNED]
    )
    for assignment in lead.select_related("order", "unit").order_by("dispatched_at", "pk"):
        order = assignment.order
        if order.status not in WITH_UNITS:
            continue
        last = Event.objects.filter(order=order).order_by("-seq").values_list("at", flat=True).first()
        if last is not None and last < ctx.now - dt.timedelta(minutes=30):
            found.append((order, assignment, last))
        if len(found) >= limit:
            break
    return found


def load(ctx: DemoContext) -> None:
    services.ensure_default_rules()
    handlers = _handlers(ctx)
    supervisor = ctx.users.get("supervisor1")
    rng = ctx.rng
    # made-up histories between each order's last event and now: notices answered in writing, a
    # reminder, and serious cases the supervisor escalated (约谈) at once
    for index, (order, assignment, last) in enumerate(_open_orders(ctx, limit=12)):
        span = ctx.now - last
        try:
            if index % 4 == 3:
                services.notice_remind(
                    order=order, actor=supervisor, now=last + span * 0.4, unit=assignment.unit
                )
                continue
            notice = services.notice_supervise(
                order=order,
                actor=supervisor,
                now=last + span * 0.3,
                text=rng.choice(NOTICES),
                unit=assignment.unit,
            )
            handler = handlers.get(assignment.unit_id)
            if index % 4 in (0, 1) and handler is not None:
                services.notice_respond(
                    notice=notice, actor=handler, text=rng.choice(RESPONSES), now=last + span * 0.6
                )
            else:
                services.notice_escalate(
                    notice=notice, actor=supervisor, now=last + span * 0.5, text=ESCALATION
                )
        except ApplicationError as exc:
            log.warning("demo supervision of %s skipped: %s", order.number, exc.code)
    flagged = _open_orders(ctx, limit=16)[-2:]
    for (order, _assignment, last), (kind, note, source) in zip(
        flagged,
        [
            ("media", "海澄晚报报道该问题，引发网友关注。", "海澄晚报"),
            ("sudden", "现场出现突发状况，多名群众聚集反映。", ""),
        ],
        strict=False,
    ):
        if supervisor is not None:
            services.flag_order(
                order=order,
                actor=supervisor,
                kind=kind,
                note=note,
                source=source,
                now=last + (ctx.now - last) * 0.8,
            )
    # the sweep as it would run now: reminders and notices for what is late at this moment
    supervision_sweep(now=ctx.now, batch=10_000)

"""Publication's part of the demo city: a few answered demo orders selected, anonymised and published, and
one left in review (made-up data)."""

from __future__ import annotations

from hotline.demo.services import DemoContext
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import WorkOrder

from .services import case_publish, case_select


def load(ctx: DemoContext) -> None:
    dispatcher = ctx.users["dispatcher1"]
    closed = (
        WorkOrder.objects.filter(
            status=Status.CLOSED, publish_consent=True, confidential=False, satisfaction="satisfied"
        )
        .exclude(assignments=None)
        .order_by("-closed_at")[:7]
    )
    for index, order in enumerate(closed):
        case = case_select(order=order, actor=dispatcher, now=ctx.now)
        if index < 5:
            case_publish(case=case, actor=dispatcher, now=ctx.now, confirm=True)

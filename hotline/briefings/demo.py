"""Briefings of the demo city: two typical cases chosen by the supervisor, and last month's, last ten
days' and last week's briefings as the schedule would have made them."""

from __future__ import annotations

import datetime as dt

from hotline.assessment.periods import last_complete
from hotline.core.clock import localtime
from hotline.demo.services import DemoContext
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import WorkOrder

from .models import Briefing, TypicalCase
from .services import briefing_generate, typical_case_add

CASES = [
    ("快速恢复小区供水", "接单后两小时内协调维修队伍到场，当日恢复供水，并向诉求人电话回复，回访满意。"),
    (
        "部门联动整治占道经营",
        "街道牵头、城管协办，连续三天集中整治，建立长效巡查机制，群众反映问题得到解决。",
    ),
]


def load(ctx: DemoContext) -> None:
    today = localtime(ctx.now).date()
    month = last_complete("month", today)
    supervisor = ctx.users.get("supervisor1")
    if supervisor is not None and not TypicalCase.objects.exists():
        closed = (
            WorkOrder.objects.filter(
                status=Status.CLOSED,
                satisfaction="satisfied",
                received_at__gte=month.start_at(),
                received_at__lt=month.end_at(),
            )
            .exclude(confidential=True)
            .order_by("received_at")
        )
        for (headline, summary), order in zip(CASES, closed[:2], strict=False):
            typical_case_add(
                actor=supervisor,
                number=order.number,
                headline=headline,
                summary=summary,
                date=month.start + dt.timedelta(days=10),
                now=ctx.now,
            )
    for kind in ("month", "tenday", "week"):
        period = last_complete(kind, today)
        if Briefing.objects.filter(kind=kind, period_start=period.start).exists():
            continue
        briefing_generate(
            kind=kind, period=period, actor=None, now=ctx.now, trigger=Briefing.Trigger.SCHEDULE
        )

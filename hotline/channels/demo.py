"""The channels' part of the demo city: merged hotlines with their defaults, the first response of the
demo's media-channel orders (as if their receipts had gone out), a few missed calls, and a partner."""

from __future__ import annotations

import datetime as dt

from hotline.demo.services import DemoContext
from hotline.workorders.models import WorkOrder

from .models import Call, FirstResponse, MergedHotline, Partner
from .services.partners import partner_create

# number, name, mode, default level-3 category, default unit code
HOTLINES = [
    ("12315", "消费者投诉举报热线", MergedHotline.Mode.PARALLEL, "商品质量", "D09"),
    ("12369", "环保举报热线", MergedHotline.Mode.FORWARDED, "施工噪声", "D04"),
    ("12333", "人社服务热线", MergedHotline.Mode.MERGED, "社保缴费", "D07"),
    ("12319", "城建服务热线", MergedHotline.Mode.MERGED, "违章搭建", "D02"),
]


def load(ctx: DemoContext) -> None:
    for number, name, mode, category, unit in HOTLINES:
        MergedHotline.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "mode": mode,
                "default_category": ctx.categories.get(category),
                "default_unit": ctx.units.get(unit),
            },
        )
    _first_responses(ctx)
    _missed_calls(ctx)
    if not Partner.objects.filter(code="demo-12315").exists():
        partner_create(code="demo-12315", name="全国12315平台（演示）", now=ctx.now, hotline_number="12315")


def _first_responses(ctx: DemoContext) -> None:
    """Receipts within seconds for most media orders; a few slow ones, so the report has something to show."""
    orders = WorkOrder.objects.filter(channel__first_response_minutes__isnull=False).select_related("channel")
    rows = []
    for order in orders.iterator():
        target = (order.channel.first_response_minutes or 3) * 60
        slow = ctx.rng.random() < 0.04
        seconds = int(target * ctx.rng.uniform(1.1, 3.0)) if slow else ctx.rng.randint(2, 40)
        if ctx.rng.random() < 0.02:
            continue  # never answered: shows as waiting past target
        rows.append(
            FirstResponse(
                order=order,
                channel_id=order.channel_id,
                received_at=order.received_at,
                responded_at=order.received_at + dt.timedelta(seconds=seconds),
                seconds=seconds,
                via=FirstResponse.Via.RECEIPT if not slow else FirstResponse.Via.MESSAGE,
            )
        )
    FirstResponse.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def _missed_calls(ctx: DemoContext) -> None:
    for index in range(6):
        at = ctx.now - dt.timedelta(minutes=ctx.rng.randint(5, 600))
        phone = f"139{ctx.rng.randint(10000000, 99999999)}"
        Call.objects.get_or_create(
            call_id=f"demo-missed-{index}",
            defaults={
                "caller": phone,
                "dialled": "12345",
                "state": Call.State.ABANDONED,
                "rang_at": at,
                "ended_at": at + dt.timedelta(seconds=ctx.rng.randint(10, 60)),
                "callback": Call.Callback.PENDING,
            },
        )

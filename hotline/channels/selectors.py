"""Reads of the channels: the missed-call list, response times by channel, an order's channel record."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from hotline.core.errors import Forbidden
from hotline.directory.models import User
from hotline.taxonomy.models import Channel
from hotline.workorders.models import WorkOrder

from .models import Call, FirstResponse, InboundMessage, OutboundMessage


def _center_only(user: User) -> None:
    if not (user.is_superuser or user.is_center_staff):
        raise Forbidden("This list belongs to the hotline center.", code="center_only")


def missed_calls(user: User) -> QuerySet[Call]:
    """Abandoned calls waiting for a call back, oldest first, each with how often that number was missed."""
    _center_only(user)
    attempts = Call.objects.filter(caller=OuterRef("caller"), callback=Call.Callback.PENDING)
    return (
        Call.objects.filter(callback=Call.Callback.PENDING)
        .annotate(missed_times=Count("pk"), repeated=Exists(attempts.exclude(pk=OuterRef("pk"))))
        .select_related("hotline")
        .order_by("rang_at", "pk")
    )


@dataclass(frozen=True)
class ChannelResponse:
    """First response on one channel over a period, against its GB/T 33358 target."""

    code: str
    name: str
    target_minutes: int
    received: int
    responded: int
    within_target: int
    waiting: int
    overdue: int
    median_seconds: float | None
    p90_seconds: float | None
    max_seconds: int | None

    @property
    def rate(self) -> float | None:
        """Share of the orders received that were answered within the target."""
        return self.within_target / self.received if self.received else None


def response_report(*, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> list[ChannelResponse]:
    """Every channel with a first-response target: orders received in [since, until), how many were
    answered and how many within the target; the waiting ones, and those already past it. Three
    queries whatever the number of channels."""
    channels = list(Channel.objects.filter(first_response_minutes__isnull=False).order_by("sort", "code"))
    orders = WorkOrder.objects.filter(received_at__gte=since, received_at__lt=until, channel__in=channels)
    answered = FirstResponse.objects.filter(order=OuterRef("pk"))
    counts = {
        row["channel_id"]: row
        for row in orders.annotate(answered=Exists(answered))
        .values("channel_id")
        .annotate(received=Count("pk"), waiting=Count("pk", filter=Q(answered=False)))
    }
    seconds: dict[int, list[int]] = {}
    for channel_id, value in FirstResponse.objects.filter(
        received_at__gte=since, received_at__lt=until, channel__in=channels
    ).values_list("channel_id", "seconds"):
        seconds.setdefault(channel_id, []).append(value)
    limits = {c.pk: now - dt.timedelta(minutes=int(c.first_response_minutes or 0)) for c in channels}
    overdue: dict[int, int] = {}
    for channel_id, received_at in (
        orders.annotate(answered=Exists(answered))
        .filter(answered=False)
        .values_list("channel_id", "received_at")
    ):
        if received_at < limits[channel_id]:
            overdue[channel_id] = overdue.get(channel_id, 0) + 1
    report = []
    for channel in channels:
        target = int(channel.first_response_minutes or 0)
        values = sorted(seconds.get(channel.pk, []))
        row = counts.get(channel.pk, {"received": 0, "waiting": 0})
        report.append(
            ChannelResponse(
                code=channel.code,
                name=channel.name,
                target_minutes=target,
                received=row["received"],
                responded=len(values),
                within_target=sum(1 for value in values if value <= target * 60),
                waiting=row["waiting"],
                overdue=overdue.get(channel.pk, 0),
                median_seconds=statistics.median(values) if values else None,
                p90_seconds=_percentile(values, 0.9),
                max_seconds=values[-1] if values else None,
            )
        )
    return report


def _percentile(values: list[int], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


@dataclass(frozen=True)
class OrderChannelRecord:
    calls: list[Call]
    inbound: list[InboundMessage]
    outbound: list[OutboundMessage]
    first_response: FirstResponse | None


def order_channel_record(order: WorkOrder) -> OrderChannelRecord:
    """What came and went on the order's channel (for center staff: it names the caller's addresses)."""
    return OrderChannelRecord(
        calls=list(Call.objects.filter(order=order).order_by("rang_at")),
        inbound=list(InboundMessage.objects.filter(order=order).order_by("received_at")),
        outbound=list(OutboundMessage.objects.filter(order=order).order_by("created_at")),
        first_response=FirstResponse.objects.filter(order=order).first(),
    )

"""Reads for the leader's page: volumes and unit performance over a period, as plain aggregates with a
fixed number of queries (the analytics dashboards go further)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q

from hotline.core.errors import Forbidden
from hotline.directory.models import User
from hotline.taxonomy.models import RequestType
from hotline.workorders.lifecycle import OPEN_STATUSES, Status
from hotline.workorders.models import Assignment, Satisfaction
from hotline.workorders.selectors import workorders_for_user

_GOOD = [Satisfaction.SATISFIED, Satisfaction.BASICALLY]
_ACTIVE = [Assignment.State.PENDING, Assignment.State.SIGNED]


def _center_only(user: User) -> None:
    if not (user.is_superuser or user.is_center_staff):
        raise Forbidden("This summary belongs to the hotline center.", code="center_only")


@dataclass(frozen=True)
class Volumes:
    total: int
    open: int
    closed: int
    answered: int
    rejected: int
    merged: int
    satisfied: int
    rated: int
    by_channel: list[tuple[str, int]]
    by_type: list[tuple[str, int]]

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def volumes(user: User, *, since: dt.datetime, until: dt.datetime) -> Volumes:
    """Orders received in [since, until): by outcome, channel and type. Three queries."""
    _center_only(user)
    orders = workorders_for_user(user).filter(received_at__gte=since, received_at__lt=until)
    totals = orders.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        answered=Count("pk", filter=Q(status=Status.CLOSED) & ~Q(answer="")),
        rejected=Count("pk", filter=Q(status=Status.REJECTED)),
        merged=Count("pk", filter=Q(status=Status.MERGED)),
        satisfied=Count("pk", filter=Q(satisfaction__in=_GOOD)),
        rated=Count("pk", filter=~Q(satisfaction="")),
    )
    by_channel = [
        (name, n)
        for name, n in orders.values_list("channel__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "channel__name")
    ]
    labels = dict(RequestType.choices)
    by_type = [
        (str(labels.get(code, code)), n)
        for code, n in orders.values_list("request_type")
        .annotate(n=Count("pk"))
        .order_by("-n", "request_type")
    ]
    return Volumes(by_channel=by_channel, by_type=by_type, **totals)


@dataclass(frozen=True)
class UnitPerformance:
    unit_id: int
    unit: str
    assigned: int
    replied: int
    on_time: int
    overdue_open: int
    returned: int
    satisfied: int
    rated: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.replied if self.replied else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def unit_performance(
    user: User, *, since: dt.datetime, until: dt.datetime, now: dt.datetime, top: int = 30
) -> list[UnitPerformance]:
    """Per unit, its lead assignments dispatched in [since, until): replied, replied in time, still open
    past the deadline, returned, and the callers' satisfaction. One query."""
    _center_only(user)
    done = Q(state=Assignment.State.DONE)
    rows = (
        Assignment.objects.filter(
            role=Assignment.Role.LEAD, dispatched_at__gte=since, dispatched_at__lt=until
        )
        .values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(done_at__lte=F("due_at"))),
            overdue_open=Count("pk", filter=Q(state__in=_ACTIVE, due_at__lt=now)),
            returned=Count("pk", filter=Q(returned_at__isnull=False)),
            satisfied=Count("pk", filter=done & Q(order__satisfaction__in=_GOOD)),
            rated=Count("pk", filter=done & ~Q(order__satisfaction="")),
        )
        .order_by("-assigned", "unit__name")[:top]
    )
    return [
        UnitPerformance(
            unit_id=row["unit_id"],
            unit=row["unit__name"],
            assigned=row["assigned"],
            replied=row["replied"],
            on_time=row["on_time"],
            overdue_open=row["overdue_open"],
            returned=row["returned"],
            satisfied=row["satisfied"],
            rated=row["rated"],
        )
        for row in rows
    ]

"""Reads of the callback: the exemption that applies to an order, the phone callback queue, an order's
surveys, and satisfaction per unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from hotline.core import refcache
from hotline.directory.models import Unit, User
from hotline.taxonomy.models import Category
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Satisfaction, WorkOrder
from hotline.workorders.queues import CenterQueue, center_queue

from .defaults import DEFAULTS
from .models import CallbackExemption, Survey


def _matches(exemption: CallbackExemption, order: WorkOrder) -> bool:
    match, value = exemption.match, exemption.value
    if match == CallbackExemption.Match.ANONYMOUS:
        return order.anonymous
    if match == CallbackExemption.Match.CONFIDENTIAL:
        return order.confidential
    if match == CallbackExemption.Match.REJECTED:
        return order.status == Status.REJECTED or order.rejection_reason_id is not None
    if match == CallbackExemption.Match.REQUEST_TYPE:
        return order.request_type == value
    if match == CallbackExemption.Match.CHANNEL:
        return order.channel_id is not None and order.channel.code == value
    if match == CallbackExemption.Match.CATEGORY:
        if order.category_id is None:
            return False
        root = Category.objects.filter(code=value).values_list("path", flat=True).first()
        own = Category.objects.filter(pk=order.category_id).values_list("path", flat=True).first()
        return bool(root and own and own.startswith(root))
    return False


EXEMPTIONS_KEY = "feedback:exemptions"


def _active_exemptions() -> list[CallbackExemption]:
    """The active exemptions, oldest first. Every accepted reply asks, and admins change them rarely: kept
    for a minute per process (``core.refcache``), dropped at once by the services that edit them."""

    def load() -> list[CallbackExemption]:
        rows = list(CallbackExemption.objects.order_by("pk"))
        if not rows:
            # an empty table is a database that was never seeded (or flushed): the defaults apply
            rows = [
                CallbackExemption(code=code, name=name, match=match, value=value, active=active)
                for code, name, match, value, active in DEFAULTS
            ]
        return [row for row in rows if row.active]

    return refcache.cached(EXEMPTIONS_KEY, load)


def callback_exemption(order: WorkOrder) -> str:
    """The reason code of the first active exemption that applies to ``order``, "no_phone" when there is
    no number to call, or "" when the caller is to be called back."""
    for exemption in _active_exemptions():
        if _matches(exemption, order):
            return exemption.code
    if not order.caller_phone:
        return "no_phone"
    return ""


def _current_survey() -> Q:
    return Q(order=OuterRef("pk"), round=OuterRef("reopen_count") + 1)


def callback_queue(user: User) -> QuerySet[WorkOrder]:
    """Orders waiting for an agent's callback call: awaiting callback and not waiting for an SMS answer
    (no SMS survey was possible, or the caller did not answer in time). Oldest first, each with its
    surveys (``order.survey_list``)."""
    waiting_sms = Survey.objects.filter(_current_survey(), state=Survey.State.AWAITING_SMS)
    return (
        center_queue(user, CenterQueue.CALLBACK)
        .filter(~Exists(waiting_sms))
        .prefetch_related(
            Prefetch("surveys", queryset=Survey.objects.order_by("round"), to_attr="survey_list"),
            "assignments__unit",
        )
    )


def awaiting_sms_count(user: User) -> int:
    waiting_sms = Survey.objects.filter(_current_survey(), state=Survey.State.AWAITING_SMS)
    return center_queue(user, CenterQueue.CALLBACK).filter(Exists(waiting_sms)).count()


def surveys_for_order(order: WorkOrder) -> list[Survey]:
    return list(Survey.objects.filter(order=order).select_related("unit", "answered_by").order_by("round"))


@dataclass(frozen=True)
class UnitSatisfaction:
    unit: Unit
    answered: int
    satisfied: int
    basically: int
    dissatisfied: int
    solved: int

    @property
    def satisfaction_rate(self) -> float:
        """满意率: satisfied and basically satisfied among the answered."""
        return (self.satisfied + self.basically) / self.answered if self.answered else 0.0

    @property
    def solved_rate(self) -> float:
        return self.solved / self.answered if self.answered else 0.0


def unit_satisfaction(*, since: dt.datetime, until: dt.datetime) -> list[UnitSatisfaction]:
    """Satisfaction per handling unit over the callbacks answered in [since, until), by round (a reopened
    order counts once per round), the least satisfied first; two queries."""
    rows = (
        Survey.objects.filter(
            state=Survey.State.ANSWERED, answered_at__gte=since, answered_at__lt=until, unit__isnull=False
        )
        .values("unit")
        .annotate(
            answered=Count("pk"),
            satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basically=Count("pk", filter=Q(satisfaction=Satisfaction.BASICALLY)),
            dissatisfied=Count("pk", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
            solved=Count("pk", filter=Q(solved=True)),
        )
    )
    data = list(rows)
    units = Unit.objects.in_bulk([row["unit"] for row in data])
    result = [
        UnitSatisfaction(
            unit=units[row["unit"]],
            answered=row["answered"],
            satisfied=row["satisfied"],
            basically=row["basically"],
            dissatisfied=row["dissatisfied"],
            solved=row["solved"],
        )
        for row in data
    ]
    return sorted(result, key=lambda r: (r.satisfaction_rate, -r.answered, r.unit.code))

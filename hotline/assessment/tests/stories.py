"""Small hand-made order histories, written through the work-order services, for the assessment tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hotline.directory.models import Unit, User
from hotline.workorders import services as wo
from hotline.workorders.models import Assignment, WorkOrder

H = dt.timedelta(hours=1)


@dataclass
class Cast:
    dispatcher: User
    agent: User
    supervisor: User
    handlers: dict[int, User]  # unit pk -> handler


def lead_of(order: WorkOrder, unit: Unit) -> Assignment:
    return Assignment.objects.filter(order=order, unit=unit).order_by("-pk").first()  # type: ignore[return-value]


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def dispatch(
    cast: Cast, order: WorkOrder, unit: Unit, at: dt.datetime, assists: tuple[Unit, ...] = ()
) -> WorkOrder:
    return wo.workorder_dispatch(
        order=fresh(order), actor=cast.dispatcher, lead=unit, assists=assists, now=at
    )


def sign(cast: Cast, order: WorkOrder, unit: Unit, at: dt.datetime) -> WorkOrder:
    return wo.workorder_sign(order=fresh(order), actor=cast.handlers[unit.pk], now=at, unit=unit)


def reply(cast: Cast, order: WorkOrder, unit: Unit, at: dt.datetime, solved: bool = True) -> WorkOrder:
    return wo.workorder_reply(
        order=fresh(order), actor=cast.handlers[unit.pk], text="已处理完毕。", solved=solved, now=at
    )


def accept_and_callback(
    cast: Cast, order: WorkOrder, at: dt.datetime, satisfaction: str = "satisfied", solved: bool = True
) -> WorkOrder:
    order = wo.workorder_review_reply(order=fresh(order), actor=cast.dispatcher, accept=True, now=at)
    return wo.workorder_callback(
        order=order, actor=cast.agent, satisfaction=satisfaction, solved=solved, now=at + H
    )


def full(
    cast: Cast,
    order: WorkOrder,
    unit: Unit,
    at: dt.datetime,
    *,
    sign_after: dt.timedelta = H,
    reply_after: dt.timedelta = 24 * H,
    satisfaction: str = "satisfied",
    solved: bool = True,
) -> WorkOrder:
    """Dispatch at ``at``, sign and reply after the given delays, review and call back."""
    dispatch(cast, order, unit, at)
    sign(cast, order, unit, at + sign_after)
    reply(cast, order, unit, at + reply_after, solved=solved)
    return accept_and_callback(cast, order, at + reply_after + H, satisfaction=satisfaction, solved=solved)

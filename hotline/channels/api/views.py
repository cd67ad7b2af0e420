"""``/channels``: response times by channel (GB/T 33358), the missed-call list, and a partner's view of
the orders it pushed (by its own reference)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from hotline.core.clock import now
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.directory.models import User
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.tokens.api.params import Id

from ..models import Call
from ..selectors import missed_calls, response_report
from ..services.calls import missed_call_resolve
from ..services.partners import partner_for, partner_order
from ..services.status import public_status, status_detail
from .schemas import (
    ChannelResponseOut,
    MissedCallOut,
    MissedCallResolveIn,
    PartnerOrderOut,
    ResponseReportOut,
)

router = Router(tags=["channels"])
MAX_SPAN = dt.timedelta(days=366)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.get(
    "/channels/response-times",
    response={200: ResponseReportOut, ERRORS: ErrorOut},
    summary="First response by channel",
)
def response_times(
    request: HttpRequest, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> ResponseReportOut:
    """First response to the caller on each channel with a GB/T 33358 target, for orders received in
    [since, until) (default: the last 7 days). Center staff only."""
    user = _user(request)
    if not (user.is_superuser or user.is_center_staff):
        raise Forbidden("Response times are for the hotline center.", code="center_only")
    until = until or now()
    since = since or until - dt.timedelta(days=7)
    if since.tzinfo is None or until.tzinfo is None:
        raise ValidationFailed("since and until need a time zone offset.", code="naive_datetime")
    if not dt.timedelta(0) < until - since <= MAX_SPAN:
        raise ValidationFailed("Give a period of up to a year, since before until.", code="invalid_range")
    rows = response_report(since=since, until=until, now=now())
    return ResponseReportOut(
        since=since,
        until=until,
        standard="GB/T 33358-2016",
        channels=[
            ChannelResponseOut(
                channel=row.code,
                name=row.name,
                target_minutes=row.target_minutes,
                received=row.received,
                responded=row.responded,
                within_target=row.within_target,
                rate=row.rate,
                waiting=row.waiting,
                overdue=row.overdue,
                median_seconds=row.median_seconds,
                p90_seconds=row.p90_seconds,
                max_seconds=row.max_seconds,
            )
            for row in rows
        ],
    )


@router.get(
    "/channels/missed-calls", response={200: list[MissedCallOut], ERRORS: ErrorOut}, summary="Missed calls"
)
def missed(request: HttpRequest) -> list[MissedCallOut]:
    return [
        MissedCallOut(
            id=call.pk,
            call_id=call.call_id,
            caller=call.caller,
            dialled=call.dialled,
            rang_at=call.rang_at,
            repeated=bool(getattr(call, "repeated", False)),
        )
        for call in missed_calls(_user(request))[:200]
    ]


@router.post(
    "/channels/missed-calls/{call_id}/resolve",
    response={200: MissedCallOut, ERRORS: ErrorOut},
    summary="Record a call back",
)
def resolve(request: HttpRequest, call_id: Id, payload: MissedCallResolveIn) -> MissedCallOut:
    call = get_object_or_404(Call, pk=call_id)
    done = missed_call_resolve(
        call=call, actor=_user(request), outcome=payload.outcome, note=payload.note, now=now()
    )
    return MissedCallOut(
        id=done.pk,
        call_id=done.call_id,
        caller=done.caller,
        dialled=done.dialled,
        rang_at=done.rang_at,
        repeated=False,
    )


@router.get(
    "/channels/partner/orders/{reference}",
    response={200: PartnerOrderOut, ERRORS: ErrorOut},
    summary="A partner's order by its reference",
)
def partner_order_status(request: HttpRequest, reference: str) -> PartnerOrderOut:
    """For a partner system's account: the order it pushed with this reference, as the caller may know it."""
    partner = partner_for(_user(request))
    if partner is None:
        raise Forbidden("Only a partner system's account looks up orders by reference.", code="partner_only")
    order = partner_order(partner, reference)
    return PartnerOrderOut(
        reference=reference,
        number=order.number,
        status=order.status,
        status_text=public_status(order),
        detail=status_detail(order),
        received_at=order.received_at,
        closed_at=order.closed_at,
    )

"""First response per order on its channel (GB/T 33358: SMS and other media within 3 minutes, the
mailbox within 24 hours). The first answer the caller gets on their channel is recorded once; an
automatic receipt counts."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from hotline.workorders.models import WorkOrder

from ..models import FirstResponse

_VIA = {
    "receipt": FirstResponse.Via.RECEIPT,
    "answer": FirstResponse.Via.ANSWER,
    "reply": FirstResponse.Via.REPLY,
}


def via_for_template(code: str) -> str:
    return _VIA.get(code, FirstResponse.Via.MESSAGE)


def response_record(*, order: WorkOrder, at: dt.datetime, via: str) -> FirstResponse:
    """Record that the caller of ``order`` was answered at ``at``, unless an earlier answer is recorded."""
    existing = FirstResponse.objects.filter(order=order).first()
    if existing is not None:
        return existing
    seconds = max(0, int((at - order.received_at).total_seconds()))
    try:
        with transaction.atomic():
            return FirstResponse.objects.create(
                order=order,
                channel_id=order.channel_id,
                received_at=order.received_at,
                responded_at=at,
                seconds=seconds,
                via=via,
            )
    except IntegrityError:
        return FirstResponse.objects.get(order=order)

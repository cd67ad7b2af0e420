from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ChannelResponseOut(Schema):
    channel: str
    name: str
    target_minutes: int
    received: int
    responded: int
    within_target: int
    rate: float | None = Field(description="share answered within the target, of all received")
    waiting: int
    overdue: int = Field(description="not answered and already past the target")
    median_seconds: float | None
    p90_seconds: float | None
    max_seconds: int | None


class ResponseReportOut(Schema):
    since: dt.datetime
    until: dt.datetime
    standard: str
    channels: list[ChannelResponseOut]


class MissedCallOut(Schema):
    id: int
    call_id: str
    caller: str
    dialled: str
    rang_at: dt.datetime
    repeated: bool


class MissedCallResolveIn(Schema):
    outcome: str = Field(..., pattern="^(done|unreachable)$")
    note: str = Field("", max_length=300)


class PartnerOrderOut(Schema):
    reference: str
    number: str
    status: str
    status_text: str
    detail: str
    received_at: dt.datetime
    closed_at: dt.datetime | None

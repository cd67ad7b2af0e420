"""Schemas of the supervision API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from hotline.tokens.api.params import MAX_ID


class ResponseOut(Schema):
    text: str
    responded_at: dt.datetime
    responded_by: str | None
    on_time: bool


class NoticeOut(Schema):
    id: int
    level: str = Field(..., description="remind (催办), supervise (督办) or escalate (通报)")
    cause: str = Field(..., description="the rule's code, or manual")
    unit: str | None
    text: str
    issued_at: dt.datetime
    issued_by: str | None = Field(None, description="None when the supervision sweep issued it")
    respond_by: dt.datetime | None
    escalated_at: dt.datetime | None
    response: ResponseOut | None


class FlagOut(Schema):
    kind: str
    note: str
    source: str
    flagged_at: dt.datetime


class OrderSupervisionOut(Schema):
    number: str
    notices: list[NoticeOut]
    flags: list[FlagOut] = Field(..., description="center staff only; empty for units")


class RemindIn(Schema):
    unit: int | None = Field(
        None, ge=1, le=MAX_ID, description="a unit handling the order; the lead unit when absent"
    )
    text: str = Field("", max_length=1000, description="a standard reminder when empty")


class SuperviseIn(Schema):
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    text: str = Field(..., min_length=1, max_length=2000)
    respond_by: dt.datetime | None = Field(None, description="the rules' response limit when absent")


class EscalateIn(Schema):
    text: str = Field("", max_length=2000)


class RespondIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)


class FlagIn(Schema):
    kind: str = Field(..., max_length=10, description="media or sudden")
    note: str = Field(..., min_length=1, max_length=1000)
    source: str = Field("", max_length=200)

"""Schemas of the notifications API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from hotline.tokens.api.params import Id


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    order: str | None = Field(None, description="the work order's number")
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    unread: int
    next_cursor: str | None


class ReadIn(Schema):
    ids: list[Id] | None = Field(
        None, max_length=500, description="the notifications to mark read; all unread ones when absent"
    )


class ReadOut(Schema):
    read: int
    unread: int

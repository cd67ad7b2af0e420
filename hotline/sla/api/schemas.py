from __future__ import annotations

import datetime as dt

from ninja import Schema


class DayOut(Schema):
    date: dt.date
    workday: bool
    known: bool


class DeadlineOut(Schema):
    start: dt.datetime
    limit: str
    due_at: dt.datetime

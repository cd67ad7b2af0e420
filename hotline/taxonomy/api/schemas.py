from __future__ import annotations

from ninja import Schema


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent: int | None
    active: bool


class ChannelOut(Schema):
    code: str
    name: str
    first_response_minutes: int | None
    active: bool


class ChoiceOut(Schema):
    code: str
    name: str


class RejectionReasonOut(Schema):
    code: str
    name: str
    description: str
    transfer: bool

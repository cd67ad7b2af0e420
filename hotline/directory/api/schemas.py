from __future__ import annotations

from ninja import Schema


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent: int | None
    depth: int
    active: bool
    divisions: list[int]


class DivisionOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent: int | None


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    unit: UnitRefOut | None
    center_staff: bool

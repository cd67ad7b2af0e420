"""``/directory``: units (with their tree and jurisdiction), divisions, and who the caller of the API is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.http import HttpRequest
from ninja import Path, Router

from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Division, Unit, User
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.tokens.api.params import Id

from .schemas import DivisionOut, MeOut, UnitOut, UnitRefOut

router = Router(tags=["directory"])


class _Node(Protocol):
    pk: int
    path: str
    steplen: int


def _parents(nodes: Iterable[_Node]) -> dict[str, int]:
    return {node.path: node.pk for node in nodes}


def _parent(node: _Node, by_path: dict[str, int]) -> int | None:
    return by_path.get(node.path[: -node.steplen]) if len(node.path) > node.steplen else None


def _unit_out(unit: Unit, by_path: dict[str, int], divisions: list[int]) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        kind=unit.kind,
        parent=_parent(unit, by_path),
        depth=unit.depth,
        active=unit.active,
        divisions=divisions,
    )


def _jurisdictions(unit_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {pk: [] for pk in unit_ids}
    for unit_id, division_id in Unit.divisions.through.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "division_id"
    ):
        found[unit_id].append(division_id)
    return found


@router.get("/directory/me", response={200: MeOut, ERRORS: ErrorOut}, summary="Who you are")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)
    unit = user.unit
    return MeOut(
        username=user.username,
        display_name=str(user),
        role=user.role,
        unit=UnitRefOut(id=unit.pk, code=unit.code, name=unit.name) if unit else None,
        center_staff=user.is_center_staff,
    )


@router.get("/directory/units", response={200: list[UnitOut], ERRORS: ErrorOut}, summary="Handling units")
def units(request: HttpRequest, active_only: bool = True) -> list[UnitOut]:
    """Every unit in tree order, with its parent and the divisions it covers."""
    everything = list(Unit.objects.order_by("path"))
    by_path = _parents(everything)
    shown = [unit for unit in everything if unit.active or not active_only]
    jurisdiction = _jurisdictions([unit.pk for unit in shown])
    return [_unit_out(unit, by_path, jurisdiction[unit.pk]) for unit in shown]


@router.get("/directory/units/{unit_id}", response={200: UnitOut, ERRORS: ErrorOut}, summary="One unit")
def unit(request: HttpRequest, unit_id: Path[Id]) -> UnitOut:
    found = Unit.objects.filter(pk=unit_id).first()
    if found is None:
        raise NotFound(f"No unit {unit_id}.", code="unit_not_found")
    parent = Unit.objects.get_parent(found)
    by_path = {parent.path: parent.pk} if parent is not None else {}
    return _unit_out(found, by_path, _jurisdictions([found.pk])[found.pk])


@router.get("/directory/divisions", response={200: list[DivisionOut], ERRORS: ErrorOut}, summary="Divisions")
def divisions(request: HttpRequest, level: int | None = None) -> list[DivisionOut]:
    """Administrative divisions in tree order; ``level`` 1 province … 5 community."""
    if level is not None and not 1 <= level <= 5:
        raise ValidationFailed("level is 1 (province) to 5 (community).", code="invalid_level")
    everything = list(Division.objects.order_by("path"))
    by_path = _parents(everything)
    return [
        DivisionOut(id=d.pk, code=d.code, name=d.name, level=d.level, parent=_parent(d, by_path))
        for d in everything
        if level is None or d.level == level
    ]

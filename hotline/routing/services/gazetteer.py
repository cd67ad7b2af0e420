"""Writes of the gazetteer (地名库): the deployment's roads, estates and landmarks, each in a division."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from hotline.core.errors import ValidationFailed
from hotline.core.tables import read_table
from hotline.directory.models import Division
from hotline.text import segment

from .. import location
from ..models import Place

_KINDS = {
    "": Place.Kind.LANDMARK,
    "道路": Place.Kind.ROAD,
    "路": Place.Kind.ROAD,
    "小区": Place.Kind.ESTATE,
    "住宅小区": Place.Kind.ESTATE,
    "地标": Place.Kind.LANDMARK,
    "片区": Place.Kind.AREA,
    **{value: value for value in Place.Kind.values},
}


def _changed() -> None:
    # Both rebuild lazily on next use, so a file of a thousand places costs one rebuild.
    location.invalidate()
    segment.invalidate()


def place_save(
    *, name: str, division: Division, kind: str = Place.Kind.LANDMARK, aliases: str = "", active: bool = True
) -> Place:
    """Create or update the place ``name`` in ``division``; segmentation and location follow at once in
    this process (other processes within a minute)."""
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise ValidationFailed("A place name has 2 to 100 characters.", code="invalid_place")
    if kind not in Place.Kind.values:
        raise ValidationFailed(f"Unknown place kind {kind!r}.", code="invalid_place_kind")
    with transaction.atomic():
        place, _ = Place.objects.update_or_create(
            name=name,
            division=division,
            defaults={"kind": kind, "aliases": aliases.strip(), "active": active},
        )
        transaction.on_commit(_changed)
    return place


@dataclass(frozen=True)
class GazetteerResult:
    saved: int


def gazetteer_import(path: Path | str) -> GazetteerResult:
    """Import places from CSV or XLSX with columns 名称 (name), 区划编码 (division_code), 类型 (kind), 别名
    (aliases). One bad row refuses the whole file."""
    rows = read_table(path)
    if not rows:
        raise ValidationFailed("The file has no rows.", code="invalid_file")
    divisions = {d.code: d for d in Division.objects.all()}
    parsed = []
    errors = []
    for row_no, row in enumerate(rows, start=2):
        name = (row.get("名称") or row.get("name") or "").strip()
        code = (row.get("区划编码") or row.get("division_code") or "").strip()
        kind = _KINDS.get((row.get("类型") or row.get("kind") or "").strip())
        division = divisions.get(code)
        if not name or division is None or kind is None:
            errors.append(f"Row {row_no}: a name, a known division code and a known kind are required.")
            continue
        parsed.append((name, division, kind, (row.get("别名") or row.get("aliases") or "").strip()))
    if errors:
        raise ValidationFailed(
            f"{len(errors)} row(s) cannot be imported; nothing was changed.",
            code="invalid_rows",
            details={"errors": errors[:50]},
        )
    with transaction.atomic():
        for name, division, kind, aliases in parsed:
            place_save(name=name, division=division, kind=kind, aliases=aliases)
    return GazetteerResult(len(parsed))

"""Writes of the taxonomy: importing the three-level category tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from hotline.core import refcache
from hotline.core.errors import ValidationFailed
from hotline.core.tables import read_table

from .models import Category

LEVEL_COLUMNS = [
    ("level1", "一级分类", "一级"),
    ("level2", "二级分类", "二级"),
    ("level3", "三级分类", "三级"),
]


@dataclass(frozen=True)
class ImportResult:
    created: int
    existing: int


def _column(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if name in row:
            return row[name].strip()
    return ""


def category_get_or_create(*, parent: Category | None, name: str) -> tuple[Category, bool]:
    """The child ``name`` of ``parent`` (a root when None), created with the next free code if missing."""
    siblings = Category.objects.get_root_nodes() if parent is None else Category.objects.get_children(parent)
    found = siblings.filter(name=name).first()
    if found is not None:
        return found, False
    prefix = "" if parent is None else parent.code
    width = 2 if parent is None else 3
    numbers = [
        int(code[len(prefix) :])
        for code in siblings.values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    code = f"{prefix}{(max(numbers) + 1 if numbers else 1):0{width}d}"
    if parent is None:
        return Category.objects.add_root(instance=Category(code=code, name=name)), True
    return Category.objects.add_child(parent, instance=Category(code=code, name=name)), True


def taxonomy_import(path: Path | str) -> ImportResult:
    """Import a category tree from CSV or XLSX with columns level1, level2, level3 (or 一级分类 二级分类
    三级分类). Idempotent: existing nodes are matched by name under their parent and kept."""
    rows = read_table(path)
    if not rows:
        raise ValidationFailed("The file has no rows.", code="invalid_file")
    if not _column(rows[0], LEVEL_COLUMNS[0]) and not any(name in rows[0] for name in LEVEL_COLUMNS[0]):
        raise ValidationFailed(
            "The file needs the columns level1, level2, level3 (or 一级分类, 二级分类, 三级分类).",
            code="invalid_file",
            details={"columns": sorted(rows[0])},
        )
    created = existing = 0
    cache: dict[tuple[int | None, str], Category] = {}
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            names = [_column(row, columns) for columns in LEVEL_COLUMNS]
            if not names[0]:
                raise ValidationFailed(f"line {line}: level1 is empty.", code="invalid_file")
            if names[2] and not names[1]:
                raise ValidationFailed(f"line {line}: level3 without level2.", code="invalid_file")
            parent: Category | None = None
            for name in names:
                if not name:
                    break
                key = (parent.pk if parent else None, name)
                node = cache.get(key)
                if node is None:
                    node, was_created = category_get_or_create(parent=parent, name=name)
                    cache[key] = node
                    created += was_created
                    existing += not was_created
                parent = Category.objects.get(pk=node.pk)  # fresh: add_child changes the parent's row
    refcache.invalidate()
    return ImportResult(created=created, existing=existing)

"""Writes of the dispatch catalogue (派单目录): save and retire rules, import and export them as XLSX.
Every change is one transaction and leaves a ``CatalogueChange`` with the rule before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from hotline.core.errors import ValidationFailed
from hotline.core.tables import read_table
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category

from .. import catalogue
from ..models import CatalogueChange, CatalogueRule

# Columns of the XLSX file, in order: (key, Chinese header). Import also accepts the English keys.
COLUMNS: list[tuple[str, str]] = [
    ("id", "编号"),
    ("category_code", "分类编码"),
    ("category", "分类名称"),
    ("keywords", "关键词"),
    ("division_code", "区划编码"),
    ("division", "区划名称"),
    ("territorial", "属地管理"),
    ("territorial_kind", "属地单位类型"),
    ("lead_code", "主办单位编码"),
    ("lead", "主办单位"),
    ("assist_codes", "协办单位编码"),
    ("assists", "协办单位"),
    ("basis", "职责依据"),
    ("priority", "优先级"),
    ("active", "启用"),
]
# 属地单位类型 as a code or in words; empty: the street office (街道/乡镇), the usual territorial unit.
_TERRITORIAL_KINDS = {
    "": Unit.Kind.STREET,
    "街道": Unit.Kind.STREET,
    "乡镇": Unit.Kind.STREET,
    "街道/乡镇": Unit.Kind.STREET,
    "区县": Unit.Kind.DISTRICT,
    "区县政府": Unit.Kind.DISTRICT,
    "工作站": Unit.Kind.WORKSTATION,
}
_YES = {"1", "true", "yes", "y", "是", "启用", "属地", "√"}
_NO = {"", "0", "false", "no", "n", "否", "停用", "×"}


def snapshot(rule: CatalogueRule) -> dict[str, Any]:
    """A rule as plain data (codes, not ids), as the history keeps it."""
    return {
        "category": rule.category.code if rule.category_id and rule.category else None,
        "keywords": rule.keywords,
        "division": rule.division.code if rule.division_id and rule.division else None,
        "territorial": rule.territorial,
        "territorial_kind": rule.territorial_kind,
        "lead": rule.lead.code if rule.lead_id and rule.lead else None,
        "assists": sorted(u.code for u in rule.assists.all()) if rule.pk else [],
        "basis": rule.basis,
        "priority": rule.priority,
        "active": rule.active,
    }


@dataclass(frozen=True)
class RuleInput:
    category: Category | None
    division: Division | None
    lead: Unit | None
    assists: Sequence[Unit] = ()
    keywords: str = ""
    territorial: bool = False
    territorial_kind: str = Unit.Kind.STREET
    basis: str = ""
    priority: int = 0
    active: bool = True


def _validate(data: RuleInput) -> None:
    keywords = ",".join(k.strip() for k in data.keywords.replace("，", ",").split(",") if k.strip())
    if data.category is None and not keywords:
        raise ValidationFailed("A rule needs a category or keywords.", code="matter_required")
    if data.territorial:
        if data.territorial_kind not in Unit.Kind.values or data.territorial_kind == Unit.Kind.CENTER:
            raise ValidationFailed("Unknown territorial unit kind.", code="invalid_territorial_kind")
    elif data.lead is None:
        raise ValidationFailed("A rule needs a lead unit unless it is territorial.", code="lead_required")
    for unit in [data.lead, *data.assists]:
        if unit is not None and (unit.is_center or not unit.active):
            raise ValidationFailed(f"{unit} cannot handle orders.", code="invalid_unit")


def catalogue_rule_save(
    *,
    data: RuleInput,
    actor: User | None,
    now: dt.datetime,
    rule: CatalogueRule | None = None,
    source: str = "",
) -> CatalogueRule:
    """Create a rule, or change ``rule``; the change is recorded with the rule before and after. Saving a
    rule unchanged records nothing."""
    _validate(data)
    keywords = ",".join(k.strip() for k in data.keywords.replace("，", ",").split(",") if k.strip())
    with transaction.atomic():
        before = None
        if rule is not None:
            rule = CatalogueRule.objects.select_for_update().get(pk=rule.pk)
            before = snapshot(rule)
        target = rule or CatalogueRule(created_at=now)
        target.category = data.category
        target.keywords = keywords
        target.division = data.division
        target.territorial = data.territorial
        target.territorial_kind = data.territorial_kind
        target.lead = None if data.territorial else data.lead
        target.basis = data.basis.strip()
        target.priority = data.priority
        target.active = data.active
        target.updated_at = now
        target.save()
        target.assists.set([u for u in data.assists if target.lead_id != u.pk])
        after = snapshot(target)
        if before != after:
            action = CatalogueChange.Action.CREATED
            if before is not None:
                action = CatalogueChange.Action.CHANGED
                if before["active"] and not after["active"]:
                    action = CatalogueChange.Action.RETIRED
                elif not before["active"] and after["active"]:
                    action = CatalogueChange.Action.RESTORED
            CatalogueChange.objects.create(
                rule=target, action=action, at=now, actor=actor, source=source, before=before, after=after
            )
        transaction.on_commit(catalogue.invalidate)
    return target


def catalogue_rule_retire(
    *, rule: CatalogueRule, actor: User | None, now: dt.datetime, source: str = ""
) -> CatalogueRule:
    """Retire a rule: it stops matching and keeps its history (rules are never deleted)."""
    with transaction.atomic():
        locked = CatalogueRule.objects.select_for_update().get(pk=rule.pk)
        if not locked.active:
            return locked
        before = snapshot(locked)
        locked.active = False
        locked.updated_at = now
        locked.save(update_fields=["active", "updated_at"])
        CatalogueChange.objects.create(
            rule=locked,
            action=CatalogueChange.Action.RETIRED,
            at=now,
            actor=actor,
            source=source,
            before=before,
            after=snapshot(locked),
        )
        transaction.on_commit(catalogue.invalidate)
    return locked


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    unchanged: int


def _cell(row: dict[str, str], key: str) -> str:
    header = dict(COLUMNS)[key]
    return (row.get(header) or row.get(key) or "").strip()


def _flag(value: str, *, default: bool, row_no: int, column: str) -> bool:
    low = value.strip().lower()
    if not low:
        return default
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise ValidationFailed(
        f"Row {row_no}: {column} must be 是 or 否.", code="invalid_row", details={"row": row_no}
    )


def catalogue_import(
    path: Path | str, *, actor: User | None, now: dt.datetime, source: str = ""
) -> ImportResult:
    """Import catalogue rules from XLSX (or CSV) with the columns of ``COLUMNS``. A row with 编号 changes
    that rule; a row without it changes the rule for the same category, keywords and area, or creates
    one. All rows are checked first: one bad row refuses the whole file and nothing changes."""
    path = Path(path)
    rows = read_table(path)
    if not rows:
        raise ValidationFailed("The file has no rows.", code="invalid_file")
    categories = {c.code: c for c in Category.objects.all()}
    divisions = {d.code: d for d in Division.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    parsed: list[tuple[CatalogueRule | None, RuleInput]] = []
    errors: list[str] = []
    for row_no, row in enumerate(rows, start=2):
        try:
            parsed.append(_parse_row(row, row_no, categories, divisions, units))
        except ValidationFailed as exc:
            errors.append(exc.message)
    if errors:
        raise ValidationFailed(
            f"{len(errors)} row(s) cannot be imported; nothing was changed.",
            code="invalid_rows",
            details={"errors": errors[:50]},
        )
    created = changed = unchanged = 0
    with transaction.atomic():
        for existing, data in parsed:
            if existing is None:
                existing = _same_matter_rule(data)
            before_changes = existing.changes.count() if existing else 0
            saved = catalogue_rule_save(
                data=data, actor=actor, now=now, rule=existing, source=source or path.name
            )
            if existing is None:
                created += 1
            elif saved.changes.count() > before_changes:
                changed += 1
            else:
                unchanged += 1
    return ImportResult(created, changed, unchanged)


def _same_matter_rule(data: RuleInput) -> CatalogueRule | None:
    keywords = ",".join(k.strip() for k in data.keywords.replace("，", ",").split(",") if k.strip())
    return CatalogueRule.objects.filter(
        category=data.category, division=data.division, keywords=keywords
    ).first()


def _parse_row(
    row: dict[str, str],
    row_no: int,
    categories: dict[str, Category],
    divisions: dict[str, Division],
    units: dict[str, Unit],
) -> tuple[CatalogueRule | None, RuleInput]:
    def fail(message: str) -> ValidationFailed:
        return ValidationFailed(f"Row {row_no}: {message}", code="invalid_row", details={"row": row_no})

    existing = None
    rule_id = _cell(row, "id")
    if rule_id:
        if not rule_id.isdigit():
            raise fail(f"编号 {rule_id!r} is not a number.")
        existing = CatalogueRule.objects.filter(pk=int(rule_id)).first()
        if existing is None:
            raise fail(f"no rule {rule_id}.")
    category = None
    if code := _cell(row, "category_code"):
        category = categories.get(code)
        if category is None:
            raise fail(f"unknown category code {code!r}.")
    division = None
    if code := _cell(row, "division_code"):
        division = divisions.get(code)
        if division is None:
            raise fail(f"unknown division code {code!r}.")
    territorial = _flag(_cell(row, "territorial"), default=False, row_no=row_no, column="属地管理")
    kind = _TERRITORIAL_KINDS.get(_cell(row, "territorial_kind"), _cell(row, "territorial_kind"))
    lead = None
    if code := _cell(row, "lead_code"):
        lead = units.get(code)
        if lead is None:
            raise fail(f"unknown unit code {code!r}.")
    assists = []
    for code in _cell(row, "assist_codes").replace("，", ",").split(","):
        if code.strip():
            unit = units.get(code.strip())
            if unit is None:
                raise fail(f"unknown unit code {code.strip()!r}.")
            assists.append(unit)
    priority_text = _cell(row, "priority") or "0"
    try:
        priority = int(float(priority_text))
    except ValueError:
        raise fail(f"优先级 {priority_text!r} is not a number.") from None
    data = RuleInput(
        category=category,
        division=division,
        lead=lead,
        assists=assists,
        keywords=_cell(row, "keywords"),
        territorial=territorial,
        territorial_kind=kind,
        basis=_cell(row, "basis"),
        priority=priority,
        active=_flag(_cell(row, "active"), default=True, row_no=row_no, column="启用"),
    )
    try:
        _validate(data)
    except ValidationFailed as exc:
        raise fail(exc.message) from None
    return existing, data


def catalogue_export(path: Path | str, *, include_retired: bool = False) -> int:
    """Write the catalogue to an XLSX file with the import's columns; returns the number of rules."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationFailed("Export the catalogue to an .xlsx file.", code="invalid_file")
    rules = CatalogueRule.objects.select_related("category", "division", "lead").prefetch_related("assists")
    if not include_retired:
        rules = rules.filter(active=True)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "派单目录"
    sheet.append([header for _, header in COLUMNS])
    count = 0
    for rule in rules:
        assists = list(rule.assists.all())
        sheet.append(
            [
                rule.pk,
                rule.category.code if rule.category else "",
                rule.category.name if rule.category else "",
                rule.keywords,
                rule.division.code if rule.division else "",
                rule.division.name if rule.division else "",
                "是" if rule.territorial else "否",
                rule.territorial_kind if rule.territorial else "",
                rule.lead.code if rule.lead else "",
                rule.lead.name if rule.lead else "",
                ",".join(u.code for u in assists),
                ",".join(u.name for u in assists),
                rule.basis,
                rule.priority,
                "是" if rule.active else "否",
            ]
        )
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return count

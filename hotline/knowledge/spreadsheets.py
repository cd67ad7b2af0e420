"""Entries to and from XLSX: one row per entry, headed in Chinese (English keys are accepted too).

An import is all or nothing: every row goes through the services inside one transaction, and if any
row is refused the whole import is rolled back and every refused row is reported. A row with the
``编号`` of an existing entry updates it (a new version, when something changed); other rows create
entries. ``版本`` guards against overwriting a newer edit made after the export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core.errors import ApplicationError, ValidationFailed
from hotline.core.tables import read_table
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category

from . import policy
from .models import Entry, EntryStatus, Visibility
from .services import EntryInput, entry_create, entry_publish, entry_update

COLUMNS: list[tuple[str, str]] = [
    ("id", "编号"),
    ("question", "问题"),
    ("answer", "答案"),
    ("keywords", "关键词"),
    ("synonyms", "同义词"),
    ("category", "分类编码"),
    ("owner_units", "责任单位编码"),
    ("divisions", "适用区划编码"),
    ("effective_from", "生效日期"),
    ("expires_on", "失效日期"),
    ("review_cycle_days", "复核周期（天）"),
    ("visibility", "公开范围"),
    ("status", "状态"),
    ("version", "版本"),
]
_KEY_OF = {label: key for key, label in COLUMNS} | {key: key for key, _label in COLUMNS}
_VISIBILITY: dict[str, str] = {
    "public": Visibility.PUBLIC,
    "公开": Visibility.PUBLIC,
    "internal": Visibility.INTERNAL,
    "内部": Visibility.INTERNAL,
}
_VISIBILITY_LABEL: dict[str, str] = {Visibility.PUBLIC: "公开", Visibility.INTERNAL: "内部"}


def _codes(values: Iterable[Any]) -> str:
    return ",".join(str(v) for v in values)


def export_rows(entries: Iterable[Entry], *, published: bool = False) -> list[dict[str, Any]]:
    """One dict per entry (its working version, or with ``published`` its published one)."""
    rows = []
    for entry in entries:
        version = entry.published if published else entry.latest
        if version is None:
            continue
        rows.append(
            {
                "id": entry.pk,
                "question": version.question,
                "answer": version.answer_html,
                "keywords": version.keywords,
                "synonyms": version.synonyms,
                "category": version.category.code if version.category else "",
                "owner_units": _codes(u.code for u in version.owner_units.all()),
                "divisions": _codes(d.code for d in version.divisions.all()),
                "effective_from": version.effective_from.isoformat() if version.effective_from else "",
                "expires_on": version.expires_on.isoformat() if version.expires_on else "",
                "review_cycle_days": version.review_cycle_days,
                "visibility": _VISIBILITY_LABEL.get(version.visibility, version.visibility),
                "status": entry.get_status_display(),
                "version": version.number,
            }
        )
    return rows


def export_queryset(entries: Any, *, published: bool = False) -> Any:
    version = "published" if published else "latest"
    query = entries.select_related(f"{version}__category")
    if published:
        query = query.filter(published__isnull=False)
    return query.prefetch_related(f"{version}__owner_units", f"{version}__divisions").order_by("pk")


def write_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "知识库"
    sheet.append([label for _key, label in COLUMNS])
    for row in rows:
        sheet.append([row.get(key, "") for key, _label in COLUMNS])
    for letter, width in zip(
        "ABCDEFGHIJKLMN", (8, 40, 80, 24, 24, 12, 16, 16, 12, 12, 10, 10, 10, 6), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    published: list[int] = field(default_factory=list)


def _date(value: str, row: int, name: str, errors: list[str]) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10].replace("/", "-"))
    except ValueError:
        errors.append(
            _("row %(row)s: %(field)s %(value)r is not a date (YYYY-MM-DD)")
            % {"row": row, "field": name, "value": value}
        )
        return None


def _lookup(model: Any, codes: str, row: int, name: str, errors: list[str]) -> list[Any]:
    wanted = [c.strip() for c in (codes or "").replace("，", ",").split(",") if c.strip()]
    found = {obj.code: obj for obj in model.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        errors.append(
            _("row %(row)s: unknown %(field)s %(codes)s")
            % {"row": row, "field": name, "codes": ", ".join(missing)}
        )
    return [found[c] for c in wanted if c in found]


def _row_input(raw: dict[str, str], row: int, errors: list[str]) -> tuple[int | None, int | None, EntryInput]:
    data = {_KEY_OF[k]: v for k, v in raw.items() if k in _KEY_OF}
    entry_id = int(data["id"]) if str(data.get("id", "")).strip().isdigit() else None
    version = int(data["version"]) if str(data.get("version", "")).strip().isdigit() else None
    category = None
    if (data.get("category") or "").strip():
        category = Category.objects.filter(code=data["category"].strip()).first()
        if category is None:
            errors.append(
                _("row %(row)s: unknown category %(code)s") % {"row": row, "code": data["category"]}
            )
    visibility = _VISIBILITY.get((data.get("visibility") or "").strip().lower() or "internal")
    if visibility is None:
        errors.append(_("row %(row)s: visibility must be 公开 or 内部") % {"row": row})
        visibility = Visibility.INTERNAL
    cycle_text = str(data.get("review_cycle_days") or "").strip()
    cycle = None
    if cycle_text:
        try:
            cycle = int(float(cycle_text))
        except ValueError:
            errors.append(_("row %(row)s: the review cycle is not a number") % {"row": row})
    return (
        entry_id,
        version,
        EntryInput(
            question=data.get("question", ""),
            answer=data.get("answer", ""),
            keywords=data.get("keywords", ""),
            synonyms=data.get("synonyms", ""),
            category=category,
            owner_units=_lookup(Unit, data.get("owner_units", ""), row, "unit", errors),
            divisions=_lookup(Division, data.get("divisions", ""), row, "division", errors),
            effective_from=_date(data.get("effective_from", ""), row, "effective_from", errors),
            expires_on=_date(data.get("expires_on", ""), row, "expires_on", errors),
            review_cycle_days=cycle,
            visibility=visibility,
            note=_("imported"),
        ),
    )


def import_rows(
    rows: list[dict[str, str]], *, actor: User, now: dt.datetime, publish: bool = False
) -> ImportResult:
    """Create or update entries from table rows; all or nothing (see the module docstring)."""
    if publish and not policy.is_editor(actor):
        raise ValidationFailed(
            _("Only the center's editors publish entries."), code="kb_publish_not_permitted"
        )
    if not rows:
        raise ValidationFailed(_("The file has no rows."), code="empty_file")
    if not any(k in _KEY_OF and _KEY_OF[k] == "question" for k in rows[0]):
        raise ValidationFailed(_("The file has no 问题 (question) column."), code="invalid_file")
    result = ImportResult()
    errors: list[str] = []
    with transaction.atomic():
        for number, raw in enumerate(rows, start=2):  # row 1 is the header
            row_errors: list[str] = []
            entry_id, version, data = _row_input(raw, number, row_errors)
            if row_errors:
                errors.extend(row_errors)
                continue
            try:
                existing = (
                    Entry.objects.select_related("latest").filter(pk=entry_id).first() if entry_id else None
                )
                if existing is not None:
                    before = existing.latest_id
                    entry = entry_update(
                        entry=existing, actor=actor, data=data, now=now, expected_version=version
                    )
                    (result.updated if entry.latest_id != before else result.unchanged).append(entry.pk)
                else:
                    entry = entry_create(actor=actor, data=data, now=now)
                    result.created.append(entry.pk)
                if publish and entry.status != EntryStatus.PUBLISHED:
                    entry_publish(entry=entry, actor=actor, now=now, comment=_("imported"))
                    result.published.append(entry.pk)
            except ApplicationError as exc:
                detail = "; ".join(f"{k}: {v}" for k, v in exc.details.items() if isinstance(v, str))
                errors.append(
                    _("row %(row)s: %(message)s")
                    % {"row": number, "message": f"{exc.message} {detail}".strip()}
                )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationFailed(
            _("Nothing was imported: %(count)s rows have errors.") % {"count": len(errors)},
            code="import_failed",
            details={"errors": errors},
        )
    return result


def import_file(path: Path | str, *, actor: User, now: dt.datetime, publish: bool = False) -> ImportResult:
    return import_rows(read_table(path), actor=actor, now=now, publish=publish)

"""XLSX export and import: a round trip keeps every field; an import is all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from hotline.core.errors import ValidationFailed
from hotline.core.tables import read_table
from hotline.knowledge import spreadsheets
from hotline.knowledge.models import Entry, EntryStatus, Visibility

pytestmark = pytest.mark.django_db


def _export(tmp_path, name="kb.xlsx", published=False):
    path = tmp_path / name
    rows = spreadsheets.export_rows(spreadsheets.export_queryset(Entry.objects.all(), published=published))
    path.write_bytes(spreadsheets.write_xlsx(rows))
    return path


def test_round_trip_keeps_every_field(make_entry, city, editor, tmp_path, now):
    make_entry(
        "公积金怎么提取",
        '<p>到中心办理，详见 <a href="https://gov.example/gjj">办事指南</a>。</p>',
        keywords="公积金,提取",
        synonyms="取公积金",
        category=city.category,
        owner_units=[city.water, city.urban],
        divisions=[city.district],
        effective_from=dt.date(2026, 1, 1),
        expires_on=dt.date(2027, 12, 31),
        review_cycle_days=90,
        visibility=Visibility.PUBLIC,
    )
    path = _export(tmp_path)
    rows = read_table(path)
    assert rows[0]["问题"] == "公积金怎么提取" and rows[0]["公开范围"] == "公开"
    # importing the unchanged export changes nothing
    result = spreadsheets.import_file(path, actor=editor, now=now)
    assert (result.created, result.updated, len(result.unchanged)) == ([], [], 1)
    # into an empty knowledge base it recreates the same content
    before = spreadsheets.export_rows(spreadsheets.export_queryset(Entry.objects.all()))[0]
    Entry.objects.all().delete()
    result = spreadsheets.import_file(path, actor=editor, now=now, publish=True)
    assert len(result.created) == 1 and result.published == result.created
    after = spreadsheets.export_rows(spreadsheets.export_queryset(Entry.objects.all()))[0]
    for key in before:
        if key not in ("id", "status", "version"):
            assert after[key] == before[key], key
    assert Entry.objects.get().status == EntryStatus.PUBLISHED


def test_import_updates_as_a_new_version(make_entry, editor, tmp_path, now):
    entry = make_entry()
    path = _export(tmp_path)
    rows = read_table(path)
    rows[0]["答案"] = "新的答复口径：拨打96345。"
    result = spreadsheets.import_rows(rows, actor=editor, now=now)
    assert result.updated == [entry.pk]
    entry.refresh_from_db()
    assert entry.latest.number == 2 and entry.latest.answer_text == "新的答复口径：拨打96345。"
    assert entry.published.number == 1  # published only when asked
    # the export was of version 1; importing it again now would overwrite version 2
    with pytest.raises(ValidationFailed) as exc:
        spreadsheets.import_rows(read_table(path), actor=editor, now=now)
    assert "row 2" in exc.value.details["errors"][0]


def test_import_is_all_or_nothing(editor, city, now):
    rows = [
        {"问题": "好的一行", "答案": "这一行没有问题。", "责任单位编码": city.water.code},
        {"问题": "坏的一行", "答案": "分类不存在。", "分类编码": "NOPE", "责任单位编码": city.water.code},
        {"问题": "x", "答案": "", "责任单位编码": "D99"},
    ]
    with pytest.raises(ValidationFailed) as exc:
        spreadsheets.import_rows(rows, actor=editor, now=now)
    errors = exc.value.details["errors"]
    assert any("row 3" in e and "NOPE" in e for e in errors)
    assert any("row 4" in e and "D99" in e for e in errors)
    assert not Entry.objects.exists()


def test_unit_staff_may_not_publish_by_import(unit_handler, city, now):
    rows = [{"问题": "一行", "答案": "内容", "责任单位编码": city.water.code}]
    with pytest.raises(ValidationFailed):
        spreadsheets.import_rows(rows, actor=unit_handler, now=now, publish=True)


def test_kb_import_and_export_commands(make_entry, editor, tmp_path, capsys):
    make_entry()
    out = tmp_path / "out.xlsx"
    call_command("kb", "export", str(out))
    assert "entries: 1 written" in capsys.readouterr().out
    call_command("kb", "import", str(out), "--user", editor.username)
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from hotline.conftest import shared_file
from hotline.taxonomy.models import Category, Channel, RejectionReason
from hotline.taxonomy.services import taxonomy_import

pytestmark = pytest.mark.django_db


def test_reference_rows_are_seeded():
    assert (
        Channel.objects.filter(code__in=["phone", "sms", "web", "wechat", "app", "mailbox", "weibo"]).count()
        == 7
    )
    assert Channel.objects.get(code="sms").first_response_minutes == 3
    assert RejectionReason.objects.get(code="emergency").transfer
    assert RejectionReason.objects.count() == 11


def test_import_csv_is_idempotent(tmp_path):
    path = tmp_path / "tax.csv"
    path.write_text(
        "level1,level2,level3\n城乡建设,供水,停水\n城乡建设,供水,水质\n教育,入学,\n", encoding="utf-8"
    )
    first = taxonomy_import(path)
    assert (first.created, first.existing) == (6, 0)
    assert taxonomy_import(path).created == 0
    water = Category.objects.get(name="供水")
    assert [c.name for c in Category.objects.get_children(water)] == ["停水", "水质"]
    assert Category.objects.get(name="停水").level == 3


def test_import_xlsx_with_chinese_headers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["一级分类", "二级分类", "三级分类"])
    sheet.append(["交通运输", "公共交通", "公交线路"])
    path = tmp_path / "tax.xlsx"
    workbook.save(path)
    call_command("taxonomy", "import", str(path))
    assert Category.objects.get(name="公交线路").level == 3


def test_bad_file_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("taxonomy", "import", str(path))
    with pytest.raises(CommandError):
        call_command("taxonomy", "import", str(tmp_path / "missing.csv"))
    path.write_text("level1,level2,level3\n城乡建设,,停水\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("taxonomy", "import", str(path))
    assert Category.objects.count() == 0


def test_import_the_real_tree():
    result = taxonomy_import(shared_file("tipdm2020/taxonomy.csv"))
    assert Category.objects.filter(depth=1).count() == 15
    assert result.created == Category.objects.count() > 500

"""The dispatch catalogue: matching by specificity, territorial rules, history, XLSX import and export."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from hotline.core import refcache
from hotline.core.errors import ValidationFailed
from hotline.directory.models import Division, Unit
from hotline.routing import catalogue as cat
from hotline.routing.models import CatalogueChange, CatalogueRule
from hotline.routing.services import RuleInput, catalogue_rule_retire, catalogue_rule_save
from hotline.routing.services.catalogue import catalogue_import

pytestmark = pytest.mark.django_db


def test_competent_unit_and_territorial_rules(city, catalogue, power):
    hits = cat.match(category=city.category, division=city.street_division)
    assert [(h.lead_id, h.territorial) for h in hits] == [(city.water.pk, False)]
    stalls = cat.match(category=power["stalls"], division=city.street_division)
    assert stalls[0].lead_id == city.street.pk and stalls[0].territorial
    assert stalls[0].assist_ids == (city.urban.pk,)
    # Without a place, a territorial rule cannot name its unit.
    assert cat.match(category=power["stalls"], division=None) == []


def test_the_most_specific_rule_wins(city, catalogue, now):
    district_rule = catalogue_rule_save(
        data=RuleInput(category=city.category, division=city.district, lead=city.district_gov),
        actor=None,
        now=now,
    )
    keyword_rule = catalogue_rule_save(
        data=RuleInput(category=city.category, division=None, lead=city.urban, keywords="消防栓,井盖"),
        actor=None,
        now=now,
    )
    refcache.invalidate()
    hits = cat.match(category=city.category, division=city.street_division, text="路边消防栓漏水")
    assert [h.rule_id for h in hits] == [keyword_rule.pk, district_rule.pk, catalogue["water"].pk]
    assert hits[0].keyword == "消防栓"
    plain = cat.match(category=city.category, division=city.street_division, text="停水")
    assert plain[0].rule_id == district_rule.pk


def test_changes_are_recorded_and_rules_retire_not_delete(city, catalogue, admin_user, now):
    rule = catalogue["water"]
    changed = catalogue_rule_save(
        data=RuleInput(category=city.category, division=None, lead=city.urban, basis="调整"),
        actor=admin_user,
        now=now,
        rule=rule,
    )
    history = list(CatalogueChange.objects.filter(rule=rule).order_by("at", "pk"))
    assert [c.action for c in history] == ["created", "changed"]
    assert history[1].before["lead"] == "D01" and history[1].after["lead"] == "D02"
    assert history[1].actor == admin_user
    catalogue_rule_save(
        data=RuleInput(category=city.category, division=None, lead=city.urban, basis="调整"),
        actor=admin_user,
        now=now,
        rule=changed,
    )
    assert CatalogueChange.objects.filter(rule=rule).count() == 2  # nothing changed, nothing recorded
    catalogue_rule_retire(rule=changed, actor=admin_user, now=now)
    refcache.invalidate()
    assert CatalogueRule.objects.filter(pk=rule.pk).exists()
    assert cat.match(category=city.category, division=city.street_division) == []
    assert CatalogueChange.objects.filter(rule=rule).first().action == "retired"


def test_invalid_rules_are_refused(city, now):
    with pytest.raises(ValidationFailed) as info:
        catalogue_rule_save(
            data=RuleInput(category=None, division=None, lead=city.water), actor=None, now=now
        )
    assert info.value.code == "matter_required"
    with pytest.raises(ValidationFailed) as info:
        catalogue_rule_save(
            data=RuleInput(category=city.category, division=None, lead=None), actor=None, now=now
        )
    assert info.value.code == "lead_required"
    with pytest.raises(ValidationFailed):
        catalogue_rule_save(
            data=RuleInput(category=city.category, division=None, lead=city.center), actor=None, now=now
        )
    assert not CatalogueRule.objects.exists()


def test_export_then_import_round_trip(city, catalogue, tmp_path, now):
    path = tmp_path / "catalogue.xlsx"
    call_command("catalogue", "export", str(path))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "分类编码", "分类名称", "关键词")
    assert len(rows) == 4
    # Change the water rule's lead in the file, add a new rule, import.
    workbook = Workbook()
    new = workbook.active
    new.append(list(rows[0]))
    for row in rows[1:]:
        values = list(row)
        if values[1] == "01001":
            values[8] = "D02"
        new.append(values)
    new.append(
        [
            None,
            "01001",
            "供水",
            "水表",
            "990101000000",
            "东湖区",
            "否",
            "",
            "G01",
            "",
            "D01,D02",
            "",
            "区级",
            5,
            "是",
        ]
    )
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    result = catalogue_import(edited, actor=None, now=now)
    assert (result.created, result.changed, result.unchanged) == (1, 1, 2)
    assert CatalogueRule.objects.get(pk=catalogue["water"].pk).lead == city.urban
    added = CatalogueRule.objects.get(keywords="水表")
    assert added.division == city.district and added.priority == 5
    assert set(added.assists.values_list("code", flat=True)) == {"D01", "D02"}
    assert added.changes.get().source == "edited.xlsx"


def test_a_bad_row_refuses_the_whole_file(city, catalogue, tmp_path, now):
    path = tmp_path / "bad.csv"
    path.write_text(
        "分类编码,关键词,主办单位编码,属地管理\n01001,水表,D01,否\n01001,,NOPE,否\n,,,是\n", encoding="utf-8"
    )
    before = CatalogueRule.objects.count()
    with pytest.raises(ValidationFailed) as info:
        catalogue_import(path, actor=None, now=now)
    assert len(info.value.details["errors"]) == 2
    assert "Row 3" in info.value.details["errors"][0]
    assert CatalogueRule.objects.count() == before
    with pytest.raises(CommandError):
        call_command("catalogue", "import", str(path))


def test_territorial_unit_is_the_deepest_jurisdiction(city, power, now):
    city.street.divisions.add(city.street_division)
    city.district_gov.divisions.add(city.district)
    community = Division.objects.add_child(
        Division.objects.get(pk=city.street_division.pk),
        instance=Division(code="990101001001", name="幸福里社区", level=Division.Level.COMMUNITY),
    )
    refcache.invalidate()
    assert cat.territorial_unit(community.path, Unit.Kind.STREET) == city.street.pk
    assert cat.territorial_unit(community.path, Unit.Kind.DISTRICT) == city.district_gov.pk

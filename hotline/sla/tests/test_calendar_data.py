"""The calendar and policies as data: seeded by migration, imported from a notice, used by the CLI."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.core.errors import ValidationFailed
from hotline.sla.models import CalendarDay, CalendarYear, SlaPolicy
from hotline.sla.selectors import calendar_warnings, invalidate_cache, limits_for, work_calendar
from hotline.sla.services import calendar_import, calendar_set_day, parse_notice_csv
from hotline.taxonomy.models import Category

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")

NOTICE_2027 = """date,start,end,kind,name
,2027-02-06,2027-02-14,休,春节
2027-02-20,,,班,春节调休
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    invalidate_cache()
    yield
    invalidate_cache()


def test_migration_seeds_the_package_years():
    assert CalendarYear.objects.filter(year=2026, source="chinese-calendar").exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_workday is True
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert 2026 in work_calendar().known_years


def test_cli_prints_deadline_with_offset(capsys):
    call_command("calendar", "add", "--start", "2026-09-30T10:00:00+08:00", "--working-days", "5")
    assert capsys.readouterr().out.strip() == "2026-10-13T17:30:00+08:00"
    call_command("calendar", "add", "--start", "2026-02-13T10:00", "--working-days", "3")
    assert capsys.readouterr().out.strip() == "2026-02-25T17:30:00+08:00"


def test_cli_warns_for_an_unknown_year(capsys):
    call_command("calendar", "add", "--start", "2027-02-05T10:00", "--working-days", "1")
    captured = capsys.readouterr()
    assert captured.out.strip() == "2027-02-08T17:30:00+08:00"
    assert "2027" in captured.err and "not loaded" in captured.err


def test_cli_rejects_bad_input():
    with pytest.raises(CommandError):
        call_command("calendar", "add", "--start", "yesterday", "--working-days", "1")
    with pytest.raises(CommandError):
        call_command("calendar", "add", "--start", "2026-01-05T10:00", "--working-days", "-1")


def test_import_a_new_year_from_the_notice(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(NOTICE_2027, encoding="utf-8")
    call_command("calendar", "import", str(path))
    assert "2027: 10 days loaded" in capsys.readouterr().out
    cal = work_calendar()
    assert 2027 in cal.known_years
    assert not cal.is_workday(dt.date(2027, 2, 8))  # a Monday in the Spring Festival
    assert cal.is_workday(dt.date(2027, 2, 20))  # a make-up Saturday
    call_command("calendar", "add", "--start", "2027-02-05T10:00", "--working-days", "1")
    assert capsys.readouterr().out.strip() == "2027-02-15T17:30:00+08:00"
    # importing again replaces, not duplicates
    calendar_import(path)
    assert CalendarDay.objects.filter(date__year=2027).count() == 10


def test_bad_notice_changes_nothing(tmp_path):
    before = CalendarDay.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        parse_notice_csv("date,kind\n2027-13-01,休\n2027-01-02,maybe\n")
    assert len(exc.value.details["errors"]) == 2
    path = tmp_path / "bad.csv"
    path.write_text("when,what\n2027-01-01,休\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        calendar_import(path)
    assert CalendarDay.objects.count() == before


def test_warnings_for_missing_years():
    assert calendar_warnings(today=dt.date(2026, 6, 1)) == []
    assert calendar_warnings(today=dt.date(2026, 12, 1))  # next year not loaded yet
    assert calendar_warnings(today=dt.date(2027, 3, 1))
    calendar_set_day(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert calendar_warnings(today=dt.date(2027, 3, 1)) == []


def test_most_specific_policy_wins(city):
    assert str(limits_for(request_type="consult", urgency="normal").handle) == "3wd"
    assert str(limits_for(request_type="complaint", urgency="normal").handle) == "7wd"
    assert str(limits_for(request_type="complaint", urgency="emergency").handle) == "2h"
    SlaPolicy.objects.create(
        name="供水24小时", category=Category.objects.get_parent(city.category), handle_limit="24h"
    )
    SlaPolicy.objects.create(name="水务局供水", category=city.category, unit=city.water, handle_limit="12h")
    invalidate_cache()
    path = city.category.path
    assert str(limits_for(request_type="help", urgency="normal", category_path=path).handle) == "24h"
    assert (
        str(
            limits_for(
                request_type="help", urgency="normal", category_path=path, unit_id=city.water.pk
            ).handle
        )
        == "12h"
    )
    assert str(limits_for(request_type="help", urgency="normal").handle) == "5wd"

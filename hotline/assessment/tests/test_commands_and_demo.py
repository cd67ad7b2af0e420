"""The commands and the demo modules of the assessment and the briefings."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.management import CommandError, call_command

from hotline.assessment import demo as assessment_demo
from hotline.assessment.models import Publication, Scheme
from hotline.briefings import demo as briefings_demo
from hotline.briefings.models import Briefing, TypicalCase
from hotline.conftest import City, MakeOrder
from hotline.demo.services import DemoContext
from hotline.directory.models import User

from .stories import Cast, H, full

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> None:
    for index in range(3):
        full(cast, make_order(title=f"工单{index}"), city.water, now + index * H)


def test_assessment_command(orders: None) -> None:
    out = io.StringIO()
    call_command("assessment", "show", "--period", "2026-11", "--view", "unit", stdout=out)
    assert "市水务局" in out.getvalue()
    call_command("assessment", "publish", "--period", "2026-11", stdout=out)
    assert Publication.objects.filter(trigger="schedule").count() == 1
    with pytest.raises(CommandError):
        call_command("assessment", "show", "--period", "2026-13", stdout=out)


def test_briefing_command(orders: None, supervisor: User) -> None:
    out = io.StringIO()
    call_command(
        "briefing", "--kind", "week", "--period", "2026-W47", "--user", supervisor.username, stdout=out
    )
    assert Briefing.objects.get().generated_by == supervisor
    with pytest.raises(CommandError):
        call_command("briefing", "--kind", "week", stdout=out)
    with pytest.raises(CommandError):
        call_command("briefing", "--kind", "week", "--period", "2026-W47", "--user", "nobody", stdout=out)


def test_demo_modules(orders: None, supervisor: User, now: dt.datetime) -> None:
    ctx = DemoContext(now=now + 20 * 24 * H, rng=random.Random(1), users={"supervisor1": supervisor})
    assessment_demo.load(ctx)  # on 6 December: November's results, by both shipped schemes
    published = Publication.objects.filter(period_start=dt.date(2026, 11, 1))
    assert set(published.values_list("scheme__code", flat=True)) == {"three_rates", "weighted"}
    briefings_demo.load(ctx)
    assert set(Briefing.objects.values_list("kind", flat=True)) == {"week", "tenday", "month"}
    assert TypicalCase.objects.filter(chosen_by=supervisor).count() == 2
    month = Briefing.objects.get(kind="month")
    assert [case["headline"] for case in month.content["cases"]] == [h for h, _s in briefings_demo.CASES]
    assessment_demo.load(ctx)
    briefings_demo.load(ctx)  # loading again adds nothing
    assert Briefing.objects.count() == 3 and Publication.objects.count() == 2

"""What a briefing says: volumes against the previous period, time limits, satisfaction, ranking, hot
issues (or an honest note), typical cases."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

import pytest

from hotline.assessment.models import Scheme
from hotline.assessment.periods import parse_period
from hotline.assessment.tests.stories import Cast, H, full
from hotline.briefings import selectors, services
from hotline.conftest import City, MakeOrder
from hotline.directory.models import User
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db
DAY = 24 * H


@pytest.fixture
def week(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime, agent: User
) -> dict[str, Any]:
    """Week 47 (from Monday 16 November): three phone orders and a WeChat one, one answered at once; week 46
    had one order."""
    full(cast, make_order(at=now - 7 * DAY), city.water, now - 7 * DAY)
    full(cast, make_order(), city.water, now)
    full(cast, make_order(), city.urban, now, satisfaction="dissatisfied", solved=False)
    make_order(channel="wechat", request_type="help")
    answered = make_order(request_type="consult")
    wo.workorder_answer(order=answered, actor=agent, answer="已解答。", now=now + H)
    return {"period": parse_period("2026-W47"), "as_of": now + 6 * DAY}


def test_volumes_against_the_previous_period(week: dict[str, Any]) -> None:
    period = week["period"]
    volumes = selectors.volumes(period, period.previous())
    assert (volumes["total"], volumes["previous"], volumes["change_pct"]) == (4, 1, 300.0)
    channels = {line["key"]: line for line in volumes["by_channel"]}
    phone = next(line for line in volumes["by_channel"] if line["count"] == 3)
    assert phone["previous"] == 1 and len(channels) == 2
    types = {line["key"]: line["count"] for line in volumes["by_type"]}
    assert types == {"complaint": 2, "help": 1, "consult": 1}
    assert [(line["name"], line["count"]) for line in volumes["by_category"]] == [("城乡建设", 4)]
    assert [(line["name"], line["count"]) for line in volumes["by_district"]] == [("东湖区", 4)]
    outcomes = volumes["outcomes"]
    assert outcomes["direct_answers"] == 1 and outcomes["dispatched"] == 2 and outcomes["still_open"] == 1


def test_performance_and_ranking(week: dict[str, Any]) -> None:
    performance = selectors.performance(week["period"], as_of=week["as_of"])
    assert performance["available"] and performance["counts"]["assigned"] == 2
    assert performance["rates"]["satisfaction_rate"] == 50.0
    assert performance["rates"]["on_time_rate"] == 100.0
    assert performance["previous_rates"]["satisfaction_rate"] == 100.0
    # too few orders for the preset's minimum of five: nobody is ranked
    assert performance["top"] == [] and performance["ranked"] == 0


def test_hot_issues_come_from_the_analysis(week: dict[str, Any]) -> None:
    section = selectors.hot_issues_section(week["period"])
    assert section["available"] is True and isinstance(section["items"], list)


def test_without_the_analysis_the_section_says_so(
    week: dict[str, Any], monkeypatch: pytest.MonkeyPatch, supervisor: User
) -> None:
    real_import = builtins.__import__

    def no_analytics(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "hotline.analytics.selectors":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_analytics)
    briefing = services.briefing_generate(
        kind="week", period=week["period"], actor=supervisor, now=week["as_of"]
    )
    assert briefing.content["hot_issues"] == {"available": False, "items": []}
    from hotline.briefings.documents import document_context

    note = document_context(briefing.content, generated_at=week["as_of"], generated_by="")["hot_note"]
    assert note


def test_typical_cases_in_the_periods_they_cover(
    week: dict[str, Any], supervisor: User, now: dt.datetime, make_order: MakeOrder
) -> None:
    order = make_order(title="典型")
    case = services.typical_case_add(
        actor=supervisor,
        number=order.number,
        headline="快速处置停水",
        summary="来电人13812345678反映停水，两小时内恢复。",
        now=now,
    )
    assert case.date == now.date()
    cases = selectors.cases_section(week["period"])
    assert [c["headline"] for c in cases] == ["快速处置停水"]
    assert "13812345678" not in cases[0]["summary"]
    assert selectors.cases_section(week["period"].previous()) == []
    services.typical_case_withdraw(case_id=case.pk, actor=supervisor, now=now + H)
    assert selectors.cases_section(week["period"]) == []

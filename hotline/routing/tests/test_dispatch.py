"""Suggestions with reasons, auto-dispatch only above the threshold and where the catalogue agrees, and
learning from returns."""

from __future__ import annotations

import pytest
from django.utils import translation

from hotline.routing.models import RoutingDecision, UnitEvidence
from hotline.routing.suggest import suggest
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


def test_suggestions_carry_reasons(city, catalogue, city_model, gazetteer):
    result = suggest(
        title="幸福里小区门口占道经营", content="幸福里小区门口每天傍晚摆摊占道经营，行人只能走机动车道。"
    )
    assert result.categories[0].category_id == catalogue["stalls"].category_id
    assert result.location.division_id == city.street_division.pk
    top = result.units[0]
    assert top.unit_id == city.street.pk and top.assist_ids == [city.urban.pk]
    joined = " ".join(top.reasons)
    assert "占道经营" in joined and "属地" in joined and "东湖街道" in joined
    assert len(result.units) <= 3
    # The agent's own choice of category is used and said so.
    chosen = suggest(title="停水", content="幸福里小区停水", category=city.category)
    assert chosen.units[0].unit_id == city.water.pk
    assert chosen.categories[0].reasons == [translation.gettext("chosen by the agent")]


def test_without_model_or_catalogue_there_is_nothing_to_suggest(city):
    result = suggest(title="停水", content="幸福里小区停水")
    assert result.categories == [] and result.units == []


def test_auto_dispatch_above_threshold_where_catalogue_agrees(
    city, catalogue, city_model, intake, run_commits, power
):
    with run_commits():
        order = intake(
            "长青苑突然停电",
            "长青苑整栋楼突然停电，冰箱里的东西要坏了，请问什么时候恢复？",
            category=power["outage"],
        )
    order.refresh_from_db()
    decision = RoutingDecision.objects.get(order=order)
    assert decision.outcome == "auto", decision.reason
    assert order.status == "dispatched"
    lead = order.assignments.get(role="lead")
    assert lead.unit.code == "U01" and lead.dispatched_by is None
    event = order.events.get(action="dispatch")
    assert event.actor is None
    assert event.data["basis"]["rule"] == catalogue["outage"].pk
    assert event.data["basis"]["confidence"] >= 0.9
    assert event.data["basis"]["model_version"] == city_model.pk


def test_auto_dispatch_files_the_predicted_category_when_the_agent_chose_none(
    city, catalogue, city_model, intake, run_commits, power
):
    with run_commits():
        order = intake("长青苑突然停电", "长青苑整栋楼突然停电，冰箱里的东西要坏了，请问什么时候恢复？")
    order.refresh_from_db()
    decision = RoutingDecision.objects.get(order=order)
    assert decision.outcome == "auto", decision.reason
    assert order.category is not None and order.status == "dispatched"
    update = order.events.get(action="update")
    assert update.actor is None and update.data["changes"]["category"][0] is None
    assert update.seq < order.events.get(action="dispatch").seq


def test_below_threshold_waits_for_a_person(city, catalogue, city_model, intake, run_commits, settings):
    settings.HOTLINE_ROUTING_AUTO_DISPATCH_CONFIDENCE = 1.01  # more than any confidence: never
    with run_commits():
        order = intake("长青苑突然停电", "长青苑整栋楼突然停电")
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch"
    decision = RoutingDecision.objects.get(order=order)
    assert decision.outcome == "waiting" and "below" in decision.reason
    assert decision.suggestions[0]["unit"] == catalogue["outage"].lead_id


def test_no_catalogue_rule_or_a_risk_means_a_person_decides(
    city, power, city_model, intake, run_commits, catalogue
):
    from hotline.routing.services import catalogue_rule_retire

    with run_commits():
        risky = intake("滨江花园停电", "滨江花园停电了，楼道里电线烧起来了冒烟", phone="13911112222")
    with run_commits():
        catalogue_rule_retire(rule=catalogue["outage"], actor=None, now=catalogue["outage"].updated_at)
    with run_commits():
        order = intake("长青苑突然停电", "长青苑整栋楼突然停电，冰箱里的东西要坏了")
    assert RoutingDecision.objects.get(order=order).reason.startswith("the catalogue names no unit")
    assert RoutingDecision.objects.get(order=risky).reason.startswith("risk flags")
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch"


def test_agent_category_disagreeing_with_the_model_waits(
    city, catalogue, city_model, make_order, run_commits
):
    with run_commits():
        order = make_order(
            title="长青苑突然停电", content="长青苑整栋楼突然停电，冰箱里的东西要坏了"
        )  # filed under 供水
    assert "differs" in RoutingDecision.objects.get(order=order).reason


def test_similar_open_order_waits_to_be_merged(city, catalogue, city_model, intake, run_commits):
    with run_commits():
        first = intake("长青苑突然停电", "长青苑整栋楼突然停电，冰箱里的东西要坏了", phone="13922223333")
        second = intake(
            "长青苑又停电了", "长青苑整栋楼停电，冰箱的东西要坏了，什么时候恢复", phone="13933334444"
        )
    assert RoutingDecision.objects.get(order=first).outcome == "auto"
    assert RoutingDecision.objects.get(order=second).reason == "a similar open order may be the same matter"


def test_disabled_auto_dispatch(city, catalogue, city_model, intake, run_commits, settings):
    settings.HOTLINE_ROUTING_AUTO_DISPATCH = False
    with run_commits():
        order = intake("长青苑突然停电", "长青苑整栋楼突然停电")
    assert RoutingDecision.objects.get(order=order).reason == "auto-dispatch is off"


def test_returns_are_evidence_against_the_unit(
    city, catalogue, make_order, dispatcher, unit_handler, other_handler, now, run_commits, settings
):
    settings.HOTLINE_ROUTING_AUTO_DISPATCH = False
    for n in range(3):
        with run_commits():
            order = make_order(phone=f"1380000000{n}")
            order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
            order = wo.workorder_return(order=order, actor=unit_handler, reason="不属于本单位职责", now=now)
            wo.workorder_review_return(order=order, actor=dispatcher, accept=True, now=now)
    with run_commits():
        signed = make_order(phone="13800000009")
        signed = wo.workorder_dispatch(order=signed, actor=dispatcher, lead=city.urban, now=now)
        wo.workorder_sign(order=signed, actor=other_handler, now=now)
    water = UnitEvidence.objects.get(unit=city.water, category=city.category, division=None)
    assert (water.signed, water.returned) == (0, 3)
    assert (
        UnitEvidence.objects.get(
            unit=city.water, category=city.category, division=city.street_division
        ).returned
        == 3
    )
    assert UnitEvidence.objects.get(unit=city.urban, category=city.category, division=None).signed == 1
    result = suggest(
        title="停水", content="幸福里小区停水", category=city.category, division=city.street_division
    )
    water_hint = next(u for u in result.units if u.unit_id == city.water.pk)
    assert water_hint.score < 0.5
    expected = translation.gettext("history: signed %(signed)d, returned %(returned)d") % {
        "signed": 0,
        "returned": 3,
    }
    assert expected in water_hint.reasons
    # Counting is idempotent: the same event again changes nothing.
    from hotline.routing.services import record_evidence

    event = signed.events.get(action="sign")
    assert record_evidence(event_id=event.pk) is False

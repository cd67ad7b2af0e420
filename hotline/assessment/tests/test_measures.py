"""Each measure and each preset indicator on small hand-made histories with known answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hotline.assessment import selectors
from hotline.assessment.measures import MEASURES
from hotline.assessment.models import Scheme
from hotline.assessment.periods import month_of
from hotline.assessment.scoring import SchemeSpec
from hotline.conftest import City, MakeOrder
from hotline.workorders import services as wo

from .stories import Cast, H, dispatch, fresh

pytestmark = pytest.mark.django_db
DAY = 24 * H


def _counts(
    scheme: Scheme | SchemeSpec, world: dict[str, Any], now: dt.datetime, view: str = "unit"
) -> dict[str, dict[str, int]]:
    result = selectors.assess(scheme, month_of(now.date()), as_of=world["as_of"], view=view, trend=False)
    return {row.key: row.counts for row in result.rows} | {"all": result.total.counts}


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {code: value for code, value in counts.items() if value}


def test_water_figures(world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime) -> None:
    water = _counts(presets["three_rates"], world, now)["unit:D01"]
    assert _nonzero(water) == {
        "assigned": 3,
        "lead_assigned": 3,
        "sign_due": 3,
        "signed_on_time": 1,
        "sign_late": 2,
        "completion_due": 3,
        "completed": 2,
        "completed_on_time": 1,
        "overdue": 2,
        "response_due": 3,
        "responded_on_time": 1,
        "rated": 2,
        "satisfied": 1,
        "basically": 1,
        "resolved": 1,
        "reminders": 2,
        "supervisions": 1,
    }


def test_returns_are_exempt_when_accepted(
    world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime
) -> None:
    urban = _counts(presets["weighted"], world, now)["unit:D02"]
    # D (accepted return) and A's assisting decline are exempt; E (rejected return) counts in full
    assert _nonzero(urban) == {
        "assigned": 1,
        "exempted": 2,
        "lead_assigned": 1,
        "sign_due": 1,
        "signed_on_time": 1,
        "completion_due": 1,
        "completed": 1,
        "completed_on_time": 1,
        "response_due": 1,
        "responded_on_time": 1,
        "rated": 1,
        "dissatisfied": 1,
        "returns": 2,
        "returns_accepted": 1,
        "returns_rejected": 1,
    }


def test_without_the_return_exemption_returns_count_against(
    world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime
) -> None:
    scheme = presets["weighted"]
    scheme.exempt_accepted_returns = False
    scheme.save()
    urban = _counts(scheme, world, now)["unit:D02"]
    assert urban["assigned"] == 3 and urban["exempted"] == 0
    assert urban["completion_due"] == 3 and urban["completed_on_time"] == 1 and urban["overdue"] == 2


def test_extension_and_reopen(world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime) -> None:
    street = _counts(presets["weighted"], world, now)["unit:G01S01"]
    assert street["assigned"] == 3  # F, and G's two rounds
    assert street["completed_on_time"] == 3 and street["overdue"] == 0
    assert street["extension_requests"] == 1 and street["extensions_approved"] == 1
    assert street["reopened"] == 1  # G's first round
    assert (
        street["rated"] == 2 and street["satisfied"] == 2 and street["resolved"] == 2
    )  # F, G's second round


def test_without_the_extension_exemption_an_extended_order_is_late(
    world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime
) -> None:
    scheme = presets["weighted"]
    scheme.exempt_approved_extensions = False
    scheme.save()
    street = _counts(scheme, world, now)["unit:G01S01"]
    assert street["completed_on_time"] == 2 and street["overdue"] == 1


def test_three_rates_scores(world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime) -> None:
    result = selectors.assess(presets["three_rates"], month_of(now.date()), as_of=world["as_of"], trend=False)
    water = result.row("unit:D01")
    assert water is not None
    values = {r.code: r.value for r in water.results}
    assert values == {"response": pytest.approx(33.33, abs=0.01), "resolution": 50.0, "satisfaction": 100.0}
    # 10 × 33.33 + 45 × 50 + 45 × 100, over 100
    assert water.total == pytest.approx(70.83, abs=0.01)


def test_weighted_scores(world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime) -> None:
    result = selectors.assess(presets["weighted"], month_of(now.date()), as_of=world["as_of"], trend=False)
    urban = result.row("unit:D02")
    assert urban is not None
    values = {r.code: r.value for r in urban.results}
    assert values["valid_return"] == 50.0  # one accepted of two reviewed returns
    assert values["satisfaction"] == 0.0 and values["resolution"] == 0.0
    water = result.row("unit:D01")
    assert water is not None
    scores = {r.code: r.score for r in water.results}
    assert scores["reminders"] == -1.0  # two reminders at 0.5
    assert scores["supervisions"] == -2.0  # one notice at 2
    assert scores["valid_return"] == 100.0  # no returns: full marks


def test_district_and_division_views(
    world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime
) -> None:
    districts = _counts(presets["weighted"], world, now, view="district")
    # the district government (D's re-dispatch, open and overdue) with its street office (F, G)
    assert districts["district:G01"]["assigned"] == 4
    assert districts["district:G01"]["overdue"] == 1
    areas = _counts(presets["weighted"], world, now, view="division")
    # every order is located in 东湖区: the area holds all assignments, like the whole population
    assert areas["division:990101000000"] == areas["all"]
    assert areas["division:"]["assigned"] == 0
    units = _counts(presets["weighted"], world, now)
    assert units["all"] == areas["all"]


def test_every_measure_has_a_definition_and_label() -> None:
    for code, measure in MEASURES.items():
        assert measure.code == code and str(measure.label) and str(measure.help)


def test_a_return_awaiting_review_is_neither_accepted_nor_exempt(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> None:
    # urban returned an order earlier, the center accepted and sent it back to urban, which returns it
    # again: the first return is accepted (exempt), the second awaits the review (held against it)
    order = make_order()
    dispatch(cast, order, city.urban, now)
    wo.workorder_return(
        order=fresh(order), actor=cast.handlers[city.urban.pk], reason="不归我们管", now=now + H
    )
    wo.workorder_review_return(order=fresh(order), actor=cast.dispatcher, accept=True, now=now + 2 * H)
    dispatch(cast, order, city.urban, now + 3 * H)
    wo.workorder_return(
        order=fresh(order), actor=cast.handlers[city.urban.pk], reason="仍不归我们管", now=now + 4 * H
    )
    result = selectors.assess(presets["weighted"], month_of(now.date()), as_of=now + 5 * H, trend=False)
    urban = result.row("unit:D02")
    assert urban is not None
    assert (urban.counts["returns"], urban.counts["returns_accepted"], urban.counts["returns_rejected"]) == (
        2,
        1,
        0,
    )
    assert (urban.counts["exempted"], urban.counts["assigned"]) == (1, 1)

"""Ranking and trend against the previous period, on orders written through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.assessment import selectors
from hotline.assessment.models import Scheme
from hotline.assessment.periods import month_of
from hotline.conftest import City, MakeOrder

from .stories import Cast, H, full

pytestmark = pytest.mark.django_db
DAY = 24 * H


def test_ranking_and_trend(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> None:
    october = now - 30 * DAY
    scheme = presets["three_rates"]
    scheme.min_orders = 1
    scheme.save()
    # October: water is dissatisfying, urban satisfies; November: the other way round
    for unit, satisfaction, solved in ((city.water, "dissatisfied", False), (city.urban, "satisfied", True)):
        full(cast, make_order(at=october), unit, october, satisfaction=satisfaction, solved=solved)
    for unit, satisfaction, solved in ((city.water, "satisfied", True), (city.urban, "dissatisfied", False)):
        full(cast, make_order(at=now), unit, now, satisfaction=satisfaction, solved=solved)
    result = selectors.assess(scheme, month_of(now.date()), as_of=now + 40 * DAY)
    water, urban = result.row("unit:D01"), result.row("unit:D02")
    assert water is not None and urban is not None
    assert (water.rank, urban.rank) == (1, 2)
    assert (water.previous_rank, urban.previous_rank) == (2, 1)
    assert water.rank_change == 1 and urban.rank_change == -1
    assert water.total == 100.0 and water.previous_total == 10.0  # only the response rate held up in October
    assert water.total_change == 90.0
    satisfaction = water.result("satisfaction")
    assert satisfaction is not None and satisfaction.value == 100.0 and satisfaction.previous_value == 0.0
    assert result.previous == month_of(october.date())
    # the rows come ranked first, then the units without orders
    assert [row.key for row in result.rows][:2] == ["unit:D01", "unit:D02"]
    assert all(row.rank is None for row in result.rows[2:])


def test_history(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> None:
    full(cast, make_order(at=now), city.water, now)
    rows = selectors.history(
        presets["weighted"], month_of(now.date()), "unit:D01", as_of=now + 40 * DAY, count=3
    )
    assert [period.key for period, _row in rows] == ["2026-09", "2026-10", "2026-11"]
    assert [row.counts["assigned"] if row else None for _period, row in rows] == [0, 0, 1]

"""The drill-down: the orders behind every figure are exactly the figure, through the permission gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hotline.assessment import selectors
from hotline.assessment.measures import MEASURES
from hotline.assessment.models import Scheme
from hotline.assessment.periods import month_of
from hotline.conftest import City
from hotline.core.errors import Forbidden, NotFound, ValidationFailed
from hotline.directory.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("view", ["unit", "district", "division"])
def test_every_figure_matches_its_orders(
    world: dict[str, Any],
    presets: dict[str, Scheme],
    now: dt.datetime,
    admin_user: User,
    view: str,
) -> None:
    scheme = presets["weighted"]
    period = month_of(now.date())
    result = selectors.assess(scheme, period, as_of=world["as_of"], view=view, trend=False)
    checked = 0
    for row in [*result.rows, result.total]:
        for code in MEASURES:
            rows = selectors.drill_down(admin_user, scheme, period, row.key, code, as_of=world["as_of"])
            assert rows.count() == row.counts[code], (row.key, code)
            checked += row.counts[code]
    assert checked > 0


def test_unit_staff_see_only_their_units(
    world: dict[str, Any],
    presets: dict[str, Scheme],
    now: dt.datetime,
    unit_handler: User,
    unit_leader: User,
    street_handler: User,
) -> None:
    scheme, period, as_of = presets["weighted"], month_of(now.date()), world["as_of"]
    own = selectors.drill_down(unit_handler, scheme, period, "unit:D01", "assigned", as_of=as_of)
    assert {a.unit.code for a in own} == {"D01"} and own.count() == 3
    with pytest.raises(Forbidden):
        selectors.drill_down(unit_handler, scheme, period, "unit:D02", "assigned", as_of=as_of)
    with pytest.raises(Forbidden):
        selectors.drill_down(unit_handler, scheme, period, "all", "assigned", as_of=as_of)
    with pytest.raises(Forbidden):
        selectors.drill_down(street_handler, scheme, period, "district:G01", "assigned", as_of=as_of)
    # the district leader sees the district (its own unit and the street office)
    district = selectors.drill_down(unit_leader, scheme, period, "district:G01", "assigned", as_of=as_of)
    assert {a.unit.code for a in district} == {"G01", "G01S01"}
    with pytest.raises(Forbidden):
        selectors.drill_down(unit_leader, scheme, period, "division:990101000000", "assigned", as_of=as_of)


def test_unknown_measure_or_group(
    world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime, admin_user: User
) -> None:
    scheme, period = presets["weighted"], month_of(now.date())
    with pytest.raises(ValidationFailed):
        selectors.drill_down(admin_user, scheme, period, "unit:D01", "nope", as_of=now)
    with pytest.raises(NotFound):
        selectors.drill_down(admin_user, scheme, period, "unit:NOPE", "assigned", as_of=now)
    with pytest.raises(NotFound):
        selectors.drill_down(admin_user, scheme, period, "district:D01", "assigned", as_of=now)
    with pytest.raises(ValidationFailed):
        selectors.drill_down(admin_user, scheme, period, "street:X", "assigned", as_of=now)


def test_center_unit_is_not_assessed(
    world: dict[str, Any], presets: dict[str, Scheme], now: dt.datetime, city: City
) -> None:
    result = selectors.assess(presets["weighted"], month_of(now.date()), as_of=now, trend=False)
    assert f"unit:{city.center.code}" not in {row.key for row in result.rows}

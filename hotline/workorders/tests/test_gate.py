"""The permission gate: who sees which orders, and what they may know of the caller."""

from __future__ import annotations

import pytest

from hotline.core.errors import NotFound
from hotline.workorders import services as wo
from hotline.workorders.selectors import (
    caller_for_user,
    mask_phone,
    workorder_for_user,
    workorders_for_user,
)

pytestmark = pytest.mark.django_db


def test_units_see_only_their_own_orders(make_order, city, dispatcher, unit_handler, other_handler, now):
    water_order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    urban_order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.urban, now=now)
    assert set(workorders_for_user(unit_handler)) == {water_order}
    assert set(workorders_for_user(other_handler)) == {urban_order}
    assert workorder_for_user(unit_handler, water_order.number) == water_order
    with pytest.raises(NotFound) as exc:
        workorder_for_user(unit_handler, urban_order.number)
    # the same answer as for a number that does not exist
    with pytest.raises(NotFound) as missing:
        workorder_for_user(unit_handler, "20990101000001")
    assert exc.value.code == missing.value.code == "order_not_found"


def test_unit_leader_sees_sub_units_handler_does_not(
    make_order, city, dispatcher, unit_leader, street_handler, now
):
    street_order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.street, now=now)
    district_order = wo.workorder_dispatch(
        order=make_order(), actor=dispatcher, lead=city.district_gov, now=now
    )
    assert set(workorders_for_user(unit_leader)) == {street_order, district_order}
    assert set(workorders_for_user(street_handler)) == {street_order}
    # the district's leader may act for its street office
    order = wo.workorder_sign(order=street_order, actor=unit_leader, now=now)
    assert order.status == "in_progress"


def test_center_sees_all(make_order, agent, supervisor, leader):
    orders = {make_order(), make_order()}
    for user in (agent, supervisor, leader):
        assert set(workorders_for_user(user)) == orders


def test_anonymous_and_inactive_users_see_nothing(make_order, unit_handler):
    from django.contrib.auth.models import AnonymousUser

    make_order()
    assert not workorders_for_user(AnonymousUser()).exists()
    unit_handler.is_active = False
    assert not workorders_for_user(unit_handler).exists()


def test_unit_gets_masked_phone_and_never_a_confidential_caller(
    make_order, city, dispatcher, unit_handler, agent, now
):
    plain = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    secret = wo.workorder_dispatch(
        order=make_order(confidential=True), actor=dispatcher, lead=city.water, now=now
    )
    seen = caller_for_user(unit_handler, plain)
    assert seen.phone == "138****1234" and seen.name == "张*"
    hidden = caller_for_user(unit_handler, secret)
    assert hidden.hidden and hidden.name == hidden.phone == ""
    assert caller_for_user(agent, secret).phone == "13812341234"


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("88881234") == "88***34"
    assert mask_phone("110") == "***"

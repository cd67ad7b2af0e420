"""The unit inbox: six tabs with counts, countdowns in working time, masked callers, quick sign."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.workbench.tests.chinese import zh
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.workbench.views.inbox.clock_now", lambda: now)
    monkeypatch.setattr("hotline.core.templatetags.hotline_ui.clock_now", lambda: now)
    return now


def test_tabs_counts_and_countdowns(
    client, make_order, city, dispatcher, unit_handler, frozen, django_assert_max_num_queries
):
    now = frozen
    for _ in range(12):
        wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    signed = make_order(title="已签收的")
    wo.workorder_dispatch(order=signed, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=signed, actor=unit_handler, now=now)
    late = make_order(title="超期的", at=now - dt.timedelta(days=30))
    wo.workorder_dispatch(order=late, actor=dispatcher, lead=city.water, now=now - dt.timedelta(days=30))
    wo.workorder_sign(order=late, actor=unit_handler, now=now - dt.timedelta(days=29))
    wo.workorder_dispatch(order=make_order(title="别人的"), actor=dispatcher, lead=city.urban, now=now)
    client.force_login(unit_handler)
    with django_assert_max_num_queries(10):
        page = client.get("/inbox/").content.decode()
    assert page.count("/do/") == 0 and page.count("/inbox/sign/") == 12
    assert "别人的" not in page
    assert '<span class="count count-alert">12</span>' in page  # to sign
    assert 'class="countdown"' in page  # working-time countdown
    page = client.get("/inbox/", {"tab": "in_progress"}).content.decode()
    assert "已签收的" in page and "超期的" in page
    page = client.get("/inbox/", {"tab": "overdue"}).content.decode()
    assert "超期的" in page and "countdown-over" in page
    for tab in ("due_soon", "returned", "closed", "bogus"):
        assert client.get("/inbox/", {"tab": tab}).status_code == 200


def test_the_caller_is_masked_and_a_confidential_caller_hidden(
    client, make_order, city, dispatcher, unit_handler, frozen
):
    wo.workorder_dispatch(
        order=make_order(name="张三", phone="13812345678"), actor=dispatcher, lead=city.water, now=frozen
    )
    secret = make_order(name="李秘", phone="13987654321", confidential=True)
    wo.workorder_dispatch(order=secret, actor=dispatcher, lead=city.water, now=frozen)
    client.force_login(unit_handler)
    page = client.get("/inbox/").content.decode()
    assert "138****5678" in page and "13812345678" not in page and "张*" in page
    assert "李秘" not in page and "4321" not in page and "李*" not in page


def test_quick_sign(client, make_order, city, dispatcher, unit_handler, other_handler, frozen):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=frozen)
    client.force_login(other_handler)
    assert client.post(f"/inbox/sign/{order.number}/").status_code == 404  # not theirs
    client.force_login(unit_handler)
    page = client.post(f"/inbox/sign/{order.number}/", follow=True).content.decode()
    assert zh("Signed for %(number)s.", number=order.number) in page
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS
    page = client.post(f"/inbox/sign/{order.number}/", follow=True).content.decode()
    assert zh("This action is not possible in the order's present state.") in page  # refused with a message


def test_a_unit_leader_sees_the_sub_units_orders(client, make_order, city, dispatcher, unit_leader, frozen):
    order = make_order(title="街道的工单")
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.street, now=frozen)
    client.force_login(unit_leader)
    page = client.get("/inbox/").content.decode()
    assert "街道的工单" in page and "东湖街道办事处" in page


def test_center_staff_get_a_pointer_instead_of_an_inbox(client, dispatcher):
    client.force_login(dispatcher)
    response = client.get("/inbox/")
    assert (
        response.status_code == 200
        and zh(
            "The inbox belongs to the handling units. The center works from the dispatch queues and the order search."
        )
        in response.content.decode()
    )
    assert client.post("/inbox/sign/20260101000001/").status_code == 403

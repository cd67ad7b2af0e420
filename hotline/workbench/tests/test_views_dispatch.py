"""The dispatcher's queues, bulk dispatch, quick review and extension decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.workbench.tests.chinese import zh
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import ExtensionRequest, WorkOrder

pytestmark = pytest.mark.django_db


def test_queues_show_counts_and_rows_with_bounded_queries(
    client, make_order, city, dispatcher, unit_handler, now, django_assert_max_num_queries
):
    for i in range(15):
        make_order(title=f"待派单 {i}")
    make_order(accept=False, channel="web", title="网上来件")
    returned = make_order(title="被退回的")
    wo.workorder_dispatch(order=returned, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_return(order=returned, actor=unit_handler, reason="不属于水务", now=now)
    client.force_login(dispatcher)
    with django_assert_max_num_queries(14):
        response = client.get("/dispatch/")
    page = response.content.decode()
    assert page.count('name="orders"') == 15  # a checkbox per row for bulk dispatch
    assert zh("Awaiting dispatch") in page and '<span class="count">15</span>' in page
    assert '<span class="count count-alert">1</span>' in page  # returned
    with django_assert_max_num_queries(14):
        page = client.get("/dispatch/", {"tab": "returned"}).content.decode()
    assert "被退回的" in page and "不属于水务" in page and "市水务局" in page
    page = client.get("/dispatch/", {"tab": "intake"}).content.decode()
    assert "网上来件" in page
    assert client.get("/dispatch/", {"tab": "nonsense"}).status_code == 200


def test_bulk_dispatch_reports_each_order(client, make_order, city, dispatcher, now):
    orders = [make_order() for _ in range(3)]
    wo.workorder_dispatch(order=orders[2], actor=dispatcher, lead=city.urban, now=now)  # no longer waiting
    client.force_login(dispatcher)
    response = client.post(
        "/dispatch/bulk/",
        {
            "orders": [o.number for o in orders],
            "lead": city.water.pk,
            "assists": [city.urban.pk],
            "instructions": "批量",
        },
        follow=True,
    )
    page = response.content.decode()
    assert zh("%(n)d order(s) dispatched to %(unit)s.", n=2, unit="市水务局") in page
    assert orders[2].number in page  # its refusal is shown
    for order in orders[:2]:
        order.refresh_from_db()
        assert order.status == Status.DISPATCHED
        assert order.assignments.count() == 2


def test_bulk_dispatch_needs_a_selection_and_a_lead(client, make_order, city, dispatcher):
    order = make_order()
    client.force_login(dispatcher)
    page = client.post("/dispatch/bulk/", {"lead": city.water.pk}, follow=True).content.decode()
    assert zh("Select the orders to dispatch.") in page
    page = client.post("/dispatch/bulk/", {"orders": [order.number]}, follow=True).content.decode()
    assert zh("Lead unit") in page
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_quick_review_accepts_a_reply(client, make_order, city, dispatcher, unit_handler, now):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已修复管道", solved=True, now=now)
    client.force_login(dispatcher)
    page = client.get("/dispatch/", {"tab": "review"}).content.decode()
    assert "已修复管道" in page
    order.refresh_from_db()
    response = client.post(f"/dispatch/review/{order.number}/", {"version": order.version}, follow=True)
    assert zh("Reply of %(number)s accepted.", number=order.number) in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.AWAITING_CALLBACK
    # a second click finds the order moved on: a message, not an error page
    response = client.post(f"/dispatch/review/{order.number}/", {"version": order.version}, follow=True)
    assert (
        response.status_code == 200
        and zh("This action is not possible in the order's present state.") in response.content.decode()
    )


def test_extension_requests_are_decided_from_the_queue(
    client, make_order, city, dispatcher, unit_handler, now, monkeypatch
):
    monkeypatch.setattr("hotline.workbench.views.dispatch.clock_now", lambda: now)
    orders = [make_order() for _ in range(2)]
    for order in orders:
        wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
        wo.workorder_sign(order=order, actor=unit_handler, now=now)
        due = order.assignments.get().due_at
        wo.workorder_request_extension(
            order=order, actor=unit_handler, until=due + dt.timedelta(days=5), reason="等待配件", now=now
        )
    client.force_login(dispatcher)
    page = client.get("/dispatch/", {"tab": "extensions"}).content.decode()
    assert page.count("等待配件") == 2
    first, second = ExtensionRequest.objects.order_by("pk")
    client.post(f"/dispatch/extension/{first.pk}/", {"decision": "approve"})
    client.post(f"/dispatch/extension/{second.pk}/", {"decision": "refuse", "comment": "时间足够"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.decision == "approved" and second.decision == "refused" and second.comment == "时间足够"
    page = client.post(
        f"/dispatch/extension/{first.pk}/", {"decision": "approve"}, follow=True
    ).content.decode()
    assert zh("This extension request was already decided.") in page


def test_unit_staff_and_agents_cannot_use_the_dispatch_desk(client, unit_handler, agent):
    for user in (unit_handler, agent):
        client.force_login(user)
        assert client.get("/dispatch/").status_code == 403
        assert client.post("/dispatch/bulk/").status_code == 403
    assert WorkOrder.objects.count() == 0


def test_an_extension_whose_deadline_passed_cannot_be_approved(
    client, make_order, city, dispatcher, unit_handler, now, monkeypatch
):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    until = order.assignments.get().due_at + dt.timedelta(days=1)
    wo.workorder_request_extension(order=order, actor=unit_handler, until=until, reason="等待配件", now=now)
    monkeypatch.setattr("hotline.workbench.views.dispatch.clock_now", lambda: until + dt.timedelta(hours=1))
    client.force_login(dispatcher)
    request = ExtensionRequest.objects.get()
    page = client.post(
        f"/dispatch/extension/{request.pk}/", {"decision": "approve"}, follow=True
    ).content.decode()
    assert zh("The requested deadline has already passed: refuse it, and the unit may ask again.") in page
    request.refresh_from_db()
    assert request.decision == "pending"
    client.post(f"/dispatch/extension/{request.pk}/", {"decision": "refuse"})
    request.refresh_from_db()
    assert request.decision == "refused"

"""The leader's page: orders awaiting instruction, giving one, and the summary."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.workbench.tests.chinese import zh
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.workbench.views.leader.clock_now", lambda: now)
    return now


def test_awaiting_instruction_and_giving_one(client, make_order, dispatcher, leader, frozen):
    order = make_order(title="跨部门的难题")
    wo.workorder_escalate(order=order, actor=dispatcher, comment="权责不清", now=frozen)
    client.force_login(leader)
    page = client.get("/leader/").content.decode()
    assert "跨部门的难题" in page and "权责不清" in page
    order.refresh_from_db()
    page = client.post(
        f"/leader/instruct/{order.number}/",
        {"instruction": "请城管局牵头", "version": order.version},
        follow=True,
    ).content.decode()
    assert (
        zh("Instruction on %(number)s recorded; the order goes back to dispatch.", number=order.number)
        in page
    )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH
    assert order.events.filter(action="instruct", comment="请城管局牵头").exists()


def test_an_empty_instruction_is_refused(client, make_order, dispatcher, leader, frozen):
    order = make_order()
    wo.workorder_escalate(order=order, actor=dispatcher, comment="请示", now=frozen)
    client.force_login(leader)
    page = client.post(
        f"/leader/instruct/{order.number}/", {"instruction": " "}, follow=True
    ).content.decode()
    assert zh("An instruction cannot be empty.") in page
    order.refresh_from_db()
    assert order.status == Status.AWAITING_INSTRUCTION


def test_summary_of_volumes_and_units_with_bounded_queries(
    client, make_order, city, agent, dispatcher, unit_handler, leader, frozen, django_assert_max_num_queries
):
    now = frozen
    earlier = now - dt.timedelta(minutes=30)
    for i in range(6):
        order = make_order(at=now.replace(hour=8, minute=i))
        wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=earlier)
        if i < 3:
            wo.workorder_sign(order=order, actor=unit_handler, now=now)
            wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now)
            wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
            wo.workorder_callback(
                order=order,
                actor=agent,
                satisfaction="satisfied" if i else "dissatisfied",
                solved=True,
                now=now,
            )
    answered = make_order(channel="web", accept=False, at=earlier)
    wo.workorder_answer(order=answered, actor=agent, answer="已答复", now=now)
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get("/leader/", {"days": "7"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<div class="stat">7</div>' in page  # received in the period
    assert '<div class="stat">67%</div>' in page  # two of three callbacks satisfied
    assert "市水务局" in page and "网站" in page and "电话" in page
    assert "100%" in page  # replied in time


def test_only_leaders(client, dispatcher):
    client.force_login(dispatcher)
    assert client.get("/leader/").status_code == 403

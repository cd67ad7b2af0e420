"""The supervision, notifications and callback API: the same services as the pages."""

from __future__ import annotations

import pytest

from hotline.supervision import services as sv
from hotline.supervision.models import Notice
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_order, city, dispatcher, now):
    return wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)


def test_supervise_respond_and_read_over_the_api(
    client, rules, order, supervisor, unit_handler, other_handler
):
    client.force_login(supervisor)
    created = client.post(
        f"/api/v1/supervision/orders/{order.number}/supervise",
        {"text": "请书面说明办理进展"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    notice_id = created.json()["id"]
    assert created.json()["level"] == "supervise" and created.json()["respond_by"]
    client.force_login(other_handler)
    assert client.get(f"/api/v1/supervision/orders/{order.number}").status_code == 404
    assert (
        client.post(
            f"/api/v1/supervision/notices/{notice_id}/respond", {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(unit_handler)
    mine = client.get("/api/v1/notifications").json()
    assert mine["unread"] == 1 and mine["items"][0]["order"] == order.number
    answered = client.post(
        f"/api/v1/supervision/notices/{notice_id}/respond",
        {"text": "已处理"},
        content_type="application/json",
    )
    assert answered.status_code == 201 and answered.json()["on_time"] is True
    again = client.post(
        f"/api/v1/supervision/notices/{notice_id}/respond", {"text": "再答"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_responded"
    seen = client.get(f"/api/v1/supervision/orders/{order.number}").json()
    assert seen["notices"][0]["response"]["text"] == "已处理" and seen["flags"] == []
    read = client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert read.json() == {"read": 1, "unread": 0}


def test_api_refusals_are_clear(client, rules, order, agent, supervisor):
    client.force_login(agent)
    refused = client.post(
        f"/api/v1/supervision/orders/{order.number}/remind", {}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "action_not_permitted"
    client.force_login(supervisor)
    bad = client.post(
        f"/api/v1/supervision/orders/{order.number}/flags",
        {"kind": "rumour", "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_flag"
    assert not Notice.objects.exists()
    reminded = client.post(
        f"/api/v1/supervision/orders/{order.number}/remind", {}, content_type="application/json"
    )
    assert reminded.status_code == 201 and reminded.json()["issued_by"] == "supervisor"
    notice = Notice.objects.get()
    escalate = client.post(
        f"/api/v1/supervision/notices/{notice.pk}/escalate", {}, content_type="application/json"
    )
    assert escalate.status_code == 400 and escalate.json()["code"] == "not_a_supervision_notice"


def test_phone_callback_over_the_api(client, rules, order, agent, unit_handler, dispatcher, now):
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
    order = wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now)
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    client.force_login(agent)
    recorded = client.post(
        f"/api/v1/feedback/orders/{order.number}/callback",
        {"satisfaction": "satisfied", "solved": True, "version": order.version},
        content_type="application/json",
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["channel"] == "phone" and recorded.json()["satisfaction"] == "satisfied"
    surveys = client.get(f"/api/v1/feedback/orders/{order.number}/surveys").json()
    assert [s["state"] for s in surveys] == ["answered"]
    assert sv.order_url(order).endswith(f"{order.number}/")

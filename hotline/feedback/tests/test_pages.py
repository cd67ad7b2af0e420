"""The callback queue and the exemptions page over HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hotline.feedback.models import CallbackExemption, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(replied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [replied(phone=f"0571-8600{n:04d}") for n in range(8)]


def test_callback_queue_lists_orders_to_call(client, agent, queue, django_assert_max_num_queries):
    client.force_login(agent)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("feedback:callback_queue"))
    body = response.content.decode()
    assert response.status_code == 200 and all(order.number in body for order in queue)
    assert "0571-86000000" in body  # center agents see the phone they must call


def test_callback_queue_is_for_callback_staff(client, unit_handler, dispatcher):
    for user in (unit_handler, dispatcher):
        client.force_login(user)
        assert client.get(reverse("feedback:callback_queue")).status_code == 403


def test_record_result_from_the_queue(client, agent, queue):
    order = queue[0]
    client.force_login(agent)
    response = client.post(
        reverse("feedback:record", args=[order.number]),
        {"satisfaction": "basically", "solved": "yes", "comment": "基本满意", "version": order.version},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "closed" and order.satisfaction == "basically"
    assert f">{order.number}</a>" not in client.get(reverse("feedback:callback_queue")).content.decode()


def test_record_reopens_a_failed_first_round(client, agent, queue):
    order = queue[1]
    client.force_login(agent)
    client.post(
        reverse("feedback:record", args=[order.number]), {"satisfaction": "dissatisfied", "solved": "no"}
    )
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch" and Survey.objects.get(order=order).reopened


def test_incomplete_result_changes_nothing(client, agent, queue):
    order = queue[2]
    client.force_login(agent)
    response = client.post(reverse("feedback:record", args=[order.number]), {"satisfaction": "satisfied"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "awaiting_callback"


def test_no_answer_then_close(client, agent, queue):
    order = queue[3]
    client.force_login(agent)
    for _ in range(3):
        client.post(reverse("feedback:no_answer", args=[order.number]))
    assert Survey.objects.get(order=order).attempts == 3
    client.post(reverse("feedback:close_unreachable", args=[order.number]), {"version": order.version})
    order.refresh_from_db()
    assert order.status == "closed"


def test_exemptions_page(client, admin_user, agent):
    client.force_login(agent)
    assert client.get(reverse("feedback:exemptions")).status_code == 403
    client.force_login(admin_user)
    assert "praise" in client.get(reverse("feedback:exemptions")).content.decode()
    bad = client.post(
        reverse("feedback:exemption_add"), {"code": "x-1", "name": "x", "match": "request_type", "value": ""}
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("feedback:exemption_add"),
        {"code": "suggest", "name": "建议类不回访", "match": "request_type", "value": "suggestion"},
    )
    assert ok.status_code == 302 and CallbackExemption.objects.get(code="suggest").active
    praise = CallbackExemption.objects.get(code="praise")
    client.post(reverse("feedback:exemption_toggle", args=[praise.pk]), {"active": "0"})
    praise.refresh_from_db()
    assert not praise.active

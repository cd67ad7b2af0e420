"""The supervision pages over HTTP: the workbench tabs, the order panel and its forms, the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hotline.supervision import services as sv
from hotline.supervision.models import Level, Notice, StaffFlag, SupervisionRule
from hotline.supervision.sweep import supervision_sweep
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def late_orders(rules, make_order, city, dispatcher, unit_handler, now):
    """Ten orders of the water bureau, past every deadline, with the sweep's notices."""
    orders = []
    for _ in range(10):
        order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
        orders.append(order)
    supervision_sweep(now=now + dt.timedelta(days=30))
    return orders


@pytest.mark.parametrize(
    "tab", ["overdue", "due_soon", "unsigned", "returned", "passed", "notices", "progress", "hits", "flags"]
)
def test_workbench_tabs(client, supervisor, late_orders, tab, django_assert_max_num_queries):
    client.force_login(supervisor)
    with django_assert_max_num_queries(20):  # the same with 10 rows as with 1: no query per row
        response = client.get(reverse("supervision:home"), {"tab": tab})
    assert response.status_code == 200


def test_workbench_lists_overdue_with_counts(client, supervisor, late_orders, monkeypatch):
    from hotline.supervision import views

    monkeypatch.setattr(views, "clock_now", lambda: late_orders[0].received_at + dt.timedelta(days=30))
    client.force_login(supervisor)
    body = client.get(reverse("supervision:home"), {"tab": "overdue"}).content.decode()
    assert all(order.number in body for order in late_orders)


def test_workbench_is_for_center_staff(client, unit_handler):
    client.force_login(unit_handler)
    assert client.get(reverse("supervision:home")).status_code == 403


def test_quick_remind_from_the_workbench(client, supervisor, rules, make_order, city, dispatcher, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:quick_remind", args=[order.assignments.get().pk]),
        {"back": "/supervision/?tab=overdue"},
    )
    assert response.status_code == 302 and response["Location"] == "/supervision/?tab=overdue"
    assert Notice.objects.get().issued_by == supervisor


def test_panel_shows_notices_and_forms_by_role(
    client, rules, supervisor, unit_handler, other_handler, make_order, city, dispatcher, now
):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    sv.notice_supervise(order=order, actor=supervisor, now=now, text="请于两日内书面说明。")
    url = reverse("supervision:panel_order") + f"?order={order.number}"
    client.force_login(supervisor)
    body = client.get(url).content.decode()
    assert "请于两日内书面说明" in body and reverse("supervision:remind", args=[order.number]) in body
    assert reverse("supervision:respond", args=[order.number]) not in body
    client.force_login(unit_handler)
    body = client.get(url).content.decode()
    assert "请于两日内书面说明" in body and reverse("supervision:respond", args=[order.number]) in body
    assert reverse("supervision:remind", args=[order.number]) not in body
    client.force_login(other_handler)
    assert client.get(url).status_code == 404


def test_remind_and_supervise_from_the_panel(client, rules, supervisor, make_order, city, dispatcher, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    client.force_login(supervisor)
    response = client.post(reverse("supervision:remind", args=[order.number]), {"text": "请加快办理"}, **HTMX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    respond_by = (now + dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("supervision:supervise", args=[order.number]),
        {"text": "督办：请书面说明", "respond_by": respond_by, "unit": city.water.pk},
        **HTMX,
    )
    assert response.status_code == 204
    assert list(Notice.objects.order_by("pk").values_list("level", flat=True)) == ["remind", "supervise"]
    # an empty notice comes back with the form's error, nothing issued
    response = client.post(reverse("supervision:supervise", args=[order.number]), {"text": ""}, **HTMX)
    assert response.status_code == 200 and Notice.objects.count() == 2


def test_panel_shows_service_errors(client, rules, supervisor, make_order, now):
    order = make_order()  # nobody handles it yet
    client.force_login(supervisor)
    response = client.post(reverse("supervision:remind", args=[order.number]), {}, **HTMX)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Notice.objects.exists()


def test_unit_responds_from_the_panel(
    client, rules, supervisor, unit_handler, make_order, city, dispatcher, now
):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    notice = sv.notice_supervise(order=order, actor=supervisor, now=now, text="督办")
    client.force_login(unit_handler)
    response = client.post(
        reverse("supervision:respond", args=[order.number]), {"notice": notice.pk, "text": "已处理完毕"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.response.text == "已处理完毕"


def test_escalate_and_flag_from_the_panel(client, rules, supervisor, make_order, city, dispatcher, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    notice = sv.notice_supervise(order=order, actor=supervisor, now=now, text="督办")
    client.force_login(supervisor)
    assert (
        client.post(
            reverse("supervision:escalate", args=[order.number]), {"notice": notice.pk}, **HTMX
        ).status_code
        == 204
    )
    assert Notice.objects.filter(level=Level.ESCALATE).count() == 1
    assert (
        client.post(
            reverse("supervision:flag", args=[order.number]), {"kind": "sudden", "note": "爆管"}, **HTMX
        ).status_code
        == 204
    )
    assert StaffFlag.objects.get().kind == "sudden"


def test_unit_notices_page(
    client, rules, supervisor, unit_handler, other_handler, make_order, city, dispatcher, now
):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    sv.notice_supervise(order=order, actor=supervisor, now=now, text="请说明")
    client.force_login(unit_handler)
    assert order.number in client.get(reverse("supervision:unit_notices")).content.decode()
    client.force_login(other_handler)
    assert order.number not in client.get(reverse("supervision:unit_notices")).content.decode()


def test_rules_pages(client, rules, supervisor, agent):
    client.force_login(agent)
    assert client.get(reverse("supervision:rules")).status_code == 403
    client.force_login(supervisor)
    assert (
        "推诿" in client.get(reverse("supervision:rules")).content.decode()
        or client.get(reverse("supervision:rules")).status_code == 200
    )
    url = reverse("supervision:rule_edit", args=["repeated_complaint"])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"active": "on", "level": "supervise", "respond_within": "soon", "t_count": 3, "t_days": 30}
    )
    assert bad.status_code == 400
    ok = client.post(
        url, {"level": "remind", "respond_within": "3wd", "escalate_after": "", "t_count": 5, "t_days": 14}
    )
    assert ok.status_code == 302
    rule = SupervisionRule.objects.get(code="repeated_complaint")
    assert rule.thresholds == {"count": 5, "days": 14} and not rule.active and rule.level == "remind"
    assert client.get(reverse("supervision:rule_edit", args=["nonsense"])).status_code == 404

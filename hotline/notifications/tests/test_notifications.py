"""In-app notifications: the contract (notify, notify_unit, notify_role), the list, the badge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hotline.channels.models import OutboundMessage
from hotline.core.errors import ValidationFailed
from hotline.directory.models import Role, UnitContact, User
from hotline.notifications.models import Notification
from hotline.notifications.services import notify, notify_role, notify_unit

pytestmark = pytest.mark.django_db


def test_notify_creates_one_per_distinct_active_recipient(agent, supervisor, now):
    gone = User.objects.create_user("gone", role=Role.AGENT, is_active=False)
    assert notify(recipients=[agent, agent, supervisor, gone], kind="test", title="标题", now=now) == 2
    assert Notification.objects.filter(recipient=agent).count() == 1


def test_notify_refuses_empty_title(agent, now):
    with pytest.raises(ValidationFailed):
        notify(recipients=[agent], kind="test", title=" ", now=now)
    assert not Notification.objects.exists()


def test_notify_unit_reaches_its_staff_and_texts_its_contacts(
    city, unit_handler, other_handler, make_order, now
):
    UnitContact.objects.create(unit=city.water, name="联络员", phone="13900000001")
    UnitContact.objects.create(unit=city.water, name="不收通知", phone="13900000002", receives_notices=False)
    UnitContact.objects.create(unit=city.water, name="无电话")
    order = make_order()
    created = notify_unit(
        unit=city.water,
        kind="reminder",
        title="催办",
        body="请尽快办理。",
        order=order,
        now=now,
        sms_template="reminder",
        sms_context={"due": "2026-11-20 17:00"},
    )
    assert created == 1 and Notification.objects.get().recipient == unit_handler
    message = OutboundMessage.objects.get()
    assert message.to == "13900000001" and order.number in message.body and "请尽快办理" in message.body


def test_notify_unit_without_template_sends_no_sms(city, unit_handler, now):
    UnitContact.objects.create(unit=city.water, name="联络员", phone="13900000001")
    assert notify_unit(unit=city.water, kind="x", title="t", now=now) == 1
    assert not OutboundMessage.objects.exists()


def test_notify_role(leader, supervisor, now):
    assert notify_role(role=Role.LEADER, kind="escalation", title="通报", now=now) == 1
    with pytest.raises(ValidationFailed):
        notify_role(role="mayor", kind="x", title="t", now=now)


def test_list_badge_and_read(client, agent, supervisor, now, django_assert_max_num_queries):
    for n in range(30):
        notify(recipients=[agent], kind="test", title=f"第{n}条", url="/notifications/", now=now)
    notify(recipients=[supervisor], kind="test", title="别人的", now=now)
    client.force_login(agent)
    badge = client.get(reverse("notifications:badge"))
    assert badge.status_code == 200 and ">30<" in badge.content.decode()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notifications:list"))
    body = page.content.decode()
    assert page.status_code == 200 and "第29条" in body and "别人的" not in body
    mine = Notification.objects.filter(recipient=agent).first()
    theirs = Notification.objects.get(recipient=supervisor)
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    opened = client.post(reverse("notifications:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/notifications/"
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=supervisor, read_at__isnull=True).exists()


def test_open_refuses_links_off_the_platform(client, agent, now):
    notify(recipients=[agent], kind="test", title="外链", url="https://evil.example/", now=now)
    client.force_login(agent)
    response = client.post(reverse("notifications:open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notifications:list")


def test_pages_need_a_login(client):
    assert client.get(reverse("notifications:list")).status_code == 302

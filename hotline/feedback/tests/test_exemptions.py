"""Callback exemptions are data: anonymous, praise and rejected by default; admins add and switch them."""

from __future__ import annotations

import pytest

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.feedback import services as fb
from hotline.feedback.models import CallbackExemption, Survey
from hotline.workorders import services as wo
from hotline.workorders.models import Event

pytestmark = pytest.mark.django_db


def closed_reason(order) -> str:
    return Event.objects.get(order=order, action="close").reason


def test_default_exemptions_close_without_callback(replied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        praise = replied(request_type="praise")
        anonymous = replied(anonymous=True)
    for order, reason in [(praise, "praise"), (anonymous, "anonymous")]:
        order.refresh_from_db()
        assert order.status == "closed" and closed_reason(order) == reason
    assert not Survey.objects.exists()


def test_confidential_callers_are_called_back_unless_switched_on(
    replied, admin_user, now, django_capture_on_commit_callbacks
):
    assert wo.callback_exempt(replied(confidential=True, accept=False)) == ""
    exemption = CallbackExemption.objects.get(code="confidential")
    with django_capture_on_commit_callbacks(execute=True):  # the process's copy is dropped on commit
        fb.exemption_update(exemption=exemption, actor=admin_user, now=now, active=True)
    assert wo.callback_exempt(replied(confidential=True, accept=False)) == "confidential"
    assert exemption.changes.get().after["active"] is True


def test_switched_off_praise_is_surveyed(replied, admin_user, now):
    fb.exemption_update(
        exemption=CallbackExemption.objects.get(code="praise"), actor=admin_user, now=now, active=False
    )
    order = replied(request_type="praise")
    assert order.status == "awaiting_callback"


def test_rejected_orders_are_exempt(make_order, agent, now):
    order = wo.workorder_reject(order=make_order(), actor=agent, reason_code="jurisdiction", now=now)
    assert wo.callback_exempt(order) == "rejected"


def test_a_new_exemption_by_category_applies_to_sub_categories(replied, city, admin_user, now):
    parent = type(city.category).objects.get_parent(city.category)
    fb.exemption_create(
        actor=admin_user,
        code="urban-consult",
        name="城乡建设类不回访",
        match="category",
        value=parent.code,
        now=now,
    )
    order = replied()
    assert order.status == "closed" and closed_reason(order) == "urban-consult"


def test_a_new_exemption_by_channel(replied, admin_user, now):
    fb.exemption_create(
        actor=admin_user, code="weibo", name="微博不回访", match="channel", value="weibo", now=now
    )
    assert replied(channel="weibo").status == "closed"
    assert replied().status == "awaiting_callback"


def test_bad_exemptions_are_refused(admin_user, unit_handler, now):
    with pytest.raises(Forbidden):
        fb.exemption_create(actor=unit_handler, code="x1", name="x", match="anonymous", now=now)
    with pytest.raises(ValidationFailed):
        fb.exemption_create(actor=admin_user, code="x1", name="x", match="request_type", value="", now=now)
    with pytest.raises(ValidationFailed):
        fb.exemption_create(
            actor=admin_user, code="x1", name="x", match="request_type", value="gossip", now=now
        )
    with pytest.raises(ValidationFailed):
        fb.exemption_create(actor=admin_user, code="no_phone", name="x", match="anonymous", now=now)
    with pytest.raises(Conflict):
        fb.exemption_create(actor=admin_user, code="praise", name="x", match="anonymous", now=now)
    assert CallbackExemption.objects.count() == 4


def test_no_phone_is_never_called_back(replied):
    order = replied(phone="", accept=False)
    assert wo.callback_exempt(order) == "no_phone"

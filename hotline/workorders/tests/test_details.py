"""Corrections, attachments, actions without a person, and the order search."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.taxonomy.models import Category
from hotline.workorders import services as wo
from hotline.workorders.models import Attachment, Event
from hotline.workorders.selectors import OrderFilter, workorder_search

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_update_records_old_and_new_values_and_recomputes_deadlines(make_order, dispatcher, now):
    order = make_order()
    normal_due = order.dispatch_due_at
    order = wo.workorder_update(
        order=order,
        actor=dispatcher,
        now=now,
        urgency="emergency",
        location_text="东湖区幸福里3栋",
        comment="来电人补充",
    )
    event = order.events.order_by("-seq").first()
    assert event.action == "update"
    assert event.data["changes"]["urgency"] == ["normal", "emergency"]
    assert event.data["changes"]["location_text"] == ["东湖区幸福里小区", "东湖区幸福里3栋"]
    assert order.dispatch_due_at <= normal_due


def test_update_refuses_nothing_to_change_bad_values_and_units(make_order, dispatcher, unit_handler, now):
    order = make_order()
    with pytest.raises(ValidationFailed) as nothing:
        wo.workorder_update(order=order, actor=dispatcher, now=now, urgency="normal")
    assert nothing.value.code == "no_changes"
    with pytest.raises(ValidationFailed):
        wo.workorder_update(order=order, actor=dispatcher, now=now, urgency="whenever")
    with pytest.raises(Forbidden):
        wo.workorder_update(order=order, actor=unit_handler, now=now, title="改")
    assert order.events.count() == 2  # intake and accept only


def test_attach_checks_content_and_records_an_event(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    [attachment] = wo.workorder_attach(
        order=order, actor=unit_handler, files=[SimpleUploadedFile("现场.png", PNG)], now=now
    )
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    event = Event.objects.get(order=order, action="attach")
    assert event.data["files"] == ["现场.png"] and attachment.event_id == event.pk
    # a script renamed to an image is refused, and nothing is written
    with pytest.raises(ValidationFailed) as exc:
        wo.workorder_attach(
            order=order,
            actor=unit_handler,
            files=[SimpleUploadedFile("x.png", b"<script>alert(1)</script>")],
            now=now,
        )
    assert exc.value.code == "file_type_not_allowed"
    assert Attachment.objects.filter(order=order).count() == 1


def test_attach_limits_size_and_accepts_text(make_order, agent, now, settings):
    settings.HOTLINE_UPLOAD_MAX_BYTES = 100
    order = make_order()
    with pytest.raises(ValidationFailed) as exc:
        wo.workorder_attach(
            order=order, actor=agent, files=[SimpleUploadedFile("a.pdf", b"%PDF-" + b"1" * 200)], now=now
        )
    assert exc.value.code == "file_too_large"
    [note] = wo.workorder_attach(
        order=order, actor=agent, files=[SimpleUploadedFile("说明.txt", "停水三天".encode())], now=now
    )
    assert note.content_type == "text/plain"


def test_a_caller_attaches_and_rates_without_an_account(make_order, city, dispatcher, unit_handler, now):
    order = make_order(accept=False, channel="web")
    wo.workorder_attach(
        order=order, actor=None, files=[SimpleUploadedFile("p.png", io.BytesIO(PNG).read())], now=now
    )
    assert Event.objects.get(order=order, action="attach").data["by_caller"] is True
    order = wo.workorder_accept(order=order, actor=dispatcher, now=now)
    order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已恢复供水", solved=True, now=now)
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    order = wo.workorder_callback(
        order=order, actor=None, satisfaction="satisfied", solved=True, channel="web", now=now
    )
    assert order.status == "closed" and order.satisfaction == "satisfied"


def test_automatic_dispatch_must_say_why(make_order, city, now):
    order = make_order()
    with pytest.raises(ValidationFailed) as exc:
        wo.workorder_dispatch(order=order, actor=None, lead=city.water, now=now)
    assert exc.value.code == "basis_required"
    order = wo.workorder_dispatch(
        order=order, actor=None, lead=city.water, now=now, basis={"rule": 7, "confidence": 0.98}
    )
    event = order.events.get(action="dispatch")
    assert event.actor is None and event.data["basis"] == {"rule": 7, "confidence": 0.98}
    with pytest.raises(Forbidden):
        wo.workorder_escalate(order=make_order(), actor=None, comment="?", now=now)  # type: ignore[arg-type]


def test_search_by_text_status_and_filters(make_order, city, dispatcher, unit_handler, agent, now):
    water = make_order(title="幸福里停水", phone="13900001111")
    wo.workorder_dispatch(order=water, actor=dispatcher, lead=city.water, now=now)
    noise = make_order(title="夜间施工噪音", content="工地夜间施工", phone="13900002222", confidential=True)
    old = make_order(title="停水", at=now - dt.timedelta(days=40))

    def found(user, **kwargs):
        return {order.number for order in workorder_search(user, OrderFilter(**kwargs))}

    assert found(agent, q="停水") == {water.number, old.number}
    assert found(agent, q=noise.number) == {noise.number}
    assert found(agent, q="13900002222") == {noise.number}
    assert found(agent, statuses=("dispatched",)) == {water.number}
    assert found(agent, received_from=now - dt.timedelta(days=30)) == {water.number, noise.number}
    assert found(agent, category_id=Category.objects.get_root(city.category).pk) == {
        water.number,
        noise.number,
        old.number,
    }
    assert found(agent, unit_id=city.water.pk) == {water.number}
    # a unit finds only its own orders, and never a confidential caller by phone
    assert found(unit_handler, q="停水") == {water.number}
    assert found(unit_handler, q="13900002222") == set()
    with pytest.raises(ValidationFailed):
        found(agent, statuses=("lost",))


def test_reopen_by_the_platform_after_a_dissatisfied_survey(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=False, now=now)
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    order = wo.workorder_callback(
        order=order, actor=None, satisfaction="dissatisfied", solved=False, channel="sms", now=now
    )
    order = wo.workorder_reopen(order=order, actor=None, now=now, comment="短信回访不满意")
    assert order.status == "awaiting_dispatch" and order.reopen_count == 1
    with pytest.raises(Conflict):
        wo.workorder_reopen(order=order, actor=None, now=now)


def test_an_extension_whose_deadline_passed_can_only_be_refused(
    make_order, city, dispatcher, unit_handler, now
):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    due = order.assignments.get().due_at
    request = wo.workorder_request_extension(
        order=order, actor=unit_handler, until=due + dt.timedelta(days=1), reason="需协调", now=now
    )
    later = due + dt.timedelta(days=2)
    with pytest.raises(ValidationFailed) as exc:
        wo.workorder_decide_extension(request=request, actor=dispatcher, approve=True, now=later)
    assert exc.value.code == "extension_expired"
    order = wo.workorder_decide_extension(request=request, actor=dispatcher, approve=False, now=later)
    assert order.assignments.get().due_at == due

"""The order page: what each role sees and may do, every action through HTTP, attachments behind the
gate, citizen text escaped, refusals shown as messages with 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.clock import localtime
from hotline.workbench.tests.chinese import zh
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Assignment, Attachment, ExtensionRequest

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 64
)


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def act(client, order, action, **fields):
    order.refresh_from_db()
    prefix = "" if action == "dispatch" else f"{action}-"  # the dispatch form's fields keep their names
    data = {f"{prefix}version": order.version}
    files = {}
    for key, value in fields.items():
        if isinstance(value, SimpleUploadedFile) or (
            isinstance(value, list) and value and isinstance(value[0], SimpleUploadedFile)
        ):
            files[f"{prefix}{key}"] = value
        else:
            data[f"{prefix}{key}"] = value
    return client.post(f"/orders/{order.number}/do/{action}/", {**data, **files})


@pytest.fixture
def clock(monkeypatch, now):
    """Pin the views' clock to the test's Monday morning, movable with ``clock.at = ...``."""

    class Clock:
        at = now

    def fake_now():
        return Clock.at

    monkeypatch.setattr("hotline.workorders.views.clock_now", fake_now)
    monkeypatch.setattr("hotline.core.templatetags.hotline_ui.clock_now", fake_now)
    monkeypatch.setattr("hotline.workorders.forms.clock_now", fake_now)
    return Clock


def test_the_full_life_of_an_order_through_the_order_page(
    client, make_order, city, agent, dispatcher, unit_handler, clock
):
    order = make_order()
    client.force_login(dispatcher)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="dispatch-form"' in page and 'id="action-dispatch" open' in page
    response = act(
        client, order, "dispatch", lead=city.water.pk, assists=[city.urban.pk], instructions="尽快处理"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert {a.unit for a in order.assignments.all()} == {city.water, city.urban}

    client.force_login(unit_handler)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert zh("Sign for") in page and "138****1234" in page and "13812341234" not in page
    assert act(client, order, "sign").status_code == 302
    assert act(client, order, "note", text="已安排抢修", public="on").status_code == 302
    # the lead cannot reply before the assisting unit contributed
    response = act(client, order, "reply", text="已恢复供水", solved="yes")
    assert (
        response.status_code == 409
        and zh("Assisting units have not contributed yet.") in response.content.decode()
    )

    from hotline.directory.models import Role, User

    urban_user = User.objects.create_user("urban2", password="x", role=Role.UNIT_HANDLER, unit=city.urban)
    client.force_login(urban_user)
    assert act(client, order, "sign").status_code == 302
    assert act(client, order, "contribute", text="已清理路面").status_code == 302

    client.force_login(unit_handler)
    response = act(client, order, "reply", text="已恢复供水", solved="yes", attachments=[png("现场.png")])
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.REPLIED
    attachment = Attachment.objects.get(order=order)
    reply = order.events.get(action=Action.REPLY)
    attach_event = order.events.get(action=Action.ATTACH)
    assert attach_event.seq == reply.seq - 1  # attached, then replied, in one transaction

    client.force_login(dispatcher)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="action-review_reply" open' in page and "已恢复供水" in page
    assert act(client, order, "review_reply", decision="accept").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.AWAITING_CALLBACK

    client.force_login(agent)
    assert (
        act(client, order, "callback", satisfaction="satisfied", solved="yes", comment="满意").status_code
        == 302
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.satisfaction == "satisfied" and order.solved is True
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f"/orders/{order.number}/files/{attachment.pk}/" in page
    assert "/media/" not in page


def test_callback_then_close_and_reopen(client, make_order, city, agent, dispatcher, unit_handler, clock):
    order = make_order()
    now = clock.at
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=False, now=now)
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    client.force_login(agent)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="action-callback" open' in page and 'id="action-close"' in page
    assert act(client, order, "callback", satisfaction="dissatisfied", solved="no").status_code == 302
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="action-reopen"' in page
    assert act(client, order, "reopen", comment="仍未解决").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH and order.reopen_count == 1


def test_close_without_callback(client, make_order, city, agent, dispatcher, unit_handler, clock):
    order = make_order()
    now = clock.at
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now)
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    client.force_login(agent)
    assert act(client, order, "close", reason="unreachable", comment="三次未接通").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.events.get(action=Action.CLOSE).reason == "unreachable"


def test_return_and_re_dispatch(client, make_order, city, dispatcher, unit_handler, other_handler, clock):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    client.force_login(unit_handler)
    assert act(client, order, "return", reason="属于城管职责").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    client.force_login(dispatcher)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="action-rule_return" open' in page and "属于城管职责" in page
    # rejecting a return needs a reason; the message says so and nothing changes
    response = act(client, order, "rule_return", decision="reject")
    assert response.status_code == 400 and zh("A reason is required.") in response.content.decode()
    assert act(client, order, "rule_return", decision="accept").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH
    assert act(client, order, "dispatch", lead=city.urban.pk).status_code == 302
    client.force_login(other_handler)
    assert act(client, order, "sign").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS


def test_return_rejected_back_to_the_unit(client, make_order, city, dispatcher, unit_handler, clock):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    wo.workorder_return(order=order, actor=unit_handler, reason="不是我们的", now=clock.at)
    client.force_login(dispatcher)
    assert act(client, order, "rule_return", decision="reject", comment="供水属于水务局").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS


def test_extension_request_and_decision(client, make_order, city, dispatcher, unit_handler, clock):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    wo.workorder_sign(order=order, actor=unit_handler, now=clock.at)
    assignment = order.assignments.get()
    until = localtime(assignment.due_at + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(unit_handler)
    far = localtime(clock.at + dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    response = act(client, order, "request_extension", until=far, reason="需要更换主管道")
    assert response.status_code == 400 and zh("Choose a time within a year.") in response.content.decode()
    response = act(client, order, "request_extension", until=until, reason="需要更换主管道")
    assert response.status_code == 302
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert (
        zh("An extension request is waiting for the center's decision.") in page
        and 'id="action-request_extension"' not in page
    )
    client.force_login(dispatcher)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="action-decide_extension" open' in page and "需要更换主管道" in page
    request = ExtensionRequest.objects.get()
    assert act(client, order, "decide_extension", request=request.pk, decision="approve").status_code == 302
    assignment.refresh_from_db()
    assert (
        assignment.extension_count == 1 and localtime(assignment.due_at).strftime("%Y-%m-%dT%H:%M") == until
    )


def test_escalate_and_instruct(client, make_order, dispatcher, leader, clock):
    order = make_order()
    client.force_login(dispatcher)
    assert act(client, order, "escalate", comment="涉及多个部门").status_code == 302
    client.force_login(leader)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="action-instruct" open' in page
    assert act(client, order, "instruct", instruction="请城管牵头").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_received_order_accept_answer_reject_and_merge(client, make_order, agent, clock):
    received = make_order(accept=False, channel="web")
    client.force_login(agent)
    page = client.get(f"/orders/{received.number}/").content.decode()
    assert 'id="action-accept" open' in page
    for key in ("answer", "reject", "merge", "update"):
        assert f'id="action-{key}"' in page
    assert act(client, received, "accept").status_code == 302
    other = make_order(accept=False, channel="web")
    response = act(client, other, "reject", reason="emergency")
    assert (
        response.status_code == 400
        and zh("Choose the emergency service the caller was transferred to.") in response.content.decode()
    )
    assert act(client, other, "reject", reason="emergency", transfer_to="120").status_code == 302
    other.refresh_from_db()
    assert other.status == Status.REJECTED
    third = make_order(accept=False, channel="web")
    assert act(client, third, "merge", master=received.number).status_code == 302
    third.refresh_from_db()
    assert third.master == received
    fourth = make_order(accept=False, channel="web")
    assert act(client, fourth, "answer", answer="营业时间为工作日").status_code == 302


def test_correct_the_details(client, make_order, dispatcher, clock):
    order = make_order()
    client.force_login(dispatcher)
    response = act(
        client,
        order,
        "update",
        title="更正后的标题",
        request_type="help",
        urgency="urgent",
        category=order.category_id,
        division=order.division_id,
        location_text=order.location_text,
        publish_consent="on",
        comment="类型有误",
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.title == "更正后的标题" and order.urgency == "urgent"


def test_a_stale_form_is_refused_with_a_message(client, make_order, dispatcher, city, clock):
    order = make_order()
    client.force_login(dispatcher)
    version = order.version
    wo.workorder_note(order=order, actor=dispatcher, text="先备注", now=clock.at)
    response = client.post(
        f"/orders/{order.number}/do/dispatch/", {"version": version, "lead": city.water.pk}
    )
    assert response.status_code == 409
    assert (
        zh("Someone else changed this order in the meantime. Reload the page and try again.")
        in response.content.decode()
    )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_an_action_the_role_may_not_take_is_refused(
    client, make_order, unit_handler, city, dispatcher, clock
):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    client.force_login(unit_handler)
    response = act(client, order, "dispatch", lead=city.urban.pk)
    assert (
        response.status_code == 403 and zh("Your role may not take this action.") in response.content.decode()
    )
    assert client.post(f"/orders/{order.number}/do/nonsense/").status_code == 404


def test_a_unit_never_sees_another_units_order(client, make_order, city, dispatcher, other_handler, clock):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    attachment = wo.workorder_attach(order=order, actor=dispatcher, files=[png()], now=clock.at)[0]
    client.force_login(other_handler)
    response = client.get(f"/orders/{order.number}/")
    assert response.status_code == 404
    assert order.title not in response.content.decode()
    assert client.get(f"/orders/{order.number}/files/{attachment.pk}/").status_code == 404
    assert client.post(f"/orders/{order.number}/do/sign/", {"sign-version": order.version}).status_code == 404


def test_attachments_are_served_through_the_gate(client, make_order, city, dispatcher, unit_handler, clock):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    attachment = wo.workorder_attach(order=order, actor=dispatcher, files=[png("图.png")], now=clock.at)[0]
    client.force_login(unit_handler)
    response = client.get(f"/orders/{order.number}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"/orders/{order.number}/files/999999/").status_code == 404


def test_uploads_are_limited_by_type_and_size(
    client, make_order, city, dispatcher, unit_handler, clock, settings
):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    client.force_login(unit_handler)
    wo.workorder_sign(order=order, actor=unit_handler, now=clock.at)
    exe = SimpleUploadedFile("tool.png", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/png")
    response = act(client, order, "attach", attachments=[exe])
    assert (
        response.status_code == 400 and zh("This type of file is not accepted.") in response.content.decode()
    )
    settings.HOTLINE_UPLOAD_MAX_BYTES = 10
    response = act(client, order, "attach", attachments=[png()])
    assert response.status_code == 400 and zh("The file is too large.") in response.content.decode()
    assert not Attachment.objects.exists()


def test_citizen_text_renders_as_text(client, make_order, agent, clock):
    order = make_order(title='<script>alert("x")</script>', content="<img src=x onerror=alert(1)><b>粗</b>")
    client.force_login(agent)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;粗&lt;/b&gt;" in page


def test_confidential_caller_never_reaches_the_unit(
    client, make_order, city, dispatcher, unit_handler, clock
):
    order = make_order(confidential=True, name="王五", phone="13600009876")
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    client.force_login(unit_handler)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "王五" not in page and "9876" not in page and "王*" not in page
    assert zh("Confidential: the caller's identity is not disclosed to handling units.") in page


def test_order_list_searches_behind_the_gate_with_bounded_queries(
    client, make_order, city, dispatcher, unit_handler, clock, django_assert_max_num_queries
):
    orders = [make_order(title=f"井盖缺失 {i}") for i in range(12)]
    for order in orders[:3]:
        wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=clock.at)
    client.force_login(dispatcher)
    with django_assert_max_num_queries(12):
        page = client.get("/orders/", {"q": "井盖"}).content.decode()
    assert page.count('href="/orders/2026') == 12
    client.force_login(unit_handler)
    page = client.get("/orders/", {"q": "井盖"}).content.decode()
    assert page.count('href="/orders/2026') == 3


def test_order_page_queries_are_bounded(
    client, make_order, city, dispatcher, unit_handler, clock, django_assert_max_num_queries
):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, assists=[city.urban], now=clock.at)
    for i in range(5):
        wo.workorder_note(order=order, actor=dispatcher, text=f"备注{i}", now=clock.at)
    client.force_login(dispatcher)
    with django_assert_max_num_queries(25):
        assert client.get(f"/orders/{order.number}/").status_code == 200
    assert Assignment.objects.filter(order=order).count() == 2

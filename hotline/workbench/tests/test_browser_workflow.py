"""End to end in a real browser: one order from the phone call to its close through every role's login,
a return and re-dispatch, an extension, a unit kept out of another unit's order, the keyboard and the
telephony event on the agent console, and the language switch. Screenshots of each main page land in
var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from hotline.core.clock import localtime
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 64
)


@pytest.fixture
def csp_errors(page):
    """Console errors about the content security policy: there must be none on any page."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield errors
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def real_now() -> dt.datetime:
    # the live server runs on the real clock, so the orders of these tests start now
    from django.utils import timezone

    return timezone.now()


def order_number(page) -> str:
    text = page.inner_text(".order-number")
    return re.sub(r"\s+", "", text)


def test_one_order_from_call_to_close_through_every_role(
    page, login_as, screenshot, city, agent, dispatcher, unit_handler, csp_errors
):
    # The agent takes the call: phone first, the history pops up, Enter saves to dispatch.
    login_as(agent)
    page.goto("/agent/")
    page.fill("#id_caller_phone", "13812345678")
    page.wait_for_selector("#caller-history >> text=此号码没有历史诉求")
    page.fill("#id_caller_name", "钱七")
    page.fill("#id_title", "幸福里小区停水")
    page.fill("#id_content", "幸福里小区从昨天起停水，至今没有通知。")
    page.fill(".category-filter", "供水")
    assert page.eval_on_selector("#id_category", "el => el.selectedOptions[0].textContent").endswith("供水")
    page.select_option("#id_division", str(city.street_division.pk))
    screenshot("agent-console")
    page.press("#id_title", "Enter")
    page.wait_for_url("**/agent/done/**")
    number = order_number(page)
    screenshot("agent-done")
    order = WorkOrder.objects.get(number=number)
    assert order.status == Status.AWAITING_DISPATCH and order.caller_name == "钱七"

    # The dispatcher sends it to the water bureau.
    login_as(dispatcher)
    page.goto("/dispatch/")
    screenshot("dispatch-queue")
    page.click(f"a:text('{number}')")
    # a dispatch panel's suggestion fills the lead and assisting units by name (app.js [data-fill])
    page.evaluate(
        """fill => { const b = document.createElement('button'); b.type = 'button'; b.id = 'probe';
        b.setAttribute('data-fill', JSON.stringify(fill)); document.querySelector('#action-dispatch').append(b); }""",
        {"lead": str(city.urban.pk), "assists": [str(city.street.pk)]},
    )
    page.click("#probe")
    assert page.input_value("#id_lead") == str(city.urban.pk)
    assert page.eval_on_selector("#id_assists", "el => [...el.selectedOptions].map(o => o.value)") == [
        str(city.street.pk)
    ]
    page.select_option("#id_assists", [])
    page.select_option("#id_lead", str(city.water.pk))
    page.fill("#id_instructions", "请尽快恢复供水")
    screenshot("order-dispatch-form")
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector(".messages >> text=已派往市水务局")

    # The unit signs, notes progress and replies with a photo.
    login_as(unit_handler)
    page.goto("/inbox/")
    screenshot("unit-inbox")
    page.click("button:text('签收')")
    page.wait_for_selector(".messages >> text=已签收")
    page.goto(f"/orders/{number}/")
    page.click("#action-note summary")
    page.fill("#id_note-text", "维修队已到现场")
    page.click("#action-note button[type=submit]")
    page.wait_for_selector(".messages >> text=阶段性答复已添加")
    assert page.is_visible("#id_reply-text")  # the reply is the unit's main action, open at once
    page.fill("#id_reply-text", "管道已修复，供水已恢复。")
    page.check("#id_reply-solved_0")
    page.set_input_files(
        "#id_reply-attachments", files=[{"name": "修复.png", "mimeType": "image/png", "buffer": PNG}]
    )
    screenshot("order-unit-reply")
    page.click("#action-reply button[type=submit]")
    page.wait_for_selector(".messages >> text=回复已提交热线中心审核")

    # The center reviews the reply from the queue.
    login_as(dispatcher)
    page.goto("/dispatch/?tab=review")
    page.wait_for_selector("text=管道已修复")
    screenshot("dispatch-review")
    page.click("td.actions button.btn-primary")
    page.wait_for_selector(".messages >> text=审核通过")

    # The callback closes it.
    login_as(agent)
    page.goto(f"/orders/{number}/")
    page.check("#id_callback-satisfaction_0")
    page.check("#id_callback-solved_0")
    page.fill("#id_callback-comment", "很满意")
    page.click("#action-callback button[type=submit]")
    page.wait_for_selector(".messages >> text=回访已记录")
    screenshot("order-closed")
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.satisfaction == "satisfied"
    assert order.attachments.count() == 1
    assert page.is_visible("a:text('修复.png')")


def test_return_and_re_dispatch(
    page, login_as, screenshot, city, make_order, dispatcher, unit_handler, other_handler, csp_errors
):
    order = make_order(at=real_now())
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=real_now())
    login_as(unit_handler)
    page.goto(f"/orders/{order.number}/")
    page.click("#action-return summary")
    page.fill("#id_return-reason", "属于城管职责范围")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#action-return button[type=submit]")
    page.wait_for_selector(".messages >> text=已连同理由退回热线中心")

    login_as(dispatcher)
    page.goto("/dispatch/?tab=returned")
    page.wait_for_selector("text=属于城管职责范围")
    screenshot("dispatch-returned")
    page.click(f"a:text('{order.number}')")
    page.click("#action-rule_return button[value=accept]")
    page.wait_for_selector(".messages >> text=已同意退回")
    page.select_option("#id_lead", str(city.urban.pk))
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector(".messages >> text=已派往市城管局")

    login_as(other_handler)
    page.goto("/inbox/")
    assert page.is_visible(f"text={order.number}")
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_extension_request_and_approval(
    page, login_as, screenshot, city, make_order, dispatcher, unit_handler, csp_errors
):
    order = make_order(at=real_now())
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=real_now())
    wo.workorder_sign(order=order, actor=unit_handler, now=real_now())
    assignment = order.assignments.get()
    until = localtime(assignment.due_at + dt.timedelta(days=20)).replace(second=0, microsecond=0)
    login_as(unit_handler)
    page.goto(f"/orders/{order.number}/")
    page.click("#action-request_extension summary")
    page.fill("#id_request_extension-until", until.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_request_extension-reason", "需要更换整段主管道")
    page.click("#action-request_extension button[type=submit]")
    page.wait_for_selector(".messages >> text=延期申请已提交热线中心")

    login_as(dispatcher)
    page.goto("/dispatch/?tab=extensions")
    page.wait_for_selector("text=需要更换整段主管道")
    screenshot("dispatch-extensions")
    page.click("button[value=approve]")
    page.wait_for_selector(".messages >> text=已同意工单")
    assignment.refresh_from_db()
    assert assignment.extension_count == 1
    assert localtime(assignment.due_at).strftime("%Y-%m-%dT%H:%M") == until.strftime("%Y-%m-%dT%H:%M")


def test_a_unit_opening_another_units_order_gets_a_404(
    page, login_as, screenshot, city, make_order, dispatcher, other_handler
):
    order = make_order(title="水务局的工单", at=real_now())
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=real_now())
    login_as(other_handler)
    response = page.goto(f"/orders/{order.number}/")
    assert response is not None and response.status == 404
    assert "水务局的工单" not in page.content()
    screenshot("not-found-other-unit")


def test_agent_keyboard_shortcuts_incoming_call_and_merge(page, login_as, make_order, agent, csp_errors):
    master = make_order(phone="13900002222", title="同一事项的先前工单", at=real_now())
    login_as(agent)
    page.goto("/agent/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_caller_phone'")
    page.keyboard.press("Alt+t")
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.keyboard.press("Alt+c")
    assert page.evaluate("document.activeElement.id") == "id_content"
    page.keyboard.press("Alt+r")
    assert page.eval_on_selector("#finish-reject", "el => el.open")
    # the telephony event of the channels app: the phone is filled, the call id kept, the history shown
    page.evaluate(
        "htmx.trigger(document.body, 'hotline:incoming-call', {phone: '13900002222', call_id: 'c-42'})"
    )
    assert page.input_value("#id_caller_phone") == "13900002222"
    assert page.input_value("input[name=call_id]") == "c-42"
    assert page.is_visible("#incoming-call")
    page.wait_for_selector("#caller-history >> text=同一事项的先前工单")
    page.click("#caller-history button[data-fill]")
    assert page.input_value("input[name=merge_into]") == master.number
    assert page.is_visible("[data-mirror=merge_into]")
    page.fill("#id_title", "又来反映")
    page.fill("#id_content", "同一事项再次反映")
    page.keyboard.press("Alt+s")
    page.wait_for_url("**/agent/done/**")
    duplicate = WorkOrder.objects.exclude(pk=master.pk).get()
    assert duplicate.master_id == master.pk and duplicate.status == Status.MERGED
    assert duplicate.events.get(action="intake").data == {"call_id": "c-42"}


def test_switch_to_english_and_back(page, login_as, screenshot, dispatcher, leader, make_order):
    make_order(at=real_now())
    login_as(leader)
    page.goto("/leader/")
    screenshot("leader-desk")
    login_as(dispatcher)
    page.goto("/dispatch/")
    assert page.is_visible("h1:text('派单')")
    page.click("button[value=en]")
    page.wait_for_selector("h1:text('Dispatch')")
    assert page.get_attribute("html", "lang") == "en"
    screenshot("dispatch-queue-en")
    page.click("button[value=zh-hans]")
    page.wait_for_selector("h1:text('派单')")
    assert page.get_attribute("html", "lang") == "zh-Hans"


def test_login_page(page, screenshot, agent):
    page.goto("/accounts/login/")
    screenshot("login")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "pw-agent")
    page.press("#id_password", "Enter")
    page.wait_for_url("**/agent/")
    assert page.is_visible("h1:text('话务员工作台')")

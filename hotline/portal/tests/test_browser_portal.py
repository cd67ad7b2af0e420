"""The citizen portal in a real browser on a phone-sized screen: a request submitted, handled by the
center and the unit, tracked by number and query code to its reply, and rated."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def shoot(tab, name):
    from hotline.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_portal_request_tracked_to_its_reply_and_rated(
    phone_page, settings, city, agent, dispatcher, unit_handler
):
    settings.HOTLINE_PORTAL_MIN_FILL_SECONDS = 0
    tab = phone_page
    tab.goto("/portal/")
    shoot(tab, "portal-home-phone")
    tab.click(".big-choices a >> nth=0")
    tab.wait_for_url("**/portal/submit/")
    tab.select_option("#id_request_type", "complaint")
    tab.fill("#id_title", "路口红绿灯不亮")
    tab.fill("#id_content", "东湖路与幸福路路口的红绿灯从昨晚起不亮，非常危险。<b>请处理</b>")
    tab.fill("#id_phone", "13700001111")
    tab.fill("#id_name", "孙八")
    tab.set_input_files(
        "#id_attachments",
        files=[
            {"name": "路口.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"}
        ],
    )
    shoot(tab, "portal-submit-phone")
    tab.click("main form button[type=submit]")
    tab.wait_for_url("**/portal/submit/done/")
    shoot(tab, "portal-receipt-phone")
    order = WorkOrder.objects.get()
    assert order.status == Status.RECEIVED and order.channel.code == "web"
    assert tab.is_visible(f"text={order.query_code}")

    now = timezone.now()
    wo.workorder_accept(order=order, actor=agent, now=now)
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_note(order=order, actor=unit_handler, text="已派员到路口查看", public=True, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="信号灯已修复并恢复运行。", solved=True, now=now)
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)

    # Another day, another browser: the citizen finds the request by number and query code.
    tab.context.clear_cookies()
    tab.goto("/portal/track/")
    tab.fill("#id_number", order.number)
    tab.fill("#id_code", order.query_code.lower())
    tab.click("main form button[type=submit]")
    tab.wait_for_url(f"**/portal/orders/{order.number}/")
    assert tab.is_visible("text=信号灯已修复并恢复运行。")
    assert tab.is_visible("text=已派员到路口查看")
    assert tab.is_visible("text=<b>请处理</b>")  # the citizen's markup shows as text
    assert tab.is_visible("a:text('路口.pdf')")
    shoot(tab, "portal-order-phone")
    tab.check("#id_satisfaction_0")
    tab.check("#id_solved_0")
    tab.click("form[action$='/rate/'] button[type=submit]")
    tab.wait_for_selector(".messages >> text=您的评价已记录")
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.satisfaction == "satisfied"
    # the page fits the phone: nothing wider than the screen
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

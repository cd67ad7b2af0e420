"""In a real browser: the supervisor's workbench with the sweep's notices, a supervision notice issued
from the order page's panel, and the unit's written response from the same panel."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.supervision.models import Notice
from hotline.supervision.services import ensure_default_rules
from hotline.supervision.sweep import supervision_sweep
from hotline.workorders import services as wo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_errors(page):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield errors
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_supervisor_workbench_and_the_order_panel(
    page, login_as, screenshot, make_order, city, dispatcher, supervisor, unit_handler, csp_errors
):
    ensure_default_rules()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    orders = []
    for title in ("幸福里小区停水三天", "东湖路井盖缺失", "人民路路灯不亮"):
        order = make_order(title=title, at=start)
        orders.append(wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=start))
    wo.workorder_sign(order=orders[1], actor=unit_handler, now=start + dt.timedelta(hours=1))
    supervision_sweep(now=dt.datetime.now(dt.UTC))

    login_as(supervisor)
    page.goto("/supervision/")
    page.wait_for_selector("#supervision-table")
    assert page.locator("#supervision-table tbody tr").count() == 3
    screenshot("supervision-workbench")
    page.click("a:text('超时未签收')")
    page.wait_for_selector("#supervision-table")
    assert page.locator("#supervision-table tbody tr").count() == 2
    page.click("a:text('待书面回复')")
    page.wait_for_selector("#supervision-table")
    screenshot("supervision-workbench-notices")

    # a supervision notice from the order page's panel
    number = orders[1].number
    page.goto(f"/orders/{number}/")
    panel = page.locator("#panel-supervision")
    panel.locator("text=超过办理时限").first.wait_for()
    panel.locator("summary:text('下发督办通知')").click()
    panel.locator("#sv-supervise-text").fill("请于两个工作日内书面说明停水原因及恢复时间。")
    panel.locator("button:text('下发督办')").click()
    page.wait_for_selector(".messages >> text=已向市水务局下发督办通知")
    page.locator("#panel-supervision .content-text >> text=请于两个工作日内书面说明").wait_for()
    screenshot("supervision-order-panel")

    # the unit answers in writing from the same panel
    login_as(unit_handler)
    page.goto(f"/orders/{number}/")
    form = page.locator("#panel-supervision form").filter(has_text="请于两个工作日内书面说明")
    form.wait_for()
    form.locator("textarea").fill("已组织抢修，今日18时前恢复供水，并向居民张贴告示。")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages >> text=书面回复已提交中心")
    page.locator("#panel-supervision .notice-ok >> text=已组织抢修").wait_for()
    screenshot("supervision-unit-response")
    notice = Notice.objects.get(order=orders[1], issued_by=supervisor)
    assert notice.response.text.startswith("已组织抢修")

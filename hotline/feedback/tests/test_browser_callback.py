"""In a real browser: the agents' phone callback queue; one caller satisfied, one dissatisfied with an
unsolved problem (the order is reopened)."""

from __future__ import annotations

import pytest

from hotline.feedback.models import Survey
from hotline.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_callback_queue(page, login_as, screenshot, replied, agent, django_capture_on_commit_callbacks):
    first = replied(phone="0571-86001111", title="幸福里小区停水")
    second = replied(phone="0571-86002222", title="东湖路井盖缺失", solved=False)
    login_as(agent)
    page.goto("/feedback/")
    page.wait_for_selector("#callback-table")
    assert page.locator("#callback-table tbody tr").count() == 2
    screenshot("callback-queue")

    row = page.locator("#callback-table tbody tr").filter(has_text=first.number)
    row.locator("label:text('满意')").first.click()
    row.locator("label:text('已解决')").click()
    row.locator("button:text('记录并办结')").click()
    page.wait_for_selector(".messages >> text=回访结果已记录")

    row = page.locator("#callback-table tbody tr").filter(has_text=second.number)
    row.locator("label:text('不满意')").click()
    row.locator("label:text('未解决')").click()
    row.locator("input[name=comment]").fill("问题依旧，井盖仍未补上")
    row.locator("button:text('记录并办结')").click()
    page.wait_for_selector(".messages >> text=已重办")
    screenshot("callback-queue-after")
    assert WorkOrder.objects.get(pk=first.pk).status == "closed"
    assert WorkOrder.objects.get(pk=second.pk).status == "awaiting_dispatch"
    assert Survey.objects.get(order=second).reopened

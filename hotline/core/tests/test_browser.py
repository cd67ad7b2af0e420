"""The browser harness itself: Debian's chromium, driven by Playwright, reaches the live server."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_reads_healthz_from_the_live_server(page):
    response = page.goto("/healthz")
    assert response is not None and response.status == 200
    report = json.loads(page.inner_text("body"))
    assert report["database"]["status"] == "ok"

"""Pages get the page middleware; the JSON API and Open311 skip it and still get a policy that allows
nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from hotline.core.middleware import MACHINE_HEADERS, PageMiddleware

pytestmark = pytest.mark.django_db


def test_pages_get_the_sites_policy_and_machine_answers_one_that_allows_nothing(city):
    page = Client().get("/accounts/login/")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    for url in ("/api/v1/workorders", "/open311/v2/services.json"):
        response = Client().get(url)
        assert response.status_code in (200, 401), url
        assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'", url
        assert response["X-Frame-Options"] == "DENY", url


def test_machine_requests_skip_the_page_chain():
    seen: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse("ok")

    middleware = PageMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/portal/"))
    middleware(factory.get("/api/v1/workorders"))
    page, machine = seen
    assert hasattr(page, "htmx")  # django-htmx ran for the page
    assert not hasattr(machine, "htmx")


def test_a_view_setting_its_own_headers_keeps_them():
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("{}")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = PageMiddleware(view)(RequestFactory().get("/open311/v2/discovery.json"))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Security-Policy"] == MACHINE_HEADERS["Content-Security-Policy"]


@override_settings(PAGE_MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"])
def test_middleware_with_hooks_django_must_see_is_refused_in_the_page_chain():
    with pytest.raises(ImproperlyConfigured, match="process_view"):
        PageMiddleware(lambda request: HttpResponse())

"""Signing out idle staff: an unattended desk must not stay signed in to citizens' data.

A request counts as the person's activity unless it is an htmx request made without them (a polling panel,
a badge refresh): ``app.js`` marks htmx requests with ``X-Hotline-Active: 1`` only when the person typed,
clicked or scrolled in the last minute. After ``HOTLINE_SESSION_IDLE_SECONDS`` without activity the
session ends; the next page shows the login form (htmx requests are told to go there with ``HX-Redirect``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SESSION_KEY = "hotline_last_activity"
WRITE_EVERY_SECONDS = 30


def idle_limit() -> int:
    return int(getattr(settings, "HOTLINE_SESSION_IDLE_SECONDS", 30 * 60))


def _is_activity(request: HttpRequest) -> bool:
    if request.headers.get("HX-Request") != "true":
        return True
    return request.headers.get("X-Hotline-Active") == "1" or request.method != "GET"


class IdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(SESSION_KEY)
            if isinstance(last, int) and now - last > idle_limit():
                logout(request)
                return self._to_login(request)
            # written at most every half minute: the session row is not rewritten on every request
            if last is None or (_is_activity(request) and now - last >= WRITE_EVERY_SECONDS):
                request.session[SESSION_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponse:
        url = reverse("login") + "?" + urlencode({"next": request.get_full_path(), "idle": "1"})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class ChineseByDefaultMiddleware:
    """The UI is Chinese unless the person chose English with the language switch (a cookie): the
    browser's Accept-Language is ignored, so an office PC with an English system still shows Chinese."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

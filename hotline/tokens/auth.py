"""How the JSON API knows who is calling: a bearer token for systems, the session for browsers.

Both set ``request.user``, so every endpoint reads the acting user from there whatever the auth. The
session path checks CSRF (a browser's cookie alone must not be enough to write); the bearer path does
not need to, since a token is never sent by a browser on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from hotline.core.clock import now

from .selectors import user_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN`` with a token from ``hotline token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token, now=now())
        if user is None:
            return None
        request.user = user
        return user


class BrowserSession(APIKeyCookie):
    """The signed-in staff member's session cookie; unsafe methods need the CSRF token
    (``X-CSRFToken`` header), like every form of the web UI."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if not key:
            return None  # no session: let the request fail as unauthenticated, not as a CSRF error
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken.")
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


DEFAULT_AUTH = [BearerToken(), BrowserSession()]

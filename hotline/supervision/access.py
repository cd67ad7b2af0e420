"""Who may open the supervision and callback pages (shared by both apps)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from hotline.directory.models import User

View = TypeVar("View", bound=Callable[..., HttpResponse])


def staff_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the decorators below ran first
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def roles_required(roles: Iterable[str] | None = None) -> Callable[[View], View]:
    """Signed-in staff with one of ``roles`` (any role when None); superusers always. Others get 403."""
    allowed = frozenset(roles) if roles is not None else None

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User) or not user.is_active:
                raise PermissionDenied
            if allowed is not None and user.role not in allowed and not user.is_superuser:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorate

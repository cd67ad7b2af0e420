"""Who may open which workbench: a decorator for role-bound staff pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from hotline.directory.models import User

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def roles_required(roles: Iterable[str] | None = None) -> Callable[[View], View]:
    """Signed-in staff only; with ``roles``, only those roles (and superusers). Others get the 403 page."""
    allowed = frozenset(roles) if roles is not None else None

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = staff_user(request)
            if not user.is_active or not (user.is_center_staff or user.is_unit_staff or user.is_superuser):
                raise PermissionDenied
            if allowed is not None and user.role not in allowed and not user.is_superuser:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator

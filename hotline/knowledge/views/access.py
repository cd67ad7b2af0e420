"""Staff-only pages and the translation of service refusals into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from hotline.core.errors import ApplicationError, Forbidden, NotFound
from hotline.directory.models import User

from .. import policy

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def staff_required(view: View) -> View:
    """Signed-in, active staff only (any role); others get the login page or a 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = staff_user(request)
        if not user.is_active or not policy.is_staff(user):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapped  # type: ignore[return-value]


def error_text(exc: ApplicationError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    extra = [str(v) for v in details.values() if isinstance(v, str)]
    return " ".join([exc.message, *extra])

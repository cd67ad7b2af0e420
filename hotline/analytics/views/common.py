"""What every analysis page shares: who may open it, reading the period from the query string, XLSX
responses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotline.core import clock
from hotline.core.clock import localtime
from hotline.core.errors import ApplicationError, ValidationFailed
from hotline.directory.models import User

from ..exports import XLSX
from ..selectors.dashboards import Period, period

View = TypeVar("View", bound=Callable[..., HttpResponse])


def center_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def center_required(view: View) -> View:
    """Signed-in center staff (agents, dispatchers, supervisors, leaders, admins) only; others get 403.
    An ``ApplicationError`` from bad query parameters is shown on the error page with its status."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = center_user(request)
        if not user.is_active or not (user.is_center_staff or user.is_superuser):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return render(request, "analytics/error.html", {"error": exc}, status=exc.status)

    return wrapped  # type: ignore[return-value]


def parse_date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(f"{name} must be a date (YYYY-MM-DD).", code="invalid_date") from exc


def parse_int(value: str | None, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValidationFailed(f"{name} must be a number.", code="invalid_number")
    return int(value)


def today() -> dt.date:
    return localtime(clock.now()).date()


def request_period(request: HttpRequest, grain: str) -> Period:
    return period(
        start=parse_date(request.GET.get("start"), "start"),
        end=parse_date(request.GET.get("end"), "end"),
        grain=grain,
        today=today(),
    )


def xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"

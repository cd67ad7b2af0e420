"""What the assessment pages share: the signed-in user, the scheme and period from the query string, and
showing a refusal in the person's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.core.clock import localtime
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import User

from ..models import Scheme
from ..periods import Period, last_complete, month_of, parse_period, quarter_of, year_of
from ..selectors import scheme_by_code, scheme_default

View = TypeVar("View", bound=Callable[..., HttpResponse])

MESSAGES: dict[str, StrOrPromise] = {
    "assessment_forbidden": _("You may not see or change this part of the assessment."),
    "scheme_not_found": _("There is no such assessment scheme."),
    "no_scheme": _("No assessment scheme is active; an administrator should create one."),
    "unit_not_found": _("There is no such unit."),
    "division_not_found": _("There is no such district."),
    "invalid_period": _("That is not a period: choose a month, quarter or year, or two dates."),
    "invalid_measure": _("Unknown figure."),
    "invalid_view": _("Unknown view."),
    "invalid_group": _("Unknown unit or district."),
    "invalid_code": _("A code is lower-case letters, digits and _, starting with a letter."),
    "name_required": _("A name is required."),
    "invalid_preset": _("Unknown preset."),
    "scheme_exists": _("A scheme with this code exists."),
    "invalid_formula": _("A formula is not valid."),
    "invalid_weight": _("A weight is a number between 0 and 1000."),
    "duplicate_indicator": _("Two indicators have the same code."),
    "invalid_indicator_kind": _("Unknown indicator kind."),
    "no_weighted_indicator": _("A scheme needs at least one weighted indicator with a weight above zero."),
    "stale_version": _("Someone else changed this in the meantime. Reload the page and try again."),
    "default_scheme": _("The default scheme cannot be deactivated; make another the default first."),
    "inactive_scheme": _("An inactive scheme cannot be the default."),
    "invalid_template": _("The file is not a Word template that can be filled in."),
    "invalid_template_kind": _("Unknown kind of template."),
    "template_failed": _(
        "The Word template in use cannot be filled in; an administrator should fix or reset it."
    ),
    "period_in_future": _("The period has not started yet."),
    "already_published": _("This period was already published."),
    "file_empty": _("The file is empty."),
    "file_too_large": _("The file is too large."),
    "file_type_not_allowed": _("This type of file is not accepted."),
}


def error_message(exc: ApplicationError) -> str:
    known = MESSAGES.get(exc.code)
    if known is None:
        return exc.message
    detail = exc.message if exc.code in ("invalid_formula", "invalid_template", "template_failed") else ""
    return f"{known} {detail}".strip()


def error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    status = 404 if isinstance(exc, NotFound) else exc.status
    return render(request, "error.html", {"message": error_message(exc)}, status=status)


def staff_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def handles_errors(view: View) -> View:
    """Signed-in staff only; an ``ApplicationError`` becomes the error page with its status."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapped  # type: ignore[return-value]


def scheme_from(request: HttpRequest) -> Scheme:
    code = (request.GET.get("scheme") or "").strip()
    if code:
        return scheme_by_code(code)
    scheme = scheme_default()
    if scheme is None:
        raise NotFound("No assessment scheme is active.", code="no_scheme")
    return scheme


def period_from(request: HttpRequest, *, today: dt.date, default_kind: str = "month") -> Period:
    """``?period=2026-10`` (any written form), or ``?start=…&end=…`` (both days included), else the last
    complete period of ``default_kind``."""
    start, end = (request.GET.get("start") or "").strip(), (request.GET.get("end") or "").strip()
    if start and end:
        return parse_period(f"{start}..{end}")
    text = (request.GET.get("period") or "").strip()
    if text:
        return parse_period(text)
    return last_complete(default_kind, today)


def period_choices(today: dt.date) -> list[Period]:
    """The periods offered in the picker: the last 12 months, the last 4 quarters, this year and the last."""
    months = [month_of(today)]
    for _index in range(12):
        months.append(months[-1].previous())
    quarters = [quarter_of(today)]
    for _index in range(4):
        quarters.append(quarters[-1].previous())
    return [*months, *quarters, year_of(today.year), year_of(today.year - 1)]


def local_today(now: dt.datetime) -> dt.date:
    return localtime(now).date()

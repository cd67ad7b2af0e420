"""Staff pages of the channels: the missed-call list (漏话回拨) and response times by channel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.core.clock import local_tz, localtime, now
from hotline.core.errors import ApplicationError
from hotline.directory.models import User

from ..models import Call
from ..selectors import missed_calls as missed_calls_of
from ..selectors import response_report as report_of
from ..services.calls import missed_call_resolve


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not (user.is_superuser or user.is_center_staff):
        raise PermissionDenied("This page belongs to the hotline center.")
    return user


@login_required
def missed_calls(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    calls = list(missed_calls_of(user)[:200])
    return render(request, "channels/missed_calls.html", {"calls": calls})


@login_required
@require_POST
def missed_call_done(request: HttpRequest, call_id: int) -> HttpResponse:
    user = _staff(request)
    call = get_object_or_404(Call, pk=call_id)
    try:
        missed_call_resolve(
            call=call,
            actor=user,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            now=now(),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Call back of %(number)s recorded.") % {"number": call.caller})
    return redirect("channels:missed_calls")


def period(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (local dates, ``to`` included); the last 7 days by default."""
    today = localtime(now()).date()
    start = parse_date(request.GET.get("from", "") or "") or today - dt.timedelta(days=6)
    end = parse_date(request.GET.get("to", "") or "") or today
    if end < start:
        start, end = end, start
    tz = local_tz()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


@login_required
def response_report(request: HttpRequest) -> HttpResponse:
    _staff(request)
    since, until = period(request)
    rows = report_of(since=since, until=until, now=now())
    return render(
        request,
        "channels/response_report.html",
        {"rows": rows, "since": since.date(), "until": (until - dt.timedelta(days=1)).date()},
    )

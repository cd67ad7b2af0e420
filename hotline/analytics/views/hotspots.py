"""Hot issues on screen for the center (the kept result of ``hotspots.cache``; "Recompute" computes it
afresh), their XLSX export, and their promotion to a monthly theme."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.core import clock
from hotline.core.clock import local_tz, localtime
from hotline.core.errors import ValidationFailed
from hotline.directory.models import Unit, User
from hotline.workorders.selectors import workorders_for_user

from ..exports import workbook
from ..hotspots.cache import KEEP, cached_issues, compute, window
from ..hotspots.detect import HotIssue
from ..themes import THEME_ROLES, theme_promote
from .common import center_required, center_user, parse_date, parse_int, wants_xlsx, xlsx

WINDOWS = (7, 30, 90)


def _issue_cells(issue: HotIssue) -> list[object]:
    return [issue.rank, issue.place, issue.description, issue.score, issue.size, issue.callers, issue.supports,
            issue.first_at, issue.last_at]  # fmt: skip


def _requested_window(request: HttpRequest, at: dt.datetime) -> tuple[dt.datetime, dt.datetime, int | None]:
    start = parse_date(request.GET.get("start") or request.POST.get("start"), "start")
    end = parse_date(request.GET.get("end") or request.POST.get("end"), "end")
    if start or end:
        if not (start and end) or start > end:
            raise ValidationFailed("Give both the first and the last day.", code="invalid_period")
        if (end - start).days > 366:
            raise ValidationFailed("A window is at most a year.", code="period_too_long")
        tz = local_tz()
        return (
            dt.datetime.combine(start, dt.time(), tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
            None,
        )
    days = request.GET.get("days") or request.POST.get("days") or "30"
    if not days.isdigit() or int(days) not in WINDOWS:
        raise ValidationFailed(
            f"Choose a window of {', '.join(map(str, WINDOWS))} days.", code="invalid_window"
        )
    since, until = window(days=int(days), at=at)
    return since, until, int(days)


@center_required
def hotspots(request: HttpRequest) -> HttpResponse:
    at = clock.now()
    since, until, days = _requested_window(request, at)
    top_text = request.GET.get("top") or "20"
    top = min(KEEP, int(top_text)) if top_text.isdigit() and int(top_text) > 0 else 20
    issues, computed_at = cached_issues(since, until, top=top, at=at)
    if wants_xlsx(request):
        header = [_("rank"), _("place"), _("description"), _("heat"), _("orders"), _("callers"), _("supports"),
                  _("first"), _("last"), _("number"), _("received at"), _("title"), _("external id")]  # fmt: skip
        rows = [
            [*_issue_cells(issue), order.number, order.received_at, order.title, order.external_id]
            for issue in issues
            for order in issue.orders
        ]
        return xlsx(workbook(_("Hot issues"), header, rows), f"hot-issues-{since.date()}-{until.date()}.xlsx")
    user = center_user(request)
    return render(
        request,
        "analytics/hotspots.html",
        {
            "issues": issues,
            "computed_at": computed_at,
            "since": since,
            "last_day": (until - dt.timedelta(days=1)).date(),
            "days": days,
            "windows": WINDOWS,
            "may_promote": user.is_superuser or user.role in THEME_ROLES,
            "query": request.GET.urlencode(),
        },
    )


@require_POST
@center_required
def recompute(request: HttpRequest) -> HttpResponse:
    at = clock.now()
    since, until, days = _requested_window(request, at)
    compute(since, until, at=at)
    target = reverse("analytics:hotspots")
    if days is not None:
        return redirect(f"{target}?days={days}")
    return redirect(f"{target}?start={since.date()}&end={(until - dt.timedelta(days=1)).date()}")


@center_required
def promote(request: HttpRequest) -> HttpResponse:
    """GET: the promotion form for issue ``rank`` of the window; POST: create the monthly theme."""
    user = center_user(request)
    at = clock.now()
    units = Unit.objects.filter(active=True).exclude(kind=Unit.Kind.CENTER).order_by("code")
    owners = User.objects.filter(is_active=True, role__in=THEME_ROLES).order_by("username")
    if request.method == "POST":
        form = request.POST
        numbers = [n for n in form.getlist("orders") if n]
        orders = list(workorders_for_user(user).filter(number__in=numbers))
        month = parse_date((form.get("month") or "") + "-01" if form.get("month") else None, "month")
        lead_id = parse_int(form.get("lead_unit"), "lead_unit")
        owner_id = parse_int(form.get("owner"), "owner")
        lead = units.filter(pk=lead_id).first() if lead_id else None
        theme = theme_promote(
            actor=user,
            title=form.get("title", ""),
            description=form.get("description", ""),
            month=month or localtime(at).date().replace(day=1),
            orders=orders,
            place=form.get("place", ""),
            place_key=form.get("place_key", ""),
            district=form.get("district", ""),
            keywords=form.get("keywords", "").split(),
            since=_parse_instant(form.get("since")),
            until=_parse_instant(form.get("until")),
            score=_parse_score(form.get("score")),
            lead_unit=lead,
            units=list(units.filter(pk__in=[u for u in form.getlist("units") if u.isdigit()])),
            owner=owners.filter(pk=owner_id).first() if owner_id else None,
            now=at,
        )
        return redirect("analytics:theme", pk=theme.pk)
    since, until, _days = _requested_window(request, at)
    rank = request.GET.get("rank", "")
    if not rank.isdigit() or int(rank) < 1:
        raise ValidationFailed("Choose an issue to promote.", code="invalid_issue")
    issues, _computed = cached_issues(since, until, top=int(rank), at=at)
    if len(issues) < int(rank):
        raise ValidationFailed(
            "That issue is no longer in the list; reload the hot issues.", code="invalid_issue"
        )
    issue = issues[int(rank) - 1]
    from ..models import OrderSignature

    keys = list(
        OrderSignature.objects.filter(order__in=issue.orders)
        .exclude(place="")
        .values_list("place", flat=True)[:50]
    )
    place_key = max(set(keys), key=keys.count) if keys else ""
    return render(
        request,
        "analytics/promote.html",
        {
            "issue": issue,
            "since": since,
            "until": until,
            "place_key": place_key,
            "month": localtime(at).strftime("%Y-%m"),
            "units": units,
            "owners": owners,
            "user": user,
        },
    )


def _parse_score(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError as exc:
        raise ValidationFailed("Invalid heat score.", code="invalid_number") from exc


def _parse_instant(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed("Invalid time.", code="invalid_date") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=local_tz())

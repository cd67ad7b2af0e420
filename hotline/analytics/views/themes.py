"""Monthly themes (每月一题): the list, a theme's page with its tasks, tracking log and the new orders
about it week by week, and the forms that add tasks, report progress and conclude it. Owner units see
and report on their themes; the center runs them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.core import clock
from hotline.core.errors import ApplicationError, NotFound, ValidationFailed
from hotline.directory.models import Unit, User
from hotline.workorders.selectors import workorders_for_user

from ..models import MonthlyTheme, ThemeTask
from ..themes import (
    THEME_ROLES,
    theme_add_task,
    theme_close,
    theme_for_user,
    theme_report,
    themes_for_user,
    tracking,
)
from .common import parse_date


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.is_active or not (user.is_center_staff or user.is_unit_staff or user.is_superuser):
        raise PermissionDenied
    return user


@login_required
def theme_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    themes = themes_for_user(user).prefetch_related("units")
    state = request.GET.get("state", "")
    if state in MonthlyTheme.State.values:
        themes = themes.filter(state=state)
    return render(
        request,
        "analytics/themes.html",
        {"themes": themes[:200], "state": state, "states": MonthlyTheme.State.choices},
    )


@login_required
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    try:
        theme = theme_for_user(user, pk)
    except NotFound as exc:
        return render(request, "analytics/error.html", {"error": exc}, status=404)
    weeks = tracking(theme, now=clock.now())
    chart = {
        "type": "bar",
        "x": [week.isoformat() for week, _ in weeks],
        "series": [
            {"name": _("new orders"), "data": [count for _, count in weeks], "drill": ["" for _ in weeks]}
        ],
    }
    center = user.is_superuser or user.role in THEME_ROLES
    own_unit = user.unit_id if user.is_unit_staff else None
    return render(
        request,
        "analytics/theme.html",
        {
            "theme": theme,
            "tasks": theme.tasks.select_related("unit"),
            "updates": theme.updates.select_related("actor", "task"),
            # through the gate: an owner unit sees only the orders it was assigned itself
            "orders": workorders_for_user(user)
            .filter(pk__in=theme.orders.values("pk"))
            .select_related("channel")
            .order_by("received_at")[:200],
            "units": theme.units.all(),
            "chart": chart,
            "center": center,
            "own_unit": own_unit,
            "all_units": Unit.objects.filter(active=True).exclude(kind=Unit.Kind.CENTER).order_by("code")
            if center
            else [],
        },
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _staff(request)
    at = clock.now()
    try:
        theme = theme_for_user(user, pk)
        form = request.POST
        if action == "task":
            unit = Unit.objects.filter(pk=form.get("unit") or 0).first()
            due = parse_date(form.get("due_on"), "due_on")
            if unit is None or due is None:
                raise ValidationFailed("Choose the unit and the due date.", code="task_incomplete")
            theme_add_task(
                theme=theme, actor=user, title=form.get("title", ""), unit=unit, due_on=due, now=at
            )
        elif action == "report":
            task = (
                ThemeTask.objects.filter(theme=theme, pk=form.get("task") or 0).first()
                if form.get("task")
                else None
            )
            theme_report(
                theme=theme,
                actor=user,
                text=form.get("text", ""),
                task=task,
                done=form.get("done") == "1",
                now=at,
            )
        elif action == "close":
            theme_close(
                theme=theme,
                actor=user,
                conclusion=form.get("conclusion", ""),
                cancel=form.get("cancel") == "1",
                now=at,
            )
        messages.success(request, _("Saved."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("analytics:theme", pk=pk)


@require_POST
@login_required
def theme_task(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "task")


@require_POST
@login_required
def theme_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "report")


@require_POST
@login_required
def theme_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "close")

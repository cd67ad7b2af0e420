"""Early warnings on screen: the list, one warning with its daily series (each day opens its orders), and
acknowledging or dismissing it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hotline.core import clock
from hotline.core.errors import ApplicationError

from .. import charts
from ..earlywarning.services import alert_handle, alert_text
from ..models import Alert, DailyStat
from .common import center_required, center_user


@center_required
def alert_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", Alert.State.OPEN)
    alerts = Alert.objects.all()
    if state in Alert.State.values:
        alerts = alerts.filter(state=state)
    return render(
        request,
        "analytics/alerts.html",
        {"alerts": alerts[:200], "state": state, "states": Alert.State.choices},
    )


@center_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    start = alert.period_end - dt.timedelta(days=7 * 8 + 6)
    if alert.district_id is not None:
        key, dimension = f"{alert.category_id}:{alert.district_id}", "cd"
    else:
        key, dimension = str(alert.category_id), "category"
    counts = dict(
        DailyStat.objects.filter(
            dimension=dimension, key=key, day__gte=start, day__lte=alert.period_end
        ).values_list("day", "received")
    )
    days = [start + dt.timedelta(days=i) for i in range((alert.period_end - start).days + 1)]
    chart = {
        "type": "bar",
        "x": [d.strftime("%m-%d") for d in days],
        "series": [
            {
                "name": pgettext("figure", "received"),
                "data": [counts.get(d, 0) for d in days],
                "drill": [charts.drill_url(dimension=dimension, key=key, start=d, end=d) for d in days],
            }
        ],
    }
    return render(
        request,
        "analytics/alert.html",
        {
            "alert": alert,
            "text": alert_text(alert),
            "chart": chart,
            "orders_url": charts.drill_url(
                dimension=dimension, key=key, start=alert.period_start, end=alert.period_end
            ),
        },
    )


@require_POST
@center_required
def alert_handle_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    try:
        alert_handle(
            alert=alert,
            actor=center_user(request),
            state=request.POST.get("state", ""),
            note=request.POST.get("note", ""),
            now=clock.now(),
        )
        messages.success(request, _("Saved."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("analytics:alert", pk=pk)

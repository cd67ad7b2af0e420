"""The leader's page (领导): orders awaiting an instruction, with the instruction form; a summary of
volumes and unit performance over a period."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import Role
from hotline.workorders import queues
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event
from hotline.workorders.queues import CenterQueue
from hotline.workorders.selectors import workorder_for_user

from .. import selectors
from ..access import roles_required, staff_user
from ..errors import error_message, error_response

LEADER_ROLES = frozenset({Role.LEADER, Role.ADMIN})
PERIODS = (7, 30, 90)
INSTRUCTION_LIST_SIZE = 50


@require_GET
@roles_required(LEADER_ROLES)
def leader(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    now = clock_now()
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    if days not in PERIODS:
        days = 30
    since = now - dt.timedelta(days=days)
    waiting = list(queues.center_queue(user, CenterQueue.INSTRUCTION)[:INSTRUCTION_LIST_SIZE])
    escalations = {event.order_id: event for event in _latest_escalations([order.pk for order in waiting])}
    return render(
        request,
        "workbench/leader.html",
        {
            "waiting": [(order, escalations.get(order.pk)) for order in waiting],
            "volumes": selectors.volumes(user, since=since, until=now),
            "units": selectors.unit_performance(user, since=since, until=now, now=now),
            "days": days,
            "periods": PERIODS,
            "now": now,
        },
    )


def _latest_escalations(order_ids: list[int]) -> list[Event]:
    if not order_ids:
        return []
    # oldest first, so the dict built from it keeps each order's newest escalation
    return list(
        Event.objects.filter(order_id__in=order_ids, action=Action.ESCALATE)
        .select_related("actor")
        .order_by("order_id", "seq")
    )


@require_POST
@roles_required(LEADER_ROLES)
def instruct(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    back = reverse("workbench:leader")
    text = (request.POST.get("instruction") or "").strip()[:4000]
    try:
        order = workorder_for_user(user, number)
        version = int(request.POST.get("version") or 0) or None
        wo.workorder_instruct(order=order, actor=user, instruction=text, now=clock_now(), version=version)
    except ValueError:
        messages.error(request, _("The form was incomplete; reload the page."))
        return HttpResponseRedirect(back)
    except NotFound as exc:
        return error_response(request, exc)
    except ApplicationError as exc:
        messages.error(request, f"{number}: {error_message(exc)}")
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("Instruction on %(number)s recorded; the order goes back to dispatch.") % {"number": number},
    )
    return HttpResponseRedirect(back)

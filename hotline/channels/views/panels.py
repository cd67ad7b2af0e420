"""Fragments other pages load with htmx: the incoming call on the agent console (polled; its first answer
for a call carries ``HX-Trigger: hotline:incoming-call``), the merged hotline's default unit on the
dispatch form, and the channel record on the order page."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotline.core.clock import now
from hotline.core.errors import NotFound
from hotline.directory.models import User
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import caller_history, workorder_for_user

from ..selectors import order_channel_record
from ..services.calls import call_for_console, call_mark_pushed
from ..services.intake import hotline_for


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def panel_call(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    at = now()
    call = call_for_console(user, now=at) if user.is_center_staff or user.is_superuser else None
    history = caller_history(phone=call.caller, now=at) if call is not None else None
    response = render(request, "channels/panel_call.html", {"call": call, "history": history})
    if call is not None and call_mark_pushed(call, now=at):
        detail = {"phone": call.caller, "call_id": call.call_id, "hotline_number": call.dialled}
        response["HX-Trigger"] = json.dumps({"hotline:incoming-call": detail}, ensure_ascii=False)
    return response


def _order(request: HttpRequest) -> WorkOrder | None:
    number = request.GET.get("order", "")
    if not number:
        return None
    try:
        return workorder_for_user(_user(request), number)
    except NotFound:
        return None


@login_required
def panel_hotline(request: HttpRequest) -> HttpResponse:
    order = _order(request)
    hotline = hotline_for(getattr(order, "hotline_number", "")) if order is not None else None
    return render(request, "channels/panel_hotline.html", {"order": order, "hotline": hotline})


@login_required
def panel_order(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    order = _order(request)
    record = order_channel_record(order) if order is not None else None
    return render(
        request,
        "channels/panel_order.html",
        {"order": order, "record": record, "center": user.is_superuser or user.is_center_staff},
    )

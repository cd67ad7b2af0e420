"""The panels of smart dispatch: htmx fragments loaded into the agent console (slot ``intake``) and the
dispatch form (slot ``dispatch``). Each checks the user's role and reads orders through the permission
gate; they only read, so they never change an order."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotline.core.clock import now
from hotline.core.errors import NotFound
from hotline.directory.models import CENTER_ROLES, Division, User
from hotline.taxonomy.models import Category
from hotline.workorders.lifecycle import OPEN_STATUSES
from hotline.workorders.selectors import workorder_for_user, workorders_for_user

from .risk import caller_flags
from .selectors import similar_open_orders
from .suggest import suggest

MAX_TEXT = 5000  # what a panel reads of the typed text


def _center_user(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and user.is_active and (user.is_superuser or user.role in CENTER_ROLES):
        return user
    return None


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "routing/panel_forbidden.html", status=403)


def _text(request: HttpRequest, name: str) -> str:
    return (request.GET.get(name) or "").strip()[:MAX_TEXT]


def _pk(model: type[Category] | type[Division], value: str) -> Any:
    if not value.isdigit():
        return None
    return model.objects.filter(pk=int(value)).first()


def _fill(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


@login_required
@require_GET
def panel_suggest(request: HttpRequest) -> HttpResponse:
    """Suggested category, place and top-3 units with reasons; risk flags and the transfer prompt."""
    user = _center_user(request)
    if user is None:
        return _forbidden(request)
    title, content = _text(request, "title"), _text(request, "content")
    location_text = _text(request, "location_text")
    category = _pk(Category, _text(request, "category"))
    division = _pk(Division, _text(request, "division"))
    if not (title or content):
        return render(request, "routing/panel_suggest.html", {"empty": True})
    result = suggest(
        title=title, content=content, location_text=location_text, category=category, division=division
    )
    categories = [
        {
            "guess": guess,
            "percent": round(guess.confidence * 100),
            "fill": _fill({"category": str(guess.category_id)}) if guess.category_id else "",
            "chosen": category is not None and guess.category_id == category.pk,
        }
        for guess in result.categories
    ]
    units = [{"unit": unit, "percent": round(unit.score * 100)} for unit in result.units]
    location = result.location
    return render(
        request,
        "routing/panel_suggest.html",
        {
            "risk": result.risk,
            "categories": categories,
            "units": units,
            "location": location,
            "location_fill": _fill({"division": str(location.division_id)}) if location else "",
            "division_chosen": division is not None,
        },
    )


@login_required
@require_GET
def panel_similar(request: HttpRequest) -> HttpResponse:
    """Similar open orders, each offered as the master to merge the new order into (并单)."""
    user = _center_user(request)
    if user is None:
        return _forbidden(request)
    title, content = _text(request, "title"), _text(request, "content")
    division = _text(request, "division")
    found = similar_open_orders(
        user,
        title=title,
        content=content,
        location_text=_text(request, "location_text"),
        division_id=int(division) if division.isdigit() else None,
        exclude_number=_text(request, "order"),
    )
    rows = [
        {
            "item": item,
            "percent": round(item.score * 100),
            "fill": _fill({"merge_into": item.order.number}),
        }
        for item in found
    ]
    return render(request, "routing/panel_similar.html", {"rows": rows, "typed": bool(title or content)})


@login_required
@require_GET
def panel_caller(request: HttpRequest) -> HttpResponse:
    """The caller's repeat count and repeat/harassment flags (from ``caller_phone``)."""
    user = _center_user(request)
    if user is None:
        return _forbidden(request)
    phone = _text(request, "caller_phone")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return render(request, "routing/panel_caller.html", {"empty": True})
    at = now()
    flags = caller_flags(
        phone=phone,
        now=at,
        title=_text(request, "title"),
        content=_text(request, "content"),
        location_text=_text(request, "location_text"),
    )
    recent = list(
        workorders_for_user(user)
        .filter(caller_phone=phone)
        .select_related("category")
        .order_by("-received_at")[:5]
    )
    return render(
        request,
        "routing/panel_caller.html",
        {
            "flags": flags,
            "recent": recent,
            "open_statuses": OPEN_STATUSES,
            "repeat_numbers": flags.repeat_orders,
        },
    )


@login_required
@require_GET
def panel_dispatch(request: HttpRequest) -> HttpResponse:
    """Top-3 units for an order on the dispatch form (``?order=<number>``), each filling lead and
    assisting units."""
    user = _center_user(request)
    if user is None:
        return _forbidden(request)
    try:
        order = workorder_for_user(user, _text(request, "order"))
    except NotFound:
        return render(request, "routing/panel_dispatch.html", {"missing": True}, status=404)
    result = suggest(
        title=order.title,
        content=order.content,
        location_text=order.location_text,
        category=order.category,
        division=order.division,
    )
    units = [
        {
            "unit": unit,
            "percent": round(unit.score * 100),
            "fill": _fill({"lead": str(unit.unit_id), "assists": [str(a) for a in unit.assist_ids]}),
            "assists": list(zip(unit.assist_ids, unit.assist_names, strict=True)),
        }
        for unit in result.units
    ]
    return render(
        request,
        "routing/panel_dispatch.html",
        {"order": order, "units": units, "risk": result.risk, "categories": result.categories},
    )

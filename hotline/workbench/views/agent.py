"""The agent console (话务员工作台): intake while on the phone, the caller's history (来电弹屏), a plain
search of earlier orders, the panels of other apps, and the finish: dispatch, direct answer, reject, or
an emergency transfer."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import Role, User
from hotline.taxonomy.models import RejectionReason
from hotline.taxonomy.reference import EMERGENCY_SERVICES
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import OPEN_STATUSES
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import OrderFilter, caller_history, workorder_for_user, workorder_search

from ..access import roles_required, staff_user
from ..errors import error_message, error_response
from ..forms import IntakeForm, SearchForm, clean_phone

AGENT_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.ADMIN})
EMERGENCY_LABELS = {
    "110": gettext_lazy("110 police"),
    "119": gettext_lazy("119 fire and rescue"),
    "120": gettext_lazy("120 medical emergency"),
    "122": gettext_lazy("122 traffic accident"),
}
HISTORY_MIN_DIGITS = 5
# What the intake panels receive as query parameters (hotline.core.panels documents the first six).
PANEL_FIELDS = (
    "title",
    "content",
    "caller_phone",
    "category",
    "division",
    "location_text",
    "request_type",
    "urgency",
    "channel",
    "confidential",
    "anonymous",
    "call_id",
    "hotline_number",
    "merge_into",
)


@require_http_methods(["GET", "POST"])
@roles_required(AGENT_ROLES)
def console(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            try:
                order = _finish(user, form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, error_message(exc))
                return _render_console(request, form, status=exc.status)
            return HttpResponseRedirect(reverse("workbench:agent_done", args=[order.number]))
        return _render_console(request, form, status=400)
    initial = {"channel": "phone", "caller_phone": request.GET.get("phone", "")}
    return _render_console(request, IntakeForm(initial=initial))


def _render_console(request: HttpRequest, form: IntakeForm, *, status: int = 200) -> HttpResponse:
    reasons = list(RejectionReason.objects.filter(active=True).order_by("sort", "code"))
    return render(
        request,
        "workbench/agent.html",
        {
            "form": form,
            "scope_reasons": [r for r in reasons if not r.transfer],
            "panel_fields": ", ".join(f"#intake-form [name={name}]" for name in PANEL_FIELDS),
            "emergency_services": [
                (code, EMERGENCY_LABELS.get(code, label)) for code, label in EMERGENCY_SERVICES
            ],
        },
        status=status,
    )


def _finish(user: User, data: dict[str, Any]) -> WorkOrder:
    """Intake and the chosen finish in one transaction: a refused finish leaves no half-made order."""
    now = clock_now()
    finish = data["finish"]
    title = (data.get("title") or "").strip()
    content = (data.get("content") or "").strip()
    if finish == "transfer":
        service = str(EMERGENCY_LABELS.get(data["transfer_to"], data["transfer_to"]))
        title = title or _("Emergency call transferred to %(service)s") % {"service": service}
        content = content or title
    master = None
    if data.get("merge_into") and finish == "dispatch":
        master = workorder_for_user(user, data["merge_into"].strip())
    with transaction.atomic():
        order = wo.workorder_intake(
            actor=user,
            channel=data["channel"],
            request_type=data["request_type"],
            title=title,
            content=content,
            caller=wo.Caller(
                name=data.get("caller_name", ""),
                phone=data.get("caller_phone", ""),
                company=data.get("caller_company", ""),
                confidential=bool(data.get("confidential")),
                anonymous=bool(data.get("anonymous")),
            ),
            category=data.get("category"),
            division=data.get("division"),
            location_text=data.get("location_text", ""),
            urgency=data["urgency"],
            publish_consent=bool(data.get("publish_consent")),
            hotline_number=data.get("hotline_number") or "12345",
            accept=True,
            now=now,
            intake_data={"call_id": data["call_id"]} if data.get("call_id") else None,
        )
        if finish == "answer":
            order = wo.workorder_answer(
                order=order,
                actor=user,
                answer=data["answer"],
                knowledge_ref=data.get("knowledge_ref", ""),
                now=now,
            )
        elif finish == "reject":
            order = wo.workorder_reject(
                order=order,
                actor=user,
                reason_code=data["reason"].code,
                comment=data.get("reject_comment", ""),
                now=now,
            )
        elif finish == "transfer":
            emergency = RejectionReason.objects.filter(active=True, transfer=True).order_by("sort").first()
            if emergency is None:
                raise NotFound("No emergency transfer reason is configured.", code="not_found")
            order = wo.workorder_reject(
                order=order,
                actor=user,
                reason_code=emergency.code,
                transfer_to=data["transfer_to"],
                comment=data.get("reject_comment", ""),
                now=now,
            )
        elif master is not None:
            order = wo.workorder_merge(order=order, master=master, actor=user, now=now)
    return order


@require_GET
@roles_required(AGENT_ROLES)
def done(request: HttpRequest, number: str) -> HttpResponse:
    """The finished intake: the order number, large and grouped so it can be read out."""
    user = staff_user(request)
    try:
        order = workorder_for_user(user, number)
    except NotFound as exc:
        return error_response(request, exc)
    groups = [order.number[i : i + 4] for i in range(0, len(order.number), 4)]
    return render(request, "workbench/agent_done.html", {"order": order, "number_groups": groups})


@require_GET
@roles_required(AGENT_ROLES)
def caller_history_fragment(request: HttpRequest) -> HttpResponse:
    """来电弹屏: the caller's earlier orders, repeat count in 30 days, open orders and flags."""
    try:
        phone = clean_phone(request.GET.get("caller_phone", ""))
    except Exception:
        phone = ""
    if len(phone) < HISTORY_MIN_DIGITS:
        return render(request, "workbench/fragments/caller_history.html", {"phone": phone, "history": None})
    history = caller_history(phone=phone, now=clock_now())
    orders: list[WorkOrder] = history["orders"]  # type: ignore[assignment]
    harassment = RejectionReason.objects.filter(code="harassment").values_list("pk", flat=True).first()
    flags = {
        "confidential": history["confidential"],
        "harassment": harassment is not None and any(o.rejection_reason_id == harassment for o in orders),
        "repeat": int(history["recent_count"]) >= 3,  # type: ignore[call-overload]
    }
    return render(
        request,
        "workbench/fragments/caller_history.html",
        {
            "phone": phone,
            "history": history,
            "orders": orders,
            "flags": flags,
            "open_statuses": OPEN_STATUSES,
        },
    )


@require_GET
@roles_required(AGENT_ROLES)
def search_fragment(request: HttpRequest) -> HttpResponse:
    """A plain text search of earlier orders (number, phone or words), for duplicates and context."""
    user = staff_user(request)
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    orders: list[WorkOrder] = []
    if len(q) >= 2:
        orders = list(workorder_search(user, OrderFilter(q=q))[:10])
    return render(
        request,
        "workbench/fragments/order_search.html",
        {"q": q, "orders": orders, "open_statuses": OPEN_STATUSES},
    )

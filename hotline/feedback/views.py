"""The callback pages: the agents' phone callback queue (``feedback:callback_queue``) with the result
forms, and the exemptions (``feedback:exemptions``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import localtime
from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import Role
from hotline.supervision.access import roles_required, staff_user
from hotline.supervision.errors import error_text
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import workorder_for_user

from . import conf, selectors, services
from .forms import CloseForm, ExemptionForm, PhoneResultForm
from .models import CallbackExemption

PAGE_SIZE = 30
CALLBACK_STAFF = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
EXEMPTION_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _month_start(now: dt.datetime) -> dt.datetime:
    local = localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@require_GET
@roles_required(CALLBACK_STAFF)
def callback_queue(request: HttpRequest) -> HttpResponse:
    """Orders waiting for a phone callback, oldest first, each with the result form; satisfaction per
    unit this month underneath."""
    user = staff_user(request)
    now = clock_now()
    page = Paginator(selectors.callback_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for order in page.object_list:
        surveys = getattr(order, "survey_list", [])
        current = next((s for s in surveys if s.round == order.reopen_count + 1), None)
        initial = {"version": order.version}
        if current is not None and current.partial_satisfaction:
            initial["satisfaction"] = current.partial_satisfaction
        if current is not None and current.partial_solved is not None:
            initial["solved"] = "yes" if current.partial_solved else "no"
        lead = next((a for a in order.assignments.all() if a.role == "lead" and a.state == "done"), None)
        rows.append(
            {
                "order": order,
                "survey": current,
                "lead": lead,
                "form": PhoneResultForm(initial=initial, auto_id=f"cb-{order.pk}-%s"),
                "may_close": current is not None and current.attempts >= conf.max_call_attempts(),
            }
        )
    since = _month_start(now)
    return render(
        request,
        "feedback/callback_queue.html",
        {
            "page": page,
            "rows": rows,
            "waiting_sms": selectors.awaiting_sms_count(user),
            "by_unit": selectors.unit_satisfaction(since=since, until=now)[:20],
            "since": since,
            "now": now,
            "max_attempts": conf.max_call_attempts(),
        },
    )


def _order(request: HttpRequest, number: str) -> WorkOrder:
    return workorder_for_user(staff_user(request), number)


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("feedback:callback_queue"))


@require_POST
@roles_required(CALLBACK_STAFF)
def record(request: HttpRequest, number: str) -> HttpResponse:
    form = PhoneResultForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("%(number)s: choose the satisfaction and whether it was solved.") % {"number": number}
        )
        return _back()
    try:
        survey = services.survey_record_phone(
            order=_order(request, number),
            actor=staff_user(request),
            satisfaction=form.cleaned_data["satisfaction"],
            solved=form.cleaned_data["solved"] == "yes",
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
            now=clock_now(),
        )
    except ApplicationError as exc:
        messages.error(request, f"{number}: {error_text(exc)}")
        return _back()
    if survey.reopened:
        messages.warning(
            request,
            _("%(number)s: recorded; dissatisfied and unsolved, so it was reopened.") % {"number": number},
        )
    else:
        messages.success(
            request, _("%(number)s: callback recorded and the order closed.") % {"number": number}
        )
    return _back()


@require_POST
@roles_required(CALLBACK_STAFF)
def no_answer(request: HttpRequest, number: str) -> HttpResponse:
    try:
        survey = services.survey_call_failed(
            order=_order(request, number), actor=staff_user(request), now=clock_now()
        )
    except ApplicationError as exc:
        messages.error(request, f"{number}: {error_text(exc)}")
        return _back()
    messages.info(
        request, _("%(number)s: call attempt %(n)s recorded.") % {"number": number, "n": survey.attempts}
    )
    return _back()


@require_POST
@roles_required(CALLBACK_STAFF)
def close_unreachable(request: HttpRequest, number: str) -> HttpResponse:
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.survey_close_unreachable(
            order=_order(request, number),
            actor=staff_user(request),
            now=clock_now(),
            comment=form.cleaned_data.get("comment", ""),
            version=form.cleaned_data.get("version"),
        )
    except ApplicationError as exc:
        messages.error(request, f"{number}: {error_text(exc)}")
        return _back()
    messages.success(request, _("%(number)s: closed without a callback.") % {"number": number})
    return _back()


@require_GET
@roles_required(EXEMPTION_EDITORS)
def exemptions(request: HttpRequest) -> HttpResponse:
    return _exemptions_page(request, ExemptionForm(auto_id="ex-%s"))


def _exemptions_page(
    request: HttpRequest, form: ExemptionForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    rows = CallbackExemption.objects.select_related("updated_by").order_by("code")
    return render(
        request, "feedback/exemptions.html", {"rows": rows, "form": form, "error": error}, status=status
    )


@require_POST
@roles_required(EXEMPTION_EDITORS)
def exemption_add(request: HttpRequest) -> HttpResponse:
    form = ExemptionForm(request.POST, auto_id="ex-%s")
    if not form.is_valid():
        return _exemptions_page(request, form, status=400)
    try:
        services.exemption_create(actor=staff_user(request), now=clock_now(), **form.cleaned_data)
    except ApplicationError as exc:
        return _exemptions_page(request, form, error=error_text(exc), status=exc.status)
    messages.success(request, _("Exemption added."))
    return HttpResponseRedirect(reverse("feedback:exemptions"))


@require_POST
@roles_required(EXEMPTION_EDITORS)
def exemption_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = CallbackExemption.objects.filter(pk=pk).first()
    try:
        if exemption is None:
            raise NotFound("No such exemption.", code="exemption_not_found")
        services.exemption_update(
            exemption=exemption,
            actor=staff_user(request),
            now=clock_now(),
            active=request.POST.get("active") == "1",
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Exemption saved."))
    return HttpResponseRedirect(reverse("feedback:exemptions"))

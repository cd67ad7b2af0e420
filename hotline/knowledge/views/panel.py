"""The agent console's panel (slot ``intake``): answers for what the agent types, each ready to fill
the direct-answer form, and a form to report an entry as wrong."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import localtime, now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import Division
from hotline.workorders.selectors import workorder_for_user, workorders_for_user

from .. import selectors
from .. import services as kb
from ..forms import ReportForm
from ..models import EntryUse
from .access import error_text, staff_required, staff_user

PANEL_RESULTS = 5
CONTENT_CHARS = 120  # the start of the content says what the call is about; the rest adds noise


def _query(request: HttpRequest) -> str:
    title = request.GET.get("title", "").strip()
    content = request.GET.get("content", "").strip()[:CONTENT_CHARS]
    return " ".join(part for part in (title, content) if part)[:400]


@staff_required
@require_GET
def answers(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    division = None
    division_id = request.GET.get("division", "")
    if division_id.isdigit():
        division = Division.objects.filter(pk=int(division_id)).first()
    outcome = None
    if query:
        outcome = selectors.search_entries(
            query,
            today=localtime(now()).date(),
            filters=selectors.SearchFilters(division=division),
            limit=PANEL_RESULTS,
        )
    return render(
        request,
        "knowledge/panel_answers.html",
        {
            "query": query,
            "outcome": outcome,
            "report_form": ReportForm(),
            "order_number": request.GET.get("order", ""),
        },
    )


@staff_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    entry = selectors.entry_for_user(user, pk)
    form = ReportForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Say what is wrong with the entry.")
    else:
        number = form.cleaned_data.get("order") or ""
        order = workorders_for_user(user).filter(number=number).first() if number else None
        try:
            kb.entry_report(
                entry=entry,
                actor=user,
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data.get("comment") or "",
                order=order,
                now=now(),
            )
        except ApplicationError as exc:
            error = error_text(exc)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "knowledge/partials/reported.html",
            {"entry": entry, "error": error, "report_form": form if error else None},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you: the entry's owners and the editors have been told."))
    return redirect("knowledge:entry", pk=entry.pk)


@staff_required
@require_GET
def order_entries(request: HttpRequest) -> HttpResponse:
    """The order page's panel (slot ``order``): the entries this order was answered from."""
    user = staff_user(request)
    try:
        order = workorder_for_user(user, request.GET.get("order", ""))
    except NotFound:
        return render(request, "knowledge/panel_order.html", {"uses": [], "order": None})
    uses = list(EntryUse.objects.filter(order=order).select_related("entry", "version").order_by("-at"))
    return render(request, "knowledge/panel_order.html", {"uses": uses, "order": order})

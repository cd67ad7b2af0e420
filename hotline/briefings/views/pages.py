"""The briefing archive, the printable briefing, its Word document, and the typical cases."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.assessment.periods import period_of
from hotline.assessment.views.common import error_message, error_response, handles_errors, staff_user
from hotline.core.clock import localtime
from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound

from .. import access, services
from ..documents import document_context
from ..forms import CaseForm, GenerateForm
from ..models import Briefing, TypicalCase
from ..selectors import briefings_archive

PAGE_SIZE = 30
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MESSAGES = {
    "briefings_forbidden": _("You may not do this with briefings."),
    "invalid_kind": _("Unknown kind of briefing."),
    "period_in_future": _("The period has not started yet."),
    "already_generated": _("The schedule already made this briefing."),
    "headline_required": _("A typical case needs a headline."),
    "summary_required": _("A typical case needs a write-up."),
    "case_exists": _("This order is already a typical case."),
    "case_not_found": _("There is no such typical case."),
    "case_withdrawn": _("This case was already withdrawn."),
    "order_not_found": _("There is no such work order, or it is not open to you."),
}


def _message(exc: ApplicationError) -> str:
    return str(MESSAGES.get(exc.code) or error_message(exc))


@require_GET
@handles_errors
def archive(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_read(user)
    kind = request.GET.get("kind", "")
    if kind not in Briefing.Kind.values:
        kind = ""
    page = Paginator(briefings_archive(kind), PAGE_SIZE).get_page(request.GET.get("page"))
    today = localtime(clock_now()).date()
    cases = (
        TypicalCase.objects.filter(withdrawn_at__isnull=True)
        .select_related("order", "chosen_by")
        .order_by("-date", "-chosen_at")[:30]
    )
    return render(
        request,
        "briefings/archive.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Briefing.Kind.choices,
            "query": f"kind={kind}" if kind else "",
            "may_generate": access.may_generate(user),
            "generate_form": GenerateForm(initial={"kind": Briefing.Kind.WEEK, "day": today}),
            "case_form": CaseForm(initial={"date": today}),
            "cases": list(cases),
        },
    )


@require_POST
@handles_errors
def generate(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind and a day."))
        return HttpResponseRedirect(reverse("briefings:archive"))
    kind = form.cleaned_data["kind"]
    try:
        briefing = services.briefing_generate(
            kind=kind, period=period_of(kind, form.cleaned_data["day"]), actor=user, now=clock_now()
        )
    except ApplicationError as exc:
        if exc.status == 403:
            return error_response(request, exc)
        messages.error(request, _message(exc))
        return HttpResponseRedirect(reverse("briefings:archive"))
    messages.success(request, _("The briefing is generated."))
    return HttpResponseRedirect(reverse("briefings:detail", args=[briefing.pk]))


def _briefing(request: HttpRequest, pk: int) -> Briefing:
    access.require_read(staff_user(request))
    briefing = Briefing.objects.select_related("generated_by").filter(pk=pk).first()
    if briefing is None:
        raise NotFound("No such briefing.", code="not_found")
    return briefing


@require_GET
@handles_errors
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The briefing as a printable page (the print style sheet drops the navigation)."""
    briefing = _briefing(request, pk)
    context = document_context(
        briefing.content, generated_at=briefing.generated_at, generated_by=str(briefing.generated_by or "")
    )
    return render(request, "briefings/detail.html", {"briefing": briefing, "doc": context})


@require_GET
@handles_errors
def document(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = _briefing(request, pk)
    if not briefing.document:
        raise NotFound("This briefing has no Word document.", code="not_found")
    with briefing.document.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="briefing-{briefing.kind}-{briefing.period_start:%Y%m%d}.docx"'
    )
    return response


@require_POST
@handles_errors
def case_add(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the order number, a headline and a write-up."))
        return HttpResponseRedirect(reverse("briefings:archive"))
    try:
        services.typical_case_add(
            actor=user,
            number=form.cleaned_data["number"],
            headline=form.cleaned_data["headline"],
            summary=form.cleaned_data["summary"],
            date=form.cleaned_data.get("date"),
            now=clock_now(),
        )
    except ApplicationError as exc:
        if exc.status == 403:
            return error_response(request, exc)
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("The typical case is added."))
    return HttpResponseRedirect(reverse("briefings:archive"))


@require_POST
@handles_errors
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.typical_case_withdraw(case_id=pk, actor=staff_user(request), now=clock_now())
    except ApplicationError as exc:
        if exc.status in (403, 404):
            return error_response(request, exc)
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("The typical case is withdrawn."))
    return HttpResponseRedirect(reverse("briefings:archive"))

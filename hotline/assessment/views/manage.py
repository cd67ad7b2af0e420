"""Pages that change the assessment: schemes and their indicators (admins), Word templates (admins), and
publishing a period's results (supervisors, leaders, admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound

from .. import access, documents, formulas, services
from ..forms import IndicatorFormSet, SchemeCreateForm, SchemeForm, TemplateUploadForm, indicator_initial
from ..measures import MEASURES
from ..models import DocumentTemplate, Publication, Scheme
from ..periods import parse_period
from ..selectors import scheme_by_code
from ..serialization import assessment_from_dict
from .common import error_message, error_response, handles_errors, staff_user
from .scores import DOCX, XLSX, _download


@require_GET
@handles_errors
def scheme_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_overview(user)
    schemes = list(
        Scheme.objects.prefetch_related("indicators")
        .select_related("updated_by")
        .order_by("-is_default", "name")
    )
    return render(
        request,
        "assessment/schemes.html",
        {
            "schemes": schemes,
            "may_manage": access.may_manage_schemes(user),
            "create_form": SchemeCreateForm(),
        },
    )


@require_POST
@handles_errors
def scheme_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_manage(user)
    form = SchemeCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in a code and a name."))
        return HttpResponseRedirect(reverse("assessment:schemes"))
    source = form.cleaned_data.get("source") or ""
    preset, copy_of = "", None
    if source.startswith("preset:"):
        preset = source.removeprefix("preset:")
    elif source.startswith("copy:"):
        copy_of = scheme_by_code(source.removeprefix("copy:"))
    try:
        scheme = services.scheme_create(
            actor=user,
            now=clock_now(),
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            preset=preset,
            copy_of=copy_of,
        )
    except ApplicationError as exc:
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(reverse("assessment:schemes"))
    messages.success(request, _("Scheme %(name)s created.") % {"name": scheme.name})
    return HttpResponseRedirect(reverse("assessment:scheme_edit", args=[scheme.code]))


@require_http_methods(["GET", "POST"])
@handles_errors
def scheme_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    access.require_manage(user)
    scheme = scheme_by_code(code)
    error = ""
    if request.method == "POST":
        form = SchemeForm(request.POST)
        formset = IndicatorFormSet(request.POST, prefix="ind")
        if form.is_valid() and formset.is_valid():
            items = [
                f.as_input() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.scheme_update(
                    scheme=scheme,
                    actor=user,
                    now=clock_now(),
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data.get("description") or "",
                    active=form.cleaned_data["active"],
                    exempt_accepted_returns=form.cleaned_data["exempt_accepted_returns"],
                    exempt_approved_extensions=form.cleaned_data["exempt_approved_extensions"],
                    min_orders=form.cleaned_data["min_orders"],
                    indicators=items,
                    version=form.cleaned_data["version"],
                )
            except ApplicationError as exc:
                error = error_message(exc)
                indicator = exc.details.get("indicator")
                if indicator:
                    error = f"{error} ({indicator})"
            else:
                messages.success(request, _("Scheme %(name)s saved.") % {"name": scheme.name})
                return HttpResponseRedirect(reverse("assessment:scheme_edit", args=[scheme.code]))
        else:
            error = _("Some fields are not filled in correctly.")
    else:
        form = SchemeForm(
            initial={
                "name": scheme.name,
                "description": scheme.description,
                "active": scheme.active,
                "exempt_accepted_returns": scheme.exempt_accepted_returns,
                "exempt_approved_extensions": scheme.exempt_approved_extensions,
                "min_orders": scheme.min_orders,
                "version": scheme.version,
            }
        )
        formset = IndicatorFormSet(initial=indicator_initial(scheme), prefix="ind")
    return render(
        request,
        "assessment/scheme_edit.html",
        {
            "scheme": scheme,
            "form": form,
            "formset": formset,
            "error": error,
            "measures": list(MEASURES.values()),
            "functions": sorted(formulas.FUNCTIONS),
            "population": formulas.POPULATION_NAMES,
            "changes": list(scheme.changes.select_related("actor")[:10]),
        },
    )


@require_POST
@handles_errors
def scheme_default(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    try:
        scheme = services.scheme_set_default(scheme=scheme_by_code(code), actor=user, now=clock_now())
    except NotFound:
        raise
    except ApplicationError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("%(name)s is now the default scheme.") % {"name": scheme.name})
    return HttpResponseRedirect(reverse("assessment:schemes"))


# ---------------------------------------------------------------------------------------------------------
# Word templates


@require_http_methods(["GET", "POST"])
@handles_errors
def templates(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_manage(user)
    form = TemplateUploadForm()
    if request.method == "POST":
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.template_upload(
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    actor=user,
                    now=clock_now(),
                    note=form.cleaned_data.get("note") or "",
                )
            except ApplicationError as exc:
                messages.error(request, error_message(exc))
            else:
                messages.success(request, _("The template is in use."))
                return HttpResponseRedirect(reverse("assessment:templates"))
    kinds = [(kind, label, documents.active_template(kind)) for kind, label in DocumentTemplate.Kind.choices]
    return render(
        request,
        "assessment/templates.html",
        {
            "form": form,
            "kinds": kinds,
            "uploads": list(DocumentTemplate.objects.select_related("uploaded_by")[:30]),
        },
    )


@require_GET
@handles_errors
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    access.require_manage(staff_user(request))
    data = documents.template_bytes(kind)
    return _download(data, DOCX, f"template-{kind}.docx")


@require_POST
@handles_errors
def template_reset(request: HttpRequest, kind: str) -> HttpResponse:
    services.template_reset(kind=kind, actor=staff_user(request), now=clock_now())
    messages.success(request, _("The built-in template is in use again."))
    return HttpResponseRedirect(reverse("assessment:templates"))


# ---------------------------------------------------------------------------------------------------------
# Publications


@require_GET
@handles_errors
def publication_list(request: HttpRequest) -> HttpResponse:
    access.require_overview(staff_user(request))
    publications = Publication.objects.select_related("scheme", "generated_by").order_by(
        "-generated_at", "-pk"
    )
    return render(request, "assessment/publications.html", {"publications": list(publications[:100])})


@require_POST
@handles_errors
def publication_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        scheme = scheme_by_code(request.POST.get("scheme", ""))
        period = parse_period(request.POST.get("period", ""))
        publication = services.publication_create(scheme=scheme, period=period, actor=user, now=clock_now())
    except ApplicationError as exc:
        if exc.status in (403, 404):
            return error_response(request, exc)
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(reverse("assessment:overview"))
    messages.success(request, _("The results are published and the notice generated."))
    return HttpResponseRedirect(reverse("assessment:publication", args=[publication.pk]))


def _publication(request: HttpRequest, pk: int) -> Publication:
    access.require_overview(staff_user(request))
    publication = Publication.objects.select_related("scheme", "generated_by").filter(pk=pk).first()
    if publication is None:
        raise NotFound("No such publication.", code="not_found")
    return publication


@require_GET
@handles_errors
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    units = assessment_from_dict(publication.content["views"]["unit"])
    return render(
        request,
        "assessment/publication.html",
        {
            "publication": publication,
            "assessment": units,
            "rows": [
                {"row": row, "cells": [(spec, row.result(spec.code)) for spec in units.scheme.indicators]}
                for row in units.rows
            ],
        },
    )


@require_GET
@handles_errors
def publication_notice(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    if not publication.notice:
        raise NotFound("This publication has no notice.", code="not_found")
    with publication.notice.open("rb") as handle:
        data = handle.read()
    return _download(data, DOCX, f"notice-{publication.scheme.code}-{publication.period_start:%Y%m%d}.docx")


@require_GET
@handles_errors
def publication_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    from ..exports import workbook

    publication = _publication(request, pk)
    views = {view: assessment_from_dict(data) for view, data in publication.content["views"].items()}
    return _download(
        workbook(views), XLSX, f"assessment-{publication.scheme.code}-{publication.period_start:%Y%m%d}.xlsx"
    )

"""The assessment pages: the ranking with trend (overview), a unit's, district's or area's detail, its
history, the drill-down from a figure to the orders behind it, and the exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from hotline.core.clock import now as clock_now
from hotline.core.errors import Forbidden, NotFound

from .. import access, conf
from ..exports import view_title, workbook
from ..measures import MEASURES
from ..models import Publication, Scheme
from ..scoring import Row
from ..selectors import VIEWS, Assessment, assess, drill_down, group_for, history, scheme_spec
from ..services import assessments_for, notice_document
from .common import handles_errors, local_today, period_choices, period_from, scheme_from, staff_user

GROUP_KINDS = {"units": "unit", "districts": "district", "areas": "division"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def group_key(kind: str, code: str) -> str:
    if kind not in GROUP_KINDS:
        raise NotFound("No such page.", code="invalid_group")
    if kind == "areas" and code == "none":
        return "division:"
    return f"{GROUP_KINDS[kind]}:{code}"


def group_path(key: str) -> tuple[str, str]:
    """The URL kind and code of a row key (inverse of ``group_key``)."""
    prefix, _sep, code = key.partition(":")
    kind = {value: name for name, value in GROUP_KINDS.items()}[prefix]
    return kind, (code or "none")


def _query(scheme: str, period: str, **extra: str) -> str:
    return urlencode({"scheme": scheme, "period": period, **extra})


@require_GET
@handles_errors
def overview(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_overview(user)
    now = clock_now()
    scheme = scheme_from(request)
    period = period_from(request, today=local_today(now))
    view = request.GET.get("view") or "unit"
    if view not in VIEWS:
        view = "unit"
    assessment = assess(scheme, period, as_of=now, view=view)
    query = _query(scheme.code, period.key)
    return render(
        request,
        "assessment/overview.html",
        {
            "scheme": scheme,
            "schemes": list(Scheme.objects.filter(active=True).order_by("-is_default", "name")),
            "period": period,
            "periods": period_choices(local_today(now)),
            "view": view,
            "views": [(v, _view_label(v)) for v in VIEWS],
            "assessment": assessment,
            "rows": [_row_view(row, assessment, query) for row in assessment.rows],
            "total": _row_view(assessment.total, assessment, query, link=False),
            "query": query,
            "may_publish": access.may_publish(user),
            "may_manage": access.may_manage_schemes(user),
            "publications": list(
                Publication.objects.filter(scheme=scheme)
                .select_related("generated_by")
                .order_by("-generated_at")[:5]
            ),
        },
    )


def _view_label(view: str) -> str:
    return view_title(view)


def _row_view(row: Row, assessment: Assessment, query: str, *, link: bool = True) -> dict[str, Any]:
    url = ""
    if link and row.key != "all":
        kind, code = group_path(row.key)
        url = reverse("assessment:detail", args=[kind, code]) + "?" + query
    return {
        "row": row,
        "url": url,
        "cells": [(spec, row.result(spec.code)) for spec in assessment.scheme.indicators],
    }


@require_GET
@handles_errors
def detail(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    user = staff_user(request)
    key = group_key(kind, code)
    group = group_for(key)
    access.require_group(user, key, group.unit)
    now = clock_now()
    scheme = scheme_from(request)
    period = period_from(request, today=local_today(now))
    assessment = assess(scheme, period, as_of=now, view=GROUP_KINDS[kind])
    row = assessment.row(key)
    if row is None:
        raise NotFound("No figures for this unit.", code="unit_not_found")
    before = assessment.before.row(key) if assessment.before else None
    query = _query(scheme.code, period.key)
    drill = reverse("assessment:drill", args=[kind, code])
    indicators = []
    for spec in assessment.scheme.indicators:
        result = row.result(spec.code)
        indicators.append(
            {
                "spec": spec,
                "result": result,
                "measures": [
                    {
                        "code": m,
                        "label": MEASURES[m].label,
                        "count": row.counts.get(m, 0),
                        "url": f"{drill}?{_query(scheme.code, period.key, measure=m)}",
                    }
                    for m in spec.measures
                ],
            }
        )
    measures = [
        {
            "code": m.code,
            "label": m.label,
            "help": m.help,
            "count": row.counts.get(m.code, 0),
            "previous": before.counts.get(m.code, 0) if before else None,
            "url": f"{drill}?{_query(scheme.code, period.key, measure=m.code)}",
        }
        for m in MEASURES.values()
    ]
    return render(
        request,
        "assessment/detail.html",
        {
            "scheme": scheme,
            "schemes": list(Scheme.objects.filter(active=True).order_by("-is_default", "name")),
            "period": period,
            "periods": period_choices(local_today(now)),
            "assessment": assessment,
            "row": row,
            "group": group,
            "kind": kind,
            "code": code,
            "indicators": indicators,
            "measures": measures,
            "query": query,
            "population": len(assessment.ranked),
            "overview_url": reverse("assessment:overview")
            + "?"
            + _query(scheme.code, period.key, view=GROUP_KINDS[kind])
            if access.may_view_overview(user)
            else "",
            "history_url": reverse("assessment:history", args=[kind, code]) + "?" + query,
        },
    )


@require_GET
@handles_errors
def history_fragment(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The row over the last six periods (loaded by htmx; each period is a full computation)."""
    user = staff_user(request)
    key = group_key(kind, code)
    group = group_for(key)
    access.require_group(user, key, group.unit)
    now = clock_now()
    scheme = scheme_from(request)
    period = period_from(request, today=local_today(now))
    rows = history(scheme, period, key, as_of=now, count=6)
    return render(
        request,
        "assessment/_history.html",
        {"rows": rows, "spec": scheme_spec(scheme)},
    )


@require_GET
@handles_errors
def drill(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    user = staff_user(request)
    key = group_key(kind, code)
    now = clock_now()
    scheme = scheme_from(request)
    period = period_from(request, today=local_today(now))
    measure = request.GET.get("measure", "")
    rows = drill_down(user, scheme, period, key, measure, as_of=now)
    page = Paginator(rows, conf.drill_page_size()).get_page(request.GET.get("page"))
    group = group_for(key)
    return render(
        request,
        "assessment/drill.html",
        {
            "scheme": scheme,
            "period": period,
            "group": group,
            "measure": MEASURES[measure],
            "source": MEASURES[measure].source,
            "page": page,
            "query": _query(scheme.code, period.key, measure=measure),
            "back_url": reverse("assessment:detail", args=[kind, code])
            + "?"
            + _query(scheme.code, period.key),
        },
    )


@require_GET
@handles_errors
def mine(request: HttpRequest) -> HttpResponse:
    """A unit's staff go to their own unit's assessment; the center to the overview."""
    user = staff_user(request)
    if access.may_view_overview(user):
        return HttpResponseRedirect(reverse("assessment:overview"))
    if user.unit is None or not user.is_unit_staff:
        raise Forbidden("Your account belongs to no unit.", code="assessment_forbidden")
    return HttpResponseRedirect(reverse("assessment:detail", args=["units", user.unit.code]))


@require_GET
@handles_errors
def export_xlsx(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_overview(user)
    now = clock_now()
    scheme = scheme_from(request)
    period = period_from(request, today=local_today(now))
    data = workbook(assessments_for(scheme, period, as_of=now))
    return _download(data, XLSX, f"assessment-{scheme.code}-{period.key}.xlsx")


@require_GET
@handles_errors
def notice_docx(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    access.require_overview(user)
    now = clock_now()
    scheme = scheme_from(request)
    period = period_from(request, today=local_today(now))
    data = notice_document(assessments_for(scheme, period, as_of=now), generated_at=now)
    return _download(data, DOCX, f"notice-{scheme.code}-{period.key}.docx")


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

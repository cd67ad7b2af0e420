"""The citizen portal's questions and answers (常见问题): public, live entries only."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotline.core.clock import localtime, now
from hotline.core.errors import NotFound
from hotline.taxonomy.models import Category

from .. import selectors
from .. import services as kb
from ..models import EntryAttachment, SearchSource


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    today = localtime(now()).date()
    query = request.GET.get("q", "").strip()[:100]
    category = None
    category_id = request.GET.get("category", "")
    if category_id.isdigit():
        category = Category.objects.filter(pk=int(category_id), active=True).first()
    outcome = None
    entries = []
    if query:
        outcome = selectors.search_entries(
            query,
            today=today,
            filters=selectors.SearchFilters(category=category),
            public_only=True,
            limit=20,
        )
        if outcome.found_nothing:
            kb.record_gap(query=query, source=SearchSource.PUBLIC, now=now())
    else:
        entries = selectors.public_entries(today=today, category=category)
    return render(
        request,
        "knowledge/public_faq.html",
        {
            "query": query,
            "outcome": outcome,
            "entries": entries,
            "category": category,
            "categories": selectors.public_categories(today=today),
        },
    )


@require_GET
def faq_entry(request: HttpRequest, pk: int) -> HttpResponse:
    today = localtime(now()).date()
    try:
        entry = selectors.public_entry(pk, today=today)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    version = entry.published
    assert version is not None
    related = [
        r
        for r in selectors.search_entries(version.question, today=today, public_only=True, limit=6).results
        if r.entry.pk != entry.pk
    ][:5]
    return render(
        request, "knowledge/public_entry.html", {"entry": entry, "version": version, "related": related}
    )


@require_GET
def attachment(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    try:
        entry = selectors.public_entry(pk, today=localtime(now()).date())
    except NotFound as exc:
        raise Http404(exc.message) from exc
    assert entry.published is not None
    if file_id not in {a.get("id") for a in entry.published.attachments}:
        raise Http404
    found = EntryAttachment.objects.filter(entry=entry, pk=file_id).first()
    if found is None:
        raise Http404
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )

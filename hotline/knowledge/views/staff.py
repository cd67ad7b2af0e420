"""Staff pages: search, an entry with its versions, drafting and editing, the review workflow, the
review lists, use and gaps, import and export."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hotline.core.clock import localtime, now
from hotline.core.errors import ApplicationError, Conflict, ValidationFailed

from .. import policy, selectors
from .. import services as kb
from ..forms import CommentForm, EntryForm, ImportForm, SearchForm
from ..history import version_diff, version_fields
from ..models import EntryAttachment, EntryReport, SearchGap, SearchSource
from ..spreadsheets import export_queryset, export_rows, import_rows, write_xlsx
from .access import error_text, staff_required, staff_user


def _today() -> dt.date:
    return localtime(now()).date()


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = SearchForm(request.GET or None)
    query = request.GET.get("q", "").strip()
    outcome = None
    if query:
        outcome = selectors.search_entries(query, today=_today(), filters=form.filters(), limit=20)
        if outcome.found_nothing:
            kb.record_gap(query=query, source=SearchSource.STAFF, now=now())
    recent = (
        []
        if query
        else list(
            selectors.entries_for_user(user)
            .filter(selectors.live_filter(_today()))
            .select_related("published__category")
            .order_by("-published_at")[:15]
        )
    )
    return render(
        request,
        "knowledge/search.html",
        {
            "form": form,
            "query": query,
            "outcome": outcome,
            "recent": recent,
            "can_draft": policy.can_draft(user),
            "is_editor": policy.is_editor(user),
        },
    )


@staff_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = selectors.entry_for_user(user, pk)
    today = _today()
    shown = item.published if item.published is not None else item.latest
    pending = item.latest if item.latest_id != item.published_id else None
    versions = list(item.versions.select_related("author").order_by("-number"))
    events = list(item.events.select_related("actor", "version").order_by("-at", "-id")[:50])
    reports = list(item.reports.select_related("reporter", "order").order_by("-created_at")[:20])
    similar = selectors.similar_entries(shown.question, today=today, exclude=item.pk) if shown else []
    return render(
        request,
        "knowledge/entry.html",
        {
            "entry": item,
            "shown": shown,
            "pending": pending,
            "live": policy.is_live(item, today),
            "versions": versions,
            "events": events,
            "reports": reports,
            "uses": selectors.entry_uses(item),
            "similar": similar,
            "comment_form": CommentForm(),
            "may": {
                "edit": policy.can_edit(user, item),
                "submit": policy.can_submit(user, item),
                "return": policy.can_return(user, item),
                "publish": policy.can_review(user, item),
                "withdraw": policy.can_withdraw(user, item),
                "confirm": policy.can_confirm(user, item),
                "report": policy.can_report(user, item),
                "settle": policy.is_editor(user) or policy.owns(user, item),
            },
        },
    )


def _render_form(
    request: HttpRequest, form: EntryForm, entry: object | None, status: int = 200
) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "knowledge/edit.html",
        {"form": form, "entry": entry, "is_editor": policy.is_editor(user)},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not policy.can_draft(user):
        raise PermissionDenied
    if request.method == "GET":
        initial: dict[str, Any] = {
            "question": request.GET.get("question", "")[:300],
            "visibility": "internal",
        }
        if user.unit_id:
            initial["owner_units"] = [user.unit_id]
        return _render_form(request, EntryForm(initial=initial), None)
    form = EntryForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form, None, status=400)
    try:
        item = kb.entry_create(
            actor=user, data=form.to_input(), now=now(), submit=request.POST.get("then") == "submit"
        )
    except ValidationFailed as exc:
        form.add_service_error(exc)
        return _render_form(request, form, None, status=400)
    if request.POST.get("then") == "publish" and policy.is_editor(user):
        try:
            item = kb.entry_publish(entry=item, actor=user, now=now())
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
    messages.success(request, _("Entry KB%(id)s saved.") % {"id": item.pk})
    return redirect("knowledge:entry", pk=item.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = selectors.entry_for_user(user, pk)
    if not policy.can_edit(user, item):
        raise PermissionDenied
    if request.method == "GET":
        return _render_form(request, EntryForm(version=item.latest), item)
    form = EntryForm(request.POST, request.FILES, version=item.latest, initial={})
    if not form.is_valid():
        return _render_form(request, form, item, status=400)
    then = request.POST.get("then", "")
    try:
        item = kb.entry_update(
            entry=item,
            actor=user,
            data=form.to_input(),
            now=now(),
            expected_version=form.cleaned_data.get("expected_version"),
            publish=then == "publish" and policy.is_editor(user),
        )
        if then == "submit":
            item = kb.entry_submit(entry=item, actor=user, now=now())
    except ValidationFailed as exc:
        form.add_service_error(exc)
        return _render_form(request, form, item, status=400)
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _render_form(request, form, item, status=409)
    messages.success(request, _("Entry KB%(id)s saved.") % {"id": item.pk})
    return redirect("knowledge:entry", pk=item.pk)


ACTIONS = {
    "submit": lambda entry, user, at, comment: kb.entry_submit(
        entry=entry, actor=user, now=at, comment=comment
    ),
    "return": lambda entry, user, at, comment: kb.entry_return(
        entry=entry, actor=user, now=at, comment=comment
    ),
    "publish": lambda entry, user, at, comment: kb.entry_publish(
        entry=entry, actor=user, now=at, comment=comment
    ),
    "withdraw": lambda entry, user, at, comment: kb.entry_withdraw(
        entry=entry, actor=user, now=at, reason=comment
    ),
    "confirm": lambda entry, user, at, comment: kb.entry_confirm_review(
        entry=entry, actor=user, now=at, comment=comment
    ),
}
DONE = {
    "submit": _("Submitted for review."),
    "return": _("Returned to the unit."),
    "publish": _("Published."),
    "withdraw": _("Withdrawn."),
    "confirm": _("Review confirmed."),
}


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = staff_user(request)
    item = selectors.entry_for_user(user, pk)
    run = ACTIONS.get(action)
    if run is None:
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        run(item, user, now(), comment)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, str(DONE[action]))
    return redirect("knowledge:entry", pk=item.pk)


@staff_required
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = selectors.entry_for_user(staff_user(request), pk)
    shown = item.versions.select_related("category", "author").filter(number=number).first()
    if shown is None:
        raise Http404
    return render(
        request,
        "knowledge/version.html",
        {"entry": item, "version": shown, "fields": version_fields(shown)},
    )


@staff_required
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.entry_for_user(staff_user(request), pk)
    try:
        new_number = int(request.GET.get("b") or (item.latest.number if item.latest else 1))
        old_number = int(request.GET.get("a") or new_number - 1)
    except ValueError as exc:
        raise Http404 from exc
    found = {
        v.number: v
        for v in item.versions.select_related("category").filter(number__in=[old_number, new_number])
    }
    if old_number not in found or new_number not in found:
        raise Http404
    return render(
        request,
        "knowledge/diff.html",
        {
            "entry": item,
            "old": found[old_number],
            "new": found[new_number],
            "changes": version_diff(found[old_number], found[new_number]),
            "numbers": list(item.versions.order_by("number").values_list("number", flat=True)),
        },
    )


@staff_required
def attachment(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    item = selectors.entry_for_user(staff_user(request), pk)
    found = EntryAttachment.objects.filter(entry=item, pk=file_id).first()
    if found is None:
        raise Http404
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )


@staff_required
@require_POST
def settle_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    report = EntryReport.objects.select_related("entry").filter(pk=pk).first()
    if report is None:
        raise Http404
    selectors.entry_for_user(user, report.entry_id)
    try:
        kb.report_settle(
            report=report,
            actor=user,
            now=now(),
            state=request.POST.get("state", ""),
            resolution=request.POST.get("resolution", ""),
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Report settled."))
    if _safe_next(request):
        return redirect(request.POST["next"])
    return redirect("knowledge:entry", pk=report.entry_id)


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


TABS = ("submitted", "drafts", "due", "expiring", "reports")


@staff_required
def review(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    lists = selectors.review_lists(user, today=_today())
    tab = request.GET.get("tab", "")
    if tab not in TABS:
        tab = "submitted" if policy.is_editor(user) else "drafts"
    return render(
        request,
        "knowledge/review.html",
        {
            "lists": lists,
            "counts": lists.counts,
            "tab": tab,
            "tabs": TABS,
            "rows": getattr(lists, tab),
            "today": _today(),
            "is_editor": policy.is_editor(user),
        },
    )


@staff_required
def usage(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not policy.is_center(user):
        raise PermissionDenied
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    at = now()
    summary = selectors.usage_summary(since=at - dt.timedelta(days=days), today=_today())
    return render(
        request,
        "knowledge/usage.html",
        {"summary": summary, "days": days, "is_editor": policy.is_editor(user), "import_form": ImportForm()},
    )


@staff_required
@require_POST
def close_gap(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    gap = SearchGap.objects.filter(pk=pk).first()
    if gap is None:
        raise Http404
    kb.gap_close(gap=gap, actor=user, now=now())
    messages.success(request, _("Gap closed."))
    return redirect("knowledge:usage")


@staff_required
def export(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    published = request.GET.get("published") == "1"
    rows = export_rows(
        export_queryset(selectors.entries_for_user(user), published=published), published=published
    )
    response = HttpResponse(
        write_xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="knowledge-{_today().isoformat()}.xlsx"'
    return response


@staff_required
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not policy.is_editor(user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an XLSX file."))
        return redirect("knowledge:usage")
    upload = form.cleaned_data["file"]
    if not upload.name.lower().endswith(".xlsx"):
        messages.error(request, _("Only XLSX files are imported."))
        return redirect("knowledge:usage")
    from hotline.core.tables import read_table

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "import.xlsx"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            result = import_rows(
                read_table(path), actor=user, now=now(), publish=form.cleaned_data["publish"]
            )
        except ValidationFailed as exc:
            errors = exc.details.get("errors", []) if isinstance(exc.details, dict) else []
            messages.error(request, " ".join([exc.message, *[str(e) for e in errors[:10]]]))
            return redirect("knowledge:usage")
    messages.success(
        request,
        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
    )
    return redirect("knowledge:review")

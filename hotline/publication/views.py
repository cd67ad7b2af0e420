"""Publication's pages: the public list and detail of published cases (portal), and the center's pages to
select answered orders, review and edit the anonymised text, publish and withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.core import clock
from hotline.core.errors import ApplicationError
from hotline.directory.models import User
from hotline.taxonomy.models import Category
from hotline.workorders.selectors import workorder_for_user

from . import selectors
from .models import PublishedCase
from .redaction import remaining
from .services import PUBLICATION_ROLES, case_edit, case_publish, case_select, case_withdraw


def public_list(request: HttpRequest) -> HttpResponse:
    """分类选登: published cases by category, searchable."""
    category = request.GET.get("category", "")
    category_id = int(category) if category.isdigit() else None
    cases = selectors.public_cases(q=request.GET.get("q", ""), category_id=category_id)
    page = Paginator(
        cases.only("pk", "title", "category_name", "answered_by", "published_at", "answered_on"), 20
    )
    used = selectors.public_cases().exclude(category=None).values_list("category__path", flat=True).distinct()
    roots = {path[: Category.steplen] for path in used}
    return render(
        request,
        "publication/public_list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "categories": Category.objects.filter(depth=1, path__in=roots).order_by("code"),
            "category_id": category_id,
            "q": request.GET.get("q", ""),
        },
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.public_case(pk)
    if case is None:
        raise Http404
    return render(request, "publication/public_detail.html", {"case": case})


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.is_active or not (user.is_superuser or user.role in PUBLICATION_ROLES):
        raise PermissionDenied
    return user


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    state = request.GET.get("state", PublishedCase.State.DRAFT)
    q = request.GET.get("q", "")
    return render(
        request,
        "publication/manage.html",
        {
            "cases": selectors.cases_for_staff(state=state)[:100],
            "state": state,
            "states": PublishedCase.State.choices,
            "candidates": selectors.candidates(user, q=q)[:30],
            "q": q,
        },
    )


@require_POST
@login_required
def select(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    try:
        order = workorder_for_user(user, request.POST.get("order", ""))
        case = case_select(order=order, actor=user, now=clock.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("publication:manage")
    messages.success(request, _("Selected. Check the anonymised text before publishing."))
    return redirect("publication:case", pk=case.pk)


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    item = get_object_or_404(PublishedCase.objects.select_related("order"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("save", "publish") and item.state != PublishedCase.State.WITHDRAWN:
                item = case_edit(
                    case=item,
                    actor=user,
                    title=request.POST.get("title", ""),
                    question=request.POST.get("question", ""),
                    answer=request.POST.get("answer", ""),
                    now=clock.now(),
                )
            if action == "publish":
                case_publish(
                    case=item, actor=user, now=clock.now(), confirm=request.POST.get("confirm") == "1"
                )
                messages.success(request, _("Published."))
            elif action == "withdraw":
                case_withdraw(case=item, actor=user, reason=request.POST.get("reason", ""), now=clock.now())
                messages.success(request, _("Withdrawn."))
            else:
                messages.success(request, _("Saved."))
        except ApplicationError as exc:
            detail = ", ".join(exc.details.get("kinds", {})) if exc.details else ""
            messages.error(request, f"{exc.message} {detail}".strip())
        return redirect("publication:case", pk=pk)
    names = [item.order.caller_name, item.order.caller_company]
    return render(
        request,
        "publication/case.html",
        {
            "case": item,
            "left": dict(remaining(f"{item.title}\n{item.question}\n{item.answer}", names=names)),
            "log": item.log.select_related("actor"),
        },
    )

"""Reads of publication: the public cases, the candidates the center may select, the cases in review."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from hotline.directory.models import User
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Assignment, WorkOrder
from hotline.workorders.selectors import workorders_for_user

from .models import PublishedCase


def public_cases(*, q: str = "", category_id: int | None = None) -> QuerySet[PublishedCase]:
    """Published cases whose caller still consents, newest first. ``category_id`` includes sub-categories."""
    cases = PublishedCase.objects.filter(
        state=PublishedCase.State.PUBLISHED, order__publish_consent=True, order__confidential=False
    )
    if category_id is not None:
        from hotline.taxonomy.models import Category

        category = Category.objects.filter(pk=category_id).first()
        cases = cases.filter(category__path__startswith=category.path) if category else cases.none()
    text = q.strip()
    if text:
        cases = cases.filter(
            Q(title__icontains=text) | Q(question__icontains=text) | Q(answer__icontains=text)
        )
    return cases.order_by("-published_at", "-pk")


def public_case(pk: int) -> PublishedCase | None:
    return public_cases().filter(pk=pk).first()


def candidates(user: User, *, q: str = "") -> QuerySet[WorkOrder]:
    """Answered orders the caller lets be published, not confidential, not yet a case — through the gate."""
    replied = Exists(
        Assignment.objects.filter(
            order=OuterRef("pk"), role=Assignment.Role.LEAD, state=Assignment.State.DONE
        )
    )
    orders = (
        workorders_for_user(user)
        .filter(status=Status.CLOSED, publish_consent=True, confidential=False)
        .filter(~Q(answer="") | replied)
        .exclude(publication__isnull=False)
        .select_related("channel", "category")
    )
    text = q.strip()
    if text:
        orders = orders.filter(Q(number=text) | Q(title__icontains=text) | Q(content__icontains=text))
    return orders.order_by("-closed_at", "-pk")


def cases_for_staff(*, state: str = "") -> QuerySet[PublishedCase]:
    cases = PublishedCase.objects.select_related("order", "selected_by", "published_by")
    if state in PublishedCase.State.values:
        cases = cases.filter(state=state)
    return cases.order_by("-selected_at", "-pk")

"""Writes of the briefings: generating one (on schedule or on demand) into the archive, and choosing or
withdrawing typical cases."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from hotline.assessment import documents as docs
from hotline.assessment.models import DocumentTemplate
from hotline.assessment.periods import Period
from hotline.core.clock import localtime
from hotline.core.errors import Conflict, NotFound, ValidationFailed
from hotline.directory.models import User
from hotline.workorders.selectors import workorder_for_user

from . import access
from .documents import document_context
from .models import Briefing, TypicalCase
from .selectors import briefing_content


def briefing_generate(
    *,
    kind: str,
    period: Period,
    actor: User | None,
    now: dt.datetime,
    trigger: str = Briefing.Trigger.MANUAL,
) -> Briefing:
    """Compute the briefing of ``period``, render its Word document and keep both in the archive. A
    briefing on demand may cover a period still running ("figures so far"). ``actor`` is None for the
    schedule, which makes exactly one briefing per kind and period."""
    if kind not in Briefing.Kind.values:
        raise ValidationFailed(
            f"Unknown briefing kind {kind!r}.",
            code="invalid_kind",
            details={"allowed": list(Briefing.Kind.values)},
        )
    if period.kind != kind:
        raise ValidationFailed("The period does not match the kind of briefing.", code="invalid_period")
    if actor is not None:
        access.require_generate(actor)
    elif trigger != Briefing.Trigger.SCHEDULE:
        raise ValidationFailed("A briefing on demand needs a person.", code="actor_required")
    if period.start_at() >= now:
        raise ValidationFailed("The period has not started yet.", code="period_in_future")
    content = briefing_content(kind, period, now=now)
    context = document_context(content, generated_at=now, generated_by=str(actor) if actor else "")
    data = docs.render(DocumentTemplate.Kind.BRIEFING, context)
    try:
        with transaction.atomic():
            briefing = Briefing(
                kind=kind,
                period_start=period.start,
                period_end=period.end,
                title=content["title"],
                issue=content["issue"],
                content=content,
                trigger=trigger,
                generated_by=actor,
                generated_at=now,
            )
            briefing.document.save(f"{kind}-{period.key}.docx", ContentFile(data), save=False)
            briefing.save()
    except IntegrityError as exc:
        raise Conflict("The schedule already made this briefing.", code="already_generated") from exc
    return briefing


def typical_case_add(
    *,
    actor: User,
    number: str,
    headline: str,
    summary: str,
    now: dt.datetime,
    date: dt.date | None = None,
) -> TypicalCase:
    """Choose an order as a typical case for the briefings covering ``date`` (today by default). The
    write-up is the staff's own; personal data in it is masked when the briefing is made."""
    access.require_cases(actor)
    order = workorder_for_user(actor, (number or "").strip())
    headline, summary = (headline or "").strip(), (summary or "").strip()
    if not headline:
        raise ValidationFailed("A typical case needs a headline.", code="headline_required")
    if not summary:
        raise ValidationFailed("A typical case needs a write-up.", code="summary_required")
    if TypicalCase.objects.filter(order=order, withdrawn_at__isnull=True).exists():
        raise Conflict("This order is already a typical case.", code="case_exists")
    return TypicalCase.objects.create(
        order=order,
        headline=headline[:100],
        summary=summary[:4000],
        date=date or localtime(now).date(),
        chosen_by=actor,
        chosen_at=now,
    )


def typical_case_withdraw(*, case_id: int, actor: User, now: dt.datetime) -> TypicalCase:
    access.require_cases(actor)
    with transaction.atomic():
        case = TypicalCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound("No such typical case.", code="case_not_found")
        if case.withdrawn_at is not None:
            raise Conflict("This case was already withdrawn.", code="case_withdrawn")
        case.withdrawn_at, case.withdrawn_by = now, actor
        case.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return case

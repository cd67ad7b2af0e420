"""Writes of publication: select an answered order as a case (its text anonymised automatically), edit it
in review, publish it, withdraw it. Each step is one transaction and one ``CaseLog`` row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from hotline.core.clock import localtime
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.directory.models import Role, User
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Assignment, WorkOrder

from .models import CaseLog, PublishedCase
from .redaction import redact, remaining

# Who selects and publishes cases: the center's dispatchers, supervisors, leaders and admins.
PUBLICATION_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


def _check(actor: User) -> None:
    if not (actor.is_superuser or actor.role in PUBLICATION_ROLES):
        raise Forbidden("Your role may not publish cases.", code="action_not_permitted")


def answer_of(order: WorkOrder) -> tuple[str, str, dt.datetime | None]:
    """What the caller was answered, who answered, and when: the direct answer, or the lead unit's reply."""
    if order.answer:
        return order.answer, "", order.closed_at
    lead = (
        Assignment.objects.filter(order=order, role=Assignment.Role.LEAD, state=Assignment.State.DONE)
        .select_related("unit")
        .order_by("-round", "-done_at")
        .first()
    )
    if lead is None or not lead.result:
        return "", "", None
    return lead.result, lead.unit.name, lead.done_at


def why_not_publishable(order: WorkOrder) -> str:
    """The code of the reason ``order`` cannot be published, or "" when it can."""
    if not order.publish_consent:
        return "no_consent"  # the caller asked not to be published
    if order.confidential:
        return "confidential"  # 保密: even without the name, the matter may identify the caller
    if order.status != Status.CLOSED:
        return "not_answered"
    return ""


def _names(order: WorkOrder) -> list[str]:
    return [order.caller_name, order.caller_company]


def case_select(*, order: WorkOrder, actor: User, now: dt.datetime) -> PublishedCase:
    """Select an answered order for publication: a draft case with the title, request and answer
    anonymised, for a reviewer to check and edit."""
    _check(actor)
    reason = why_not_publishable(order)
    if reason:
        messages = {
            "no_consent": "The caller asked not to be published.",
            "confidential": "A confidential order is not published.",
            "not_answered": "Only an answered, closed order is published.",
        }
        raise Conflict(messages[reason], code=reason)
    text, unit_name, answered_at = answer_of(order)
    if not text:
        raise Conflict("The order has no answer to publish.", code="not_answered")
    names = _names(order)
    title, question, answer = (redact(part, names=names) for part in (order.title, order.content, text))
    found = title.found + question.found + answer.found
    with transaction.atomic():
        if PublishedCase.objects.select_for_update().filter(order=order).exists():
            raise Conflict("This order is already a case.", code="already_selected")
        case = PublishedCase.objects.create(
            order=order,
            title=title.text[:200],
            question=question.text,
            answer=answer.text,
            category=order.category,
            category_name=order.category.name if order.category else "",
            request_type=order.request_type,
            answered_by=unit_name,
            received_on=localtime(order.received_at).date(),
            answered_on=localtime(answered_at or now).date(),
            redactions=dict(found),
            selected_by=actor,
            selected_at=now,
        )
        CaseLog.objects.create(case=case, action=CaseLog.Action.SELECT, actor=actor, at=now)
    return case


def case_edit(
    *,
    case: PublishedCase,
    actor: User,
    title: str,
    question: str,
    answer: str,
    now: dt.datetime,
    comment: str = "",
) -> PublishedCase:
    """The reviewer's edit of a draft or published case."""
    _check(actor)
    title, question, answer = (title or "").strip(), (question or "").strip(), (answer or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed("A title of 1 to 200 characters is required.", code="invalid_title")
    if not question or not answer:
        raise ValidationFailed("The request and the answer cannot be empty.", code="text_required")
    with transaction.atomic():
        locked = PublishedCase.objects.select_for_update().get(pk=case.pk)
        if locked.state == PublishedCase.State.WITHDRAWN:
            raise Conflict("A withdrawn case is not edited.", code="case_withdrawn")
        locked.title, locked.question, locked.answer = title, question, answer
        locked.save(update_fields=["title", "question", "answer"])
        CaseLog.objects.create(case=locked, action=CaseLog.Action.EDIT, actor=actor, at=now, comment=comment)
    return locked


def case_publish(
    *, case: PublishedCase, actor: User, now: dt.datetime, confirm: bool = False
) -> PublishedCase:
    """Publish a reviewed case. Refused when the caller no longer consents, and — unless ``confirm`` — when
    the text still looks like it holds personal data (``pii_remaining``, with the kinds found)."""
    _check(actor)
    with transaction.atomic():
        locked = PublishedCase.objects.select_for_update().select_related("order").get(pk=case.pk)
        if locked.state != PublishedCase.State.DRAFT:
            raise Conflict("Only a case under review is published.", code="not_draft")
        reason = why_not_publishable(locked.order)
        if reason:
            raise Conflict("The order can no longer be published.", code=reason)
        left = remaining(f"{locked.title}\n{locked.question}\n{locked.answer}", names=_names(locked.order))
        if left and not confirm:
            raise ValidationFailed(
                "The text still seems to hold personal data.",
                code="pii_remaining",
                details={"kinds": dict(left)},
            )
        locked.state, locked.published_by, locked.published_at = PublishedCase.State.PUBLISHED, actor, now
        locked.save(update_fields=["state", "published_by", "published_at"])
        CaseLog.objects.create(
            case=locked,
            action=CaseLog.Action.PUBLISH,
            actor=actor,
            at=now,
            comment="confirmed despite: " + ", ".join(left) if left else "",
        )
    return locked


def case_withdraw(*, case: PublishedCase, actor: User | None, reason: str, now: dt.datetime) -> PublishedCase:
    """Take a case off the portal (``actor`` None: the caller withdrew consent)."""
    if actor is not None:
        _check(actor)
    if not (reason or "").strip():
        raise ValidationFailed("Say why the case is withdrawn.", code="reason_required")
    with transaction.atomic():
        locked = PublishedCase.objects.select_for_update().get(pk=case.pk)
        if locked.state == PublishedCase.State.WITHDRAWN:
            raise Conflict("The case is already withdrawn.", code="case_withdrawn")
        locked.state, locked.withdrawn_at, locked.withdraw_reason = (
            PublishedCase.State.WITHDRAWN,
            now,
            reason.strip(),
        )
        locked.save(update_fields=["state", "withdrawn_at", "withdraw_reason"])
        CaseLog.objects.create(
            case=locked, action=CaseLog.Action.WITHDRAW, actor=actor, at=now, comment=reason.strip()
        )
    return locked

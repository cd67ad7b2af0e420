"""Intake (受理) and what the center decides at once: accept, direct answer (直办), reject, merge (并单)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.directory.models import Division, User
from hotline.taxonomy.models import Category, Channel, RejectionReason, RequestType, Urgency
from hotline.taxonomy.selectors import channel_by_code

from ..lifecycle import Action, Status, target_status
from ..models import WorkOrder
from ..numbers import next_number
from .transitions import (
    EVENTS,
    ORDERS,
    _after_commit,
    _check_actor,
    _limits,
    _move,
    _new_event,
    _validate_choice,
    deadline,
    transition,
)

_QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Caller:
    name: str = ""
    phone: str = ""
    company: str = ""
    confidential: bool = False
    anonymous: bool = False


def workorder_intake(
    *,
    actor: User | None,
    channel: Channel | str,
    request_type: str,
    title: str,
    content: str,
    caller: Caller,
    now: dt.datetime,
    category: Category | None = None,
    location_text: str = "",
    division: Division | None = None,
    urgency: str = Urgency.NORMAL,
    hotline_number: str = "12345",
    external_id: str = "",
    source_system: str = "",
    publish_consent: bool = True,
    accept: bool = True,
    intake_data: dict[str, Any] | None = None,
) -> WorkOrder:
    """Record a request (受理). Staff intake (``accept=True``) puts it straight into the dispatch queue;
    requests from self-service channels stay ``received`` until an agent accepts, answers or rejects them.
    The order gets a unique number and a query code for the citizen portal. ``intake_data`` is kept on
    the intake event for the apps that listen (the call it came from, a partner's reference, a
    suggestion the agent took)."""
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ValidationFailed("A title is required.", code="title_required")
    if not content:
        raise ValidationFailed("The content of the request is required.", code="content_required")
    if len(title) > 200:
        raise ValidationFailed("The title is longer than 200 characters.", code="title_too_long")
    _validate_choice(request_type, RequestType, "request_type")
    _validate_choice(urgency, Urgency, "urgency")
    if isinstance(channel, str):
        found = channel_by_code(channel)
        if found is None:
            raise ValidationFailed(f"Unknown channel {channel!r}.", code="invalid_channel")
        channel = found
    if actor is not None:
        _check_actor(actor, Action.INTAKE)
    if accept and actor is None:
        raise Forbidden("Only staff accept requests at intake.", code="action_not_permitted")
    if caller.anonymous and caller.phone:
        caller = Caller(company=caller.company, anonymous=True, confidential=caller.confidential)
    # Inside a caller's transaction (an API request's idempotency record, a channel's inbound message),
    # intake joins it without a savepoint: nothing below raises but the database, and every caller that
    # recovers from a database error opens its own atomic block around this call.
    with transaction.atomic(savepoint=False):
        order = WorkOrder(
            status=Status.RECEIVED,
            channel=channel,
            hotline_number=hotline_number,
            external_id=external_id,
            source_system=source_system,
            caller_name=caller.name.strip(),
            caller_phone=caller.phone.strip(),
            caller_company=caller.company.strip(),
            confidential=caller.confidential,
            anonymous=caller.anonymous,
            publish_consent=publish_consent,
            request_type=request_type,
            category=category,
            title=title,
            content=content,
            location_text=location_text.strip(),
            division=division,
            urgency=urgency,
            received_at=now,
            created_by=actor,
            query_code="".join(secrets.choice(_QUERY_CODE_ALPHABET) for _ in range(6)),
        )
        limits = _limits(order)
        order.dispatch_due_at = deadline(now, limits.dispatch)
        order.progress_due_at = deadline(now, limits.progress)
        # A new order is ours alone until commit: record intake and acceptance without locking.
        events = [
            _new_event(order, action=Action.INTAKE, actor=actor, now=now, from_status="", data=intake_data)
        ]
        if accept:
            order.status = target_status(Action.ACCEPT, Status.RECEIVED) or Status.RECEIVED
            events.append(
                _new_event(order, action=Action.ACCEPT, actor=actor, now=now, from_status=Status.RECEIVED)
            )
        # The number as late as possible: on SQLite its upsert takes the day's counter row, and on
        # PostgreSQL the day's first intake writes that row; either holds it until commit.
        order.number = next_number(now)
        ORDERS.insert([order])
        EVENTS.insert(events)
        for event in events:
            _after_commit(event)
    return order


def workorder_accept(
    *, order: WorkOrder, actor: User, now: dt.datetime, version: int | None = None
) -> WorkOrder:
    with transaction.atomic():
        return _move(order, Action.ACCEPT, actor=actor, now=now, version=version)


def workorder_answer(
    *,
    order: WorkOrder,
    actor: User,
    answer: str,
    now: dt.datetime,
    version: int | None = None,
    knowledge_ref: str = "",
) -> WorkOrder:
    """Answer at once (直办) and close; the answer is what the caller was told."""
    if not (answer or "").strip():
        raise ValidationFailed("A direct answer needs the answer given.", code="answer_required")
    with transaction.atomic():
        return _move(
            order,
            Action.ANSWER,
            actor=actor,
            now=now,
            version=version,
            comment=answer.strip(),
            data={"knowledge_ref": knowledge_ref} if knowledge_ref else None,
            changes={"answer": answer.strip(), "closed_at": now, "progress_reported_at": now},
        )


def workorder_reject(
    *,
    order: WorkOrder,
    actor: User,
    reason_code: str,
    now: dt.datetime,
    comment: str = "",
    transfer_to: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Refuse a request (不予受理) with a reason code. An emergency is never just refused: the reason with
    ``transfer`` requires ``transfer_to`` (110/119/120/122) and records the hand-over."""
    reason = RejectionReason.objects.filter(code=reason_code, active=True).first()
    if reason is None:
        raise ValidationFailed(f"Unknown rejection reason {reason_code!r}.", code="invalid_reason")
    if reason.transfer and transfer_to not in {"110", "119", "120", "122"}:
        raise ValidationFailed(
            "An emergency must be transferred to 110, 119, 120 or 122.", code="transfer_required"
        )
    with transaction.atomic():
        return _move(
            order,
            Action.REJECT,
            actor=actor,
            now=now,
            version=version,
            reason=reason.code,
            comment=comment,
            data={"transfer_to": transfer_to} if transfer_to else None,
            changes={"rejection_reason": reason, "closed_at": now},
        )


def workorder_merge(
    *,
    order: WorkOrder,
    master: WorkOrder,
    actor: User,
    now: dt.datetime,
    comment: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Merge a duplicate (并单) into an open master order; the duplicate closes as merged and the master
    records it."""
    if master.pk == order.pk:
        raise ValidationFailed("An order cannot be merged into itself.", code="invalid_master")
    if not master.is_open or master.master_id:
        raise Conflict("The master order must be open and not itself merged.", code="invalid_master")
    with transaction.atomic():
        order, _ = transition(
            order,
            Action.MERGE,
            actor=actor,
            now=now,
            version=version,
            comment=comment,
            data={"master": master.number},
            changes={"master": master, "closed_at": now},
        )
        transition(master, Action.ABSORB, actor=actor, now=now, data={"duplicate": order.number})
    return order

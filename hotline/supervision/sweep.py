"""The supervision sweep (every few minutes, by the worker): find new causes, issue the first notice of
each hit once a unit handles the order, turn unheeded reminders into supervision notices, and escalate
supervision notices left without a response.

Every step is idempotent and safe with two sweeps at once: a hit is unique per order and cause, and each
hit, reminder and notice is claimed by a conditional update before anything is issued for it."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from hotline.core.errors import ApplicationError
from hotline.workorders.lifecycle import FINAL_STATUSES, WITH_UNITS, Action, Status
from hotline.workorders.models import Assignment, Event, WorkOrder

from . import services, texts
from .models import Level, Notice, RuleHit, SupervisionRule
from .triggers import ACTIVE, FINDERS, Cause

log = logging.getLogger(__name__)

# What a unit does on an order that shows a reminder was heeded.
UNIT_WORK = (
    Action.SIGN,
    Action.NOTE,
    Action.COMMIT,
    Action.REPLY,
    Action.CONTRIBUTE,
    Action.REQUEST_EXTENSION,
    Action.RETURN,
)


def supervision_sweep(*, now: dt.datetime, batch: int = 500) -> dict[str, int]:
    """Run every active rule and the escalation steps at ``now``; returns what it did, by step."""
    counts = {"hits": 0, "issued": 0, "lapsed": 0, "escalated": 0, "resolved": 0}
    if not SupervisionRule.objects.exists():  # never seeded (or flushed): the defaults; none is ever deleted
        services.ensure_default_rules()
    for rule in SupervisionRule.objects.filter(active=True).order_by("order", "code"):
        finder = FINDERS.get(rule.code)
        if finder is None:
            continue
        found = 0
        for cause in list(finder(rule, now, batch)):
            found += _record(rule, cause, now)
        counts[rule.code] = found
        counts["hits"] += found
    issued, lapsed = _issue_pending(now, batch)
    counts["issued"], counts["lapsed"] = issued, lapsed
    escalated, resolved = _follow_up_reminders(now, batch)
    counts["escalated"] += escalated + _escalate_unanswered(now, batch)
    counts["resolved"] = resolved
    return counts


def _record(rule: SupervisionRule, cause: Cause, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            RuleHit.objects.create(
                rule=rule,
                order_id=cause.order_id,
                key=cause.key,
                unit_id=cause.unit_id,
                assignment_id=cause.assignment_id,
                event_id=cause.event_id,
                flag_id=cause.flag_id,
                deadline=cause.deadline,
                data=cause.data,
                found_at=now,
            )
    except IntegrityError:  # another sweep recorded it first
        return 0
    return 1


def _live_order(order: WorkOrder) -> WorkOrder:
    """The order a hit acts on: a merged duplicate's master (the matter lives on there)."""
    seen = {order.pk}
    while order.status == Status.MERGED and order.master_id and order.master_id not in seen:
        seen.add(order.master_id)
        order = WorkOrder.objects.get(pk=order.master_id)
    return order


def _issue_pending(now: dt.datetime, batch: int) -> tuple[int, int]:
    issued = lapsed = 0
    pending = (
        RuleHit.objects.filter(state=RuleHit.State.PENDING, rule__active=True)
        .select_related("rule", "order", "assignment")
        .order_by("found_at", "pk")[:batch]
    )
    for hit in pending:
        outcome = _issue(hit, now)
        issued += outcome == "issued"
        lapsed += outcome == "lapsed"
    return issued, lapsed


def _lapse(hit: RuleHit) -> str:
    RuleHit.objects.filter(pk=hit.pk, state=RuleHit.State.PENDING).update(state=RuleHit.State.LAPSED)
    return "lapsed"


def _issue(hit: RuleHit, now: dt.datetime) -> str:
    order = _live_order(hit.order)
    if order.status in FINAL_STATUSES:
        return _lapse(hit)
    if hit.assignment is not None:
        assignment = Assignment.objects.get(pk=hit.assignment.pk)  # its state now
        still = (
            assignment.state == Assignment.State.PENDING
            if hit.rule.code == "sign_overdue"
            else (assignment.state in ACTIVE)
        )
        if not still or assignment.order_id != order.pk:
            return _lapse(hit)  # signed, done, or re-dispatched meanwhile: the cause is gone
        unit_id: int | None = assignment.unit_id
    elif hit.unit_id is not None:
        if not order.assignments.filter(state__in=ACTIVE, unit_id=hit.unit_id).exists():
            return _lapse(hit) if order.status in WITH_UNITS else "waiting"
        unit_id = hit.unit_id
    else:
        lead = order.assignments.filter(state__in=ACTIVE, role=Assignment.Role.LEAD).first()
        if lead is None:
            return "waiting"  # not dispatched yet (or returned): issued once a unit has it
        unit_id = lead.unit_id
    if order.status not in WITH_UNITS:
        return "waiting"
    try:
        with transaction.atomic():
            claimed = RuleHit.objects.filter(pk=hit.pk, state=RuleHit.State.PENDING).update(
                state=RuleHit.State.ISSUED, issued_at=now
            )
            if not claimed:
                return "taken"
            notice = _first_notice(hit, order, unit_id, now)
            RuleHit.objects.filter(pk=hit.pk).update(notice=notice)
    except ApplicationError as exc:
        log.warning("supervision hit %s not issued: %s (%s)", hit.pk, exc.message, exc.code)
        return "failed"
    return "issued"


def _first_notice(hit: RuleHit, order: WorkOrder, unit_id: int | None, now: dt.datetime) -> Notice:
    from hotline.directory.models import Unit

    rule = hit.rule
    unit = Unit.objects.get(pk=unit_id) if unit_id else None
    text = texts.rule_text(rule.code, {"number": order.number, **(hit.data or {})})
    if rule.level == Level.REMIND:
        return services.notice_remind(
            order=order, actor=None, now=now, text=text, unit=unit, cause=rule.code, hit=hit
        )
    notice = services.notice_supervise(
        order=order, actor=None, now=now, text=text, unit=unit, cause=rule.code, hit=hit
    )
    if rule.level == Level.ESCALATE:
        services.notice_escalate(notice=notice, actor=None, now=now)
    return notice


def _still_holds(notice: Notice) -> bool:
    """Whether the cause of a reminder is still there: the unit still has the order and has done
    nothing about it since (for an unsigned assignment: still not signed; for the progress duty: still
    no progress reported)."""
    order = WorkOrder.objects.get(pk=notice.order_id)
    if order.status not in WITH_UNITS or notice.unit_id is None:
        return False
    mine = order.assignments.filter(state__in=ACTIVE, unit_id=notice.unit_id)
    if not mine.exists():
        return False
    if notice.cause == "sign_overdue":
        return mine.filter(state=Assignment.State.PENDING).exists()
    if notice.cause == "progress_duty":
        return order.progress_reported_at is None
    acted = Event.objects.filter(
        order=order, at__gt=notice.issued_at, action__in=UNIT_WORK, actor_unit_id=notice.unit_id
    )
    return not acted.exists()


def _follow_up_reminders(now: dt.datetime, batch: int) -> tuple[int, int]:
    escalated = resolved = 0
    due = (
        Notice.objects.filter(
            level=Level.REMIND, check_at__lte=now, escalated_at__isnull=True, resolved_at__isnull=True
        )
        .select_related("order", "unit")
        .order_by("check_at", "pk")[:batch]
    )
    for reminder in due:
        open_ = Notice.objects.filter(pk=reminder.pk, escalated_at__isnull=True, resolved_at__isnull=True)
        if not _still_holds(reminder):
            resolved += open_.update(resolved_at=now)
            continue
        try:
            with transaction.atomic():
                if not open_.update(escalated_at=now):
                    continue
                rule = services.rule_settings(reminder.cause)
                respond_by = services.later(now, rule.respond_within or "2wd")
                assert respond_by is not None
                services.notice_supervise(
                    order=reminder.order,
                    actor=None,
                    now=now,
                    text=texts.unheeded_text(
                        number=reminder.order.number, reminded_at=reminder.issued_at, respond_by=respond_by
                    ),
                    respond_by=respond_by,
                    unit=reminder.unit,
                    cause=reminder.cause,
                    hit=reminder.hit,
                    parent=reminder,
                )
        except ApplicationError as exc:
            log.warning("reminder %s not followed up: %s (%s)", reminder.pk, exc.message, exc.code)
            continue
        escalated += 1
    return escalated, resolved


def _escalate_unanswered(now: dt.datetime, batch: int) -> int:
    escalated = 0
    overdue = (
        Notice.objects.filter(
            level=Level.SUPERVISE, respond_by__lt=now, escalated_at__isnull=True, response__isnull=True
        )
        .select_related("order", "unit")
        .order_by("respond_by", "pk")[:batch]
    )
    for notice in overdue:
        try:
            services.notice_escalate(notice=notice, actor=None, now=now)
        except ApplicationError as exc:
            if exc.code != "already_escalated":
                log.warning("notice %s not escalated: %s (%s)", notice.pk, exc.message, exc.code)
            continue
        escalated += 1
    return escalated

"""Writes of supervision: reminders (催办), supervision notices (督办), escalations (通报/约谈), the units'
written responses, staff flags and rule edits.

Each service runs in one transaction, records the notice on the order through the work-order services
(a REMIND or SUPERVISE event; a response is a non-public NOTE event), and notifies in the app and by SMS
to the unit's contacts. ``actor`` is None when the supervision sweep acts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.directory.models import Role, Unit, User
from hotline.notifications.services import notify, notify_role, notify_unit
from hotline.sla.limits import Limit
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import FINAL_STATUSES, WITH_UNITS, Action, Status
from hotline.workorders.models import Assignment, Event, WorkOrder
from hotline.workorders.selectors import units_in_scope, workorder_for_user

from . import texts
from .models import Level, Notice, NoticeResponse, RuleChange, StaffFlag, SupervisionRule
from .rules import MANUAL, RULES, clean_limit, clean_thresholds, spec_for

ACTIVE = (Assignment.State.PENDING, Assignment.State.SIGNED)
_SMS_TEMPLATE: dict[str, str] = {
    Level.REMIND: "reminder",
    Level.SUPERVISE: "supervision_notice",
    Level.ESCALATE: "escalation",
}
_KIND: dict[str, str] = {
    Level.REMIND: "reminder",
    Level.SUPERVISE: "supervision_notice",
    Level.ESCALATE: "escalation",
}


def order_url(order: WorkOrder) -> str:
    try:
        return reverse("workorders:detail", args=[order.number])
    except NoReverseMatch:
        return f"/orders/{order.number}/"


def ensure_default_rules() -> int:
    """Create the rules of ``rules.RULES`` that have no row yet (a rule an admin edited is left as it
    is); returns how many were created."""
    existing = set(SupervisionRule.objects.values_list("code", flat=True))
    created = 0
    for position, spec in enumerate(RULES.values(), start=1):
        if spec.code in existing:
            continue
        SupervisionRule.objects.create(
            code=spec.code,
            level=spec.level,
            thresholds=spec.default_thresholds(),
            respond_within=spec.respond_within,
            escalate_after=spec.escalate_after,
            order=position * 10,
        )
        created += 1
    return created


def rule_settings(code: str) -> SupervisionRule:
    """The rule row of ``code``; when an admin deleted it, an unsaved row with the defaults."""
    rule = SupervisionRule.objects.filter(code=code).first()
    if rule is not None:
        return rule
    spec = RULES.get(code) or RULES[MANUAL]
    return SupervisionRule(
        code=spec.code,
        level=spec.level,
        thresholds=spec.default_thresholds(),
        respond_within=spec.respond_within,
        escalate_after=spec.escalate_after,
    )


def later(start: dt.datetime, limit: str) -> dt.datetime | None:
    return wo.deadline(start, Limit.parse(limit)) if limit else None


def _require_open_with_units(order: WorkOrder) -> None:
    if order.status not in WITH_UNITS:
        raise Conflict(
            "Reminders and supervision notices go to units handling the order.",
            code="transition_not_allowed",
            details={"status": order.status},
        )


def _target_unit(order: WorkOrder, unit: Unit | None) -> Unit:
    active = order.assignments.filter(state__in=ACTIVE).select_related("unit")
    if unit is not None:
        found = active.filter(unit=unit).first()
        if found is None:
            raise ValidationFailed(f"{unit} has no open assignment on this order.", code="not_assigned")
        return found.unit
    lead = active.filter(role=Assignment.Role.LEAD).first()
    if lead is None:
        raise ValidationFailed("No unit is handling this order.", code="no_handling_unit")
    return lead.unit


def _new_event(order: WorkOrder) -> Event:
    return Event.objects.get(order=order, seq=order.last_event_seq)


def unit_leaders(unit: Unit) -> QuerySet[User]:
    """The leaders of ``unit`` and of the units above it (a street office's district government)."""
    fresh = Unit.objects.get(pk=unit.pk)
    units = [unit.pk, *Unit.objects.get_ancestors(fresh).values_list("pk", flat=True)]
    return User.objects.filter(role=Role.UNIT_LEADER, unit__in=units, is_active=True)


def _unit_due(order: WorkOrder, unit: Unit) -> dt.datetime | None:
    found = order.assignments.filter(unit=unit, state__in=ACTIVE).order_by("-round").first()
    return found.due_at if found else None


def _notify_notice(notice: Notice, order: WorkOrder, unit: Unit, now: dt.datetime) -> None:
    title = texts.notice_title(level=notice.level, number=order.number)
    notify_unit(
        unit=unit,
        kind=_KIND[notice.level],
        title=title,
        body=notice.text,
        url=order_url(order),
        order=order,
        now=now,
        sms_template=_SMS_TEMPLATE[notice.level],
        sms_context={
            "level": notice.get_level_display(),
            "text": notice.text,
            "respond_by": texts.when(notice.respond_by),
            "due": texts.when(_unit_due(order, unit)),
        },
    )


def notice_remind(
    *,
    order: WorkOrder,
    actor: User | None,
    now: dt.datetime,
    text: str = "",
    unit: Unit | None = None,
    cause: str = MANUAL,
    hit: Any = None,
) -> Notice:
    """Send a reminder (催办) to ``unit`` (by default the lead unit). The sweep looks at it again after
    the rule's ``escalate_after``: if the cause still holds, a supervision notice follows."""
    text = (text or "").strip()
    with transaction.atomic():
        order = WorkOrder.objects.get(pk=order.pk)
        _require_open_with_units(order)
        target = _target_unit(order, unit)
        text = text or texts.manual_remind_text(number=order.number)
        order = wo.workorder_remind(order=order, actor=actor, now=now, comment=text, unit=target, cause=cause)
        rule = rule_settings(cause)
        notice = Notice.objects.create(
            order=order,
            unit=target,
            level=Level.REMIND,
            cause=cause,
            hit=hit,
            text=text,
            issued_at=now,
            issued_by=actor,
            event=_new_event(order),
            check_at=later(now, rule.escalate_after),
        )
        _notify_notice(notice, order, target, now)
    return notice


def notice_supervise(
    *,
    order: WorkOrder,
    actor: User | None,
    now: dt.datetime,
    text: str,
    respond_by: dt.datetime | None = None,
    unit: Unit | None = None,
    cause: str = MANUAL,
    hit: Any = None,
    parent: Notice | None = None,
) -> Notice:
    """Issue a supervision notice (督办) to ``unit`` (by default the lead unit) with a deadline for its
    written response: ``respond_by``, or the rule's response limit from now. Without a response in time
    the sweep escalates it."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("A supervision notice needs its text.", code="text_required")
    if respond_by is not None and respond_by <= now:
        raise ValidationFailed("The response deadline must be in the future.", code="invalid_deadline")
    with transaction.atomic():
        order = WorkOrder.objects.get(pk=order.pk)
        _require_open_with_units(order)
        target = _target_unit(order, unit)
        rule = rule_settings(cause)
        respond_by = respond_by or later(now, rule.respond_within or "2wd")
        order = wo.workorder_supervise(
            order=order, actor=actor, now=now, comment=text, respond_by=respond_by, unit=target, cause=cause
        )
        notice = Notice.objects.create(
            order=order,
            unit=target,
            level=Level.SUPERVISE,
            cause=cause,
            hit=hit,
            parent=parent,
            text=text,
            issued_at=now,
            issued_by=actor,
            event=_new_event(order),
            respond_by=respond_by,
        )
        _notify_notice(notice, order, target, now)
    return notice


def notice_escalate(*, notice: Notice, actor: User | None, now: dt.datetime, text: str = "") -> Notice:
    """Escalate a supervision notice (通报/约谈) to the unit's leadership and to the platform's leaders,
    once. Recorded as a SUPERVISE event with ``data["level"] == "escalation"`` while units still handle
    the order (afterwards the lifecycle records no more notices, and the escalation is kept here)."""
    if notice.level != Level.SUPERVISE:
        raise ValidationFailed("Only a supervision notice is escalated.", code="not_a_supervision_notice")
    if actor is not None and not (actor.is_superuser or actor.role in (Role.SUPERVISOR, Role.LEADER)):
        raise Forbidden("Only supervisors and leaders escalate.", code="action_not_permitted")
    with transaction.atomic():
        claimed = Notice.objects.filter(pk=notice.pk, escalated_at__isnull=True).update(escalated_at=now)
        if not claimed:
            raise Conflict("This notice was already escalated.", code="already_escalated")
        order = WorkOrder.objects.get(pk=notice.order_id)
        unit = notice.unit
        unit_name = unit.name if unit else ""
        standard = (
            texts.escalation_text(number=order.number, unit=unit_name, respond_by=notice.respond_by)
            if actor is None  # the sweep escalates a notice left without a response
            else texts.manual_escalation_text(number=order.number, unit=unit_name)
        )
        text = (text or "").strip() or standard
        event = None
        if order.status in WITH_UNITS:
            order, event = wo.transition(
                order,
                Action.SUPERVISE,
                actor=actor,
                now=now,
                reason=notice.cause,
                comment=text,
                data={"unit": unit.pk if unit else None, "level": "escalation", "notice": notice.pk},
            )
        escalation = Notice.objects.create(
            order=order,
            unit=unit,
            level=Level.ESCALATE,
            cause=notice.cause,
            parent=notice,
            text=text,
            issued_at=now,
            issued_by=actor,
            event=event,
        )
        title = texts.notice_title(level=Level.ESCALATE, number=order.number)
        url = order_url(order)
        if unit is not None:
            _notify_notice(escalation, order, unit, now)
            notify(
                recipients=unit_leaders(unit),
                kind="escalation",
                title=title,
                body=text,
                url=url,
                order=order,
                now=now,
            )
        for role in (Role.LEADER, Role.SUPERVISOR):
            notify_role(role=role, kind="escalation", title=title, body=text, url=url, order=order, now=now)
    return escalation


def notice_respond(*, notice: Notice, actor: User, text: str, now: dt.datetime) -> NoticeResponse:
    """The unit's written response to a supervision notice (督办回复), once per notice; a late response
    is accepted and marked late. Recorded as a non-public NOTE event while the order is open."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("The response cannot be empty.", code="text_required")
    if notice.level != Level.SUPERVISE:
        raise ValidationFailed("Only a supervision notice asks for a response.", code="response_not_required")
    if not actor.is_unit_staff:
        raise Forbidden("The unit the notice is addressed to responds.", code="unit_only")
    order = workorder_for_user(actor, notice.order.number)  # NotFound for another unit's order
    if notice.unit_id is None or not units_in_scope(actor).filter(pk=notice.unit_id).exists():
        raise NotFound("No such supervision notice.", code="notice_not_found")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if NoticeResponse.objects.filter(notice=locked).exists():
            raise Conflict("This notice has been responded to already.", code="already_responded")
        event = None
        if order.status not in FINAL_STATUSES:
            assignment = (
                order.assignments.filter(state__in=ACTIVE, unit_id=notice.unit_id)
                .order_by("role", "pk")
                .first()
            )
            # an assisting unit's note is only possible while the order is being handled
            handling = order.status in (Status.DISPATCHED, Status.IN_PROGRESS)
            if assignment is not None and assignment.role == Assignment.Role.ASSIST and not handling:
                assignment = None
            order, event = wo.transition(
                order,
                Action.NOTE,
                actor=actor,
                now=now,
                assignment=assignment,
                comment=text,
                data={"public": False, "supervision_notice": notice.pk},
            )
        response = NoticeResponse.objects.create(
            notice=locked,
            text=text,
            responded_at=now,
            responded_by=actor,
            on_time=locked.respond_by is None or now <= locked.respond_by,
            event=event,
        )
        unit_name = locked.unit.name if locked.unit else ""
        title = texts.response_title(unit=unit_name, number=order.number)
        if locked.issued_by is not None:
            notify(
                recipients=[locked.issued_by],
                kind="supervision_response",
                title=title,
                body=text,
                url=order_url(order),
                order=order,
                now=now,
            )
        else:
            notify_role(
                role=Role.SUPERVISOR,
                kind="supervision_response",
                title=title,
                body=text,
                url=order_url(order),
                order=order,
                now=now,
            )
    return response


def flag_order(
    *, order: WorkOrder, actor: User, kind: str, note: str, now: dt.datetime, source: str = ""
) -> StaffFlag:
    """Flag an open order as exposed by the media or a sudden event; the matching rule supervises it on
    the next sweep. Center staff only; once per order and kind."""
    if not (actor.is_superuser or actor.is_center_staff):
        raise Forbidden("Center staff flag orders.", code="center_only")
    if kind not in StaffFlag.Kind.values:
        raise ValidationFailed(
            f"Unknown flag {kind!r}.", code="invalid_flag", details={"allowed": list(StaffFlag.Kind.values)}
        )
    note, source = (note or "").strip(), (source or "").strip()
    if not note:
        raise ValidationFailed("Say what happened.", code="note_required")
    if len(source) > 200:
        raise ValidationFailed("The source is longer than 200 characters.", code="source_too_long")
    with transaction.atomic():
        locked = WorkOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status in FINAL_STATUSES:
            raise Conflict("The order is closed.", code="order_closed")
        if StaffFlag.objects.filter(order=locked, kind=kind).exists():
            raise Conflict("The order carries this flag already.", code="already_flagged")
        return StaffFlag.objects.create(
            order=locked, kind=kind, note=note, source=source, flagged_at=now, flagged_by=actor
        )


_RULE_FIELDS = ("active", "level", "thresholds", "respond_within", "escalate_after")


def _rule_state(rule: SupervisionRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in _RULE_FIELDS}


def rule_update(
    *,
    rule: SupervisionRule,
    actor: User,
    now: dt.datetime,
    active: bool,
    level: str,
    thresholds: dict[str, Any],
    respond_within: str,
    escalate_after: str,
) -> SupervisionRule:
    """Change a rule's settings (administrators and supervisors); the change is kept in its history."""
    if not (actor.is_superuser or actor.role in (Role.ADMIN, Role.SUPERVISOR)):
        raise Forbidden("Administrators and supervisors edit the rules.", code="action_not_permitted")
    spec_for(rule.code)
    if level not in Level.values:
        raise ValidationFailed(
            f"Unknown level {level!r}.", code="invalid_level", details={"allowed": list(Level.values)}
        )
    cleaned = clean_thresholds(rule.code, thresholds)
    respond = clean_limit(respond_within, field_name="respond_within", allow_blank=False)
    escalate = clean_limit(escalate_after, field_name="escalate_after", allow_blank=True)
    with transaction.atomic():
        locked = SupervisionRule.objects.select_for_update().get(pk=rule.pk)
        before = _rule_state(locked)
        locked.active, locked.level, locked.thresholds = active, level, cleaned
        locked.respond_within, locked.escalate_after = respond, escalate
        locked.updated_at, locked.updated_by = now, actor
        after = _rule_state(locked)
        if after != before:
            locked.save(update_fields=[*_RULE_FIELDS, "updated_at", "updated_by"])
            RuleChange.objects.create(
                rule=locked, changed_at=now, changed_by=actor, before=before, after=after
            )
    return locked

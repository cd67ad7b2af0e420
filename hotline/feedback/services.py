"""Writes of the callback (回访).

After a reply is accepted, ``survey_start`` texts the caller the survey (template ``survey``); the inbound
SMS handler ``survey_sms_answer`` reads the answer and records the callback; a caller who does not answer
within ``conf.sms_wait_hours()`` (or has no mobile number) goes to the agents' phone callback queue,
where ``survey_record_phone`` records what the caller said. An unsatisfied and unsolved first round
reopens the order (重办) once; the second round's result stands. Every result is kept per order, round
and unit in ``Survey``; the order's own fields and its CALLBACK event are written by
``workorders.services.workorder_callback``."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext

from hotline.core import refcache
from hotline.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from hotline.directory.models import Role, User
from hotline.notifications.services import notify_role
from hotline.taxonomy.models import Category, Channel, RequestType
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status, role_may
from hotline.workorders.models import Assignment, Event, Satisfaction, WorkOrder

from . import conf
from .answers import parse_answer
from .models import CallbackExemption, ExemptionChange, Survey
from .selectors import EXEMPTIONS_KEY, callback_exemption

log = logging.getLogger(__name__)
_MOBILE = re.compile(r"^1\d{10}$")


def _digits(phone: str) -> str:
    phone = re.sub(r"[\s\-()]", "", phone or "")
    return phone[3:] if phone.startswith("+86") else phone


def _round_unit_id(order: WorkOrder, round_: int | None = None) -> int | None:
    """The lead unit whose reply the callback of ``round_`` (the current one by default) rates."""
    done = order.assignments.filter(role=Assignment.Role.LEAD, state=Assignment.State.DONE)
    if round_ is not None:
        done = done.filter(round=round_)
    return done.order_by("-round", "-done_at").values_list("unit_id", flat=True).first()


def survey_start(*, order: WorkOrder, now: dt.datetime) -> Survey | None:
    """Start the callback of the order's current round, once: text the survey to a mobile number, or put
    the order in the phone callback queue. An order that is not awaiting callback gets none; one that
    became exempt meanwhile is closed without a callback. Returns the survey (the existing one when it
    was started before)."""
    order = WorkOrder.objects.select_related("channel").get(pk=order.pk)
    if order.status != Status.AWAITING_CALLBACK:
        return None
    exempt = callback_exemption(order)
    if exempt:
        wo.workorder_close(order=order, actor=None, now=now, reason=exempt)
        return None
    round_ = order.reopen_count + 1
    existing = Survey.objects.filter(order=order, round=round_).first()
    if existing is not None:
        return existing
    phone = _digits(order.caller_phone)
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                order=order,
                round=round_,
                unit_id=_round_unit_id(order),
                phone=phone,
                state=Survey.State.PHONE,
                started_at=now,
            )
            if _MOBILE.match(phone):
                _send_survey_sms(survey, order, now)
    except IntegrityError:  # started by a concurrent job
        return Survey.objects.get(order=order, round=round_)
    return survey


def _send_survey_sms(survey: Survey, order: WorkOrder, now: dt.datetime) -> None:
    from hotline.channels.services import sms_send

    try:
        with transaction.atomic():
            sms_send(
                to=survey.phone,
                template="survey",
                context={},
                now=now,
                order=order,
                dedupe_key=f"survey-{order.pk}-{survey.round}",
            )
    except ValidationFailed as exc:
        if exc.code == "unknown_template":
            raise
        log.warning(
            "survey SMS for %s not sent (%s); the order goes to the phone queue", order.number, exc.code
        )
        return
    survey.state = Survey.State.AWAITING_SMS
    survey.sms_sent_at = now
    survey.answer_by = now + dt.timedelta(hours=conf.sms_wait_hours())
    survey.save(update_fields=["state", "sms_sent_at", "answer_by"])


def _record(
    *,
    survey: Survey,
    actor: User | None,
    satisfaction: str,
    solved: bool,
    now: dt.datetime,
    channel: str,
    comment: str,
    version: int | None,
) -> Survey:
    """Record the callback on the order and the survey, and reopen a first round that failed."""
    order = wo.workorder_callback(
        order=survey.order,
        actor=actor,
        satisfaction=satisfaction,
        solved=solved,
        now=now,
        comment=comment,
        channel=channel,
        version=version,
    )
    survey.state, survey.channel = Survey.State.ANSWERED, channel
    survey.satisfaction, survey.solved = satisfaction, solved
    survey.answered_at, survey.answered_by = now, actor
    survey.answer_text = comment
    failed = satisfaction == Satisfaction.DISSATISFIED and not solved
    if failed and order.reopen_count == 0:
        wo.workorder_reopen(
            order=order,
            actor=actor if actor is not None and role_may(actor.role, Action.REOPEN) else None,
            now=now,
            comment=_reopen_comment(),
        )
        survey.reopened = True
        notify_role(
            role=Role.DISPATCHER,
            kind="reopened",
            title=_reopened_title(order.number),
            url=_order_url(order),
            order=order,
            now=now,
        )
    survey.save(
        update_fields=[
            "state",
            "channel",
            "satisfaction",
            "solved",
            "answered_at",
            "answered_by",
            "answer_text",
            "reopened",
        ]
    )
    return survey


def _order_url(order: WorkOrder) -> str:
    from hotline.supervision.services import order_url

    return order_url(order)


def _reopen_comment() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Reopened: the caller is dissatisfied and the problem is not solved.")


def _reopened_title(number: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Order %(number)s was reopened after the callback; dispatch it again.") % {
            "number": number
        }


def survey_sms_answer(*, phone: str, text: str, now: dt.datetime) -> bool:
    """Take an inbound SMS as a survey answer if it is one, from a caller surveyed in the last days.
    A complete answer (rating and solved) records the callback; half an answer is kept until the other
    half comes, or an agent calls. Returns whether the message was a survey answer (consumed)."""
    answer = parse_answer(text)
    if answer is None:
        return False
    since = now - dt.timedelta(days=conf.late_answer_days())
    candidate = (
        Survey.objects.filter(phone=_digits(phone), started_at__gte=since, sms_sent_at__isnull=False)
        .order_by("-started_at", "-pk")
        .first()
    )
    if candidate is None:
        return False
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("order").get(pk=candidate.pk)
        if survey.state not in (Survey.State.AWAITING_SMS, Survey.State.PHONE):
            return True  # a second answer to a finished survey: taken, and nothing changes
        satisfaction = answer.satisfaction or survey.partial_satisfaction or None
        solved = answer.solved if answer.solved is not None else survey.partial_solved
        raw = f"{survey.answer_text} {text.strip()}".strip()
        if satisfaction is None or solved is None:
            survey.partial_satisfaction = satisfaction or ""
            survey.partial_solved = solved
            survey.answer_text = raw
            survey.save(update_fields=["partial_satisfaction", "partial_solved", "answer_text"])
            return True
        try:
            _record(
                survey=survey,
                actor=None,
                satisfaction=satisfaction,
                solved=solved,
                now=now,
                channel=Survey.Channel.SMS,
                comment=raw,
                version=None,
            )
        except Conflict as exc:  # the order left the callback meanwhile (closed by an agent)
            log.info("survey answer for %s not recorded: %s", survey.order.number, exc.code)
            return True
        _thank(survey, now)
    return True


def _thank(survey: Survey, now: dt.datetime) -> None:
    from hotline.channels.services import sms_send

    try:
        with transaction.atomic():
            sms_send(
                to=survey.phone,
                template="survey_thanks",
                context={},
                now=now,
                order=survey.order,
                dedupe_key=f"survey-thanks-{survey.pk}",
            )
    except ApplicationError as exc:
        log.warning("thanks for survey %s not sent: %s", survey.pk, exc.code)


def _callback_staff(actor: User) -> None:
    if not (actor.is_superuser or actor.role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)):
        raise Forbidden("Agents and supervisors make callbacks.", code="action_not_permitted")


def _phone_survey(order: WorkOrder, now: dt.datetime) -> Survey:
    """The current round's survey of an order in the phone queue (created when none was started)."""
    if order.status != Status.AWAITING_CALLBACK:
        raise Conflict("The order is not awaiting a callback.", code="transition_not_allowed")
    survey = survey_start(order=order, now=now)
    if survey is None:
        raise Conflict("The order is exempt from callback and was closed.", code="callback_exempt")
    return Survey.objects.select_for_update().select_related("order").get(pk=survey.pk)


def survey_record_phone(
    *,
    order: WorkOrder,
    actor: User,
    satisfaction: str,
    solved: bool,
    now: dt.datetime,
    comment: str = "",
    version: int | None = None,
) -> Survey:
    """An agent's callback call reached the caller: record what they said (closes the order, or reopens
    it once when the caller is dissatisfied and the problem unsolved)."""
    _callback_staff(actor)
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed(
            f"Unknown satisfaction {satisfaction!r}.",
            code="invalid_satisfaction",
            details={"allowed": list(Satisfaction.values)},
        )
    with transaction.atomic():
        survey = _phone_survey(order, now)
        return _record(
            survey=survey,
            actor=actor,
            satisfaction=satisfaction,
            solved=solved,
            now=now,
            channel=Survey.Channel.PHONE,
            comment=(comment or "").strip(),
            version=version,
        )


def survey_call_failed(*, order: WorkOrder, actor: User, now: dt.datetime) -> Survey:
    """An agent called and did not reach the caller; the order stays in the queue."""
    _callback_staff(actor)
    with transaction.atomic():
        survey = _phone_survey(order, now)
        survey.attempts += 1
        survey.last_attempt_at = now
        if survey.state == Survey.State.AWAITING_SMS:
            survey.state = Survey.State.PHONE
        survey.save(update_fields=["attempts", "last_attempt_at", "state"])
        return survey


def survey_close_unreachable(
    *, order: WorkOrder, actor: User, now: dt.datetime, comment: str = "", version: int | None = None
) -> Survey:
    """Close the order without a callback after ``conf.max_call_attempts()`` unanswered calls."""
    _callback_staff(actor)
    with transaction.atomic():
        survey = _phone_survey(order, now)
        if survey.attempts < conf.max_call_attempts():
            raise Conflict(
                "Call the caller again before closing without a callback.",
                code="too_few_attempts",
                details={"attempts": survey.attempts, "required": conf.max_call_attempts()},
            )
        wo.workorder_close(
            order=survey.order, actor=actor, now=now, reason="unreachable", comment=comment, version=version
        )
        survey.state = Survey.State.UNREACHABLE
        survey.save(update_fields=["state"])
        return survey


def feedback_sweep(*, now: dt.datetime, batch: int = 500) -> dict[str, int]:
    """Start the surveys the event listener missed and move unanswered SMS surveys to the phone queue.
    Idempotent: a survey is unique per order and round, the move is a conditional update."""
    started = 0
    waiting = (
        WorkOrder.objects.filter(status=Status.AWAITING_CALLBACK)
        .filter(~Exists(Survey.objects.filter(order=OuterRef("pk"), round=OuterRef("reopen_count") + 1)))
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in list(waiting):
        try:
            if survey_start(order=WorkOrder(pk=pk), now=now) is not None:
                started += 1
        except ApplicationError as exc:
            log.warning("survey of order %s not started: %s", pk, exc.code)
    moved = Survey.objects.filter(state=Survey.State.AWAITING_SMS, answer_by__lt=now).update(
        state=Survey.State.PHONE
    )
    return {"started": started, "to_phone": moved}


def survey_sync_callback(*, event: Event, now: dt.datetime) -> Survey | None:
    """Keep the survey record in step with a CALLBACK event recorded anywhere (the order page, the API,
    an import): the round's survey is marked answered with the event's result, or created answered when
    none was started, so satisfaction per unit is complete. A recent dissatisfied and unsolved first
    round is reopened, as when the survey itself records it. Idempotent."""
    if event.action != Action.CALLBACK:
        return None
    data = event.data or {}
    satisfaction, solved = str(data.get("satisfaction", "")), data.get("solved")
    if satisfaction not in Satisfaction.values or not isinstance(solved, bool):
        return None
    round_ = Event.objects.filter(order_id=event.order_id, action=Action.CALLBACK, seq__lte=event.seq).count()
    given = str(data.get("channel") or "phone")
    channel = given if given in (Survey.Channel.SMS, Survey.Channel.PHONE) else Survey.Channel.OTHER
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().get(pk=event.order_id)
        survey = Survey.objects.select_for_update().filter(order=order, round=round_).first()
        if survey is not None and survey.state == Survey.State.ANSWERED:
            return survey  # recorded by the survey itself
        if survey is None:
            survey = Survey(
                order=order,
                round=round_,
                unit_id=_round_unit_id(order, round_),
                phone=_digits(order.caller_phone),
                started_at=event.at,
            )
        survey.state, survey.channel = Survey.State.ANSWERED, channel
        survey.satisfaction, survey.solved = satisfaction, solved
        survey.answered_at, survey.answered_by_id = event.at, event.actor_id
        survey.answer_text = event.comment
        recent = now - event.at <= dt.timedelta(hours=RECENT_CALLBACK_HOURS)
        failed = satisfaction == Satisfaction.DISSATISFIED and not solved
        if (
            failed
            and recent
            and round_ == 1
            and order.reopen_count == 0
            and order.status == Status.CLOSED
            and order.satisfaction == Satisfaction.DISSATISFIED
        ):
            wo.workorder_reopen(order=order, actor=None, now=now, comment=_reopen_comment())
            survey.reopened = True
        survey.save()
    return survey


# A callback event older than this is only recorded, not acted on (a late import, the demo's history).
RECENT_CALLBACK_HOURS = 24


# Exemptions --------------------------------------------------------------------------------------------

_EXEMPTION_FIELDS = ("name", "match", "value", "active")


def _admin(actor: User) -> None:
    if not (actor.is_superuser or actor.role in (Role.ADMIN, Role.SUPERVISOR)):
        raise Forbidden("Administrators and supervisors edit the exemptions.", code="action_not_permitted")


def _clean_exemption(match: str, value: str, name: str) -> tuple[str, str, str]:
    name, value = (name or "").strip(), (value or "").strip()
    if not name:
        raise ValidationFailed("An exemption needs a name.", code="name_required")
    if match not in CallbackExemption.Match.values:
        raise ValidationFailed(
            f"Unknown match {match!r}.",
            code="invalid_match",
            details={"allowed": list(CallbackExemption.Match.values)},
        )
    if match in CallbackExemption.NEEDS_VALUE:
        if not value:
            raise ValidationFailed("This exemption needs a value.", code="value_required")
        valid = {
            CallbackExemption.Match.REQUEST_TYPE: value in RequestType.values,
            CallbackExemption.Match.CATEGORY: Category.objects.filter(code=value).exists(),
            CallbackExemption.Match.CHANNEL: Channel.objects.filter(code=value).exists(),
        }[CallbackExemption.Match(match)]
        if not valid:
            raise ValidationFailed(f"Unknown {match} {value!r}.", code="invalid_value")
    else:
        value = ""
    return match, value, name


def _forget_exemptions() -> None:
    """Drop this process's copy of the exemptions (``selectors.EXEMPTIONS_KEY``), not the rest of
    ``refcache``: the active category model among it is costly to load again."""
    refcache.invalidate(EXEMPTIONS_KEY)


def exemption_create(
    *, actor: User, code: str, name: str, match: str, value: str = "", now: dt.datetime
) -> CallbackExemption:
    """Add an exemption (active at once); its code is the reason recorded on orders it closes."""
    _admin(actor)
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9_-]{2,40}", code) or code in ("no_phone", "unreachable"):
        raise ValidationFailed(
            "The code is 2–40 lower-case letters, digits, - or _, and not a reserved one.",
            code="invalid_code",
        )
    match, value, name = _clean_exemption(match, value, name)
    with transaction.atomic():
        if CallbackExemption.objects.filter(code=code).exists():
            raise Conflict(f"An exemption {code!r} exists already.", code="exemption_exists")
        exemption = CallbackExemption.objects.create(
            code=code, name=name, match=match, value=value, updated_at=now, updated_by=actor
        )
        ExemptionChange.objects.create(
            exemption=exemption,
            changed_at=now,
            changed_by=actor,
            after={name: getattr(exemption, name) for name in _EXEMPTION_FIELDS},
        )
        transaction.on_commit(_forget_exemptions)
    return exemption


def exemption_update(
    *,
    exemption: CallbackExemption,
    actor: User,
    now: dt.datetime,
    active: bool,
    name: str | None = None,
    match: str | None = None,
    value: str | None = None,
) -> CallbackExemption:
    """Switch an exemption on or off, or change what it matches; kept in its history."""
    _admin(actor)
    with transaction.atomic():
        locked = CallbackExemption.objects.select_for_update().filter(pk=exemption.pk).first()
        if locked is None:
            raise NotFound("No such exemption.", code="exemption_not_found")
        before = {field: getattr(locked, field) for field in _EXEMPTION_FIELDS}
        new_match, new_value, new_name = _clean_exemption(
            match if match is not None else locked.match,
            value if value is not None else locked.value,
            name if name is not None else locked.name,
        )
        locked.match, locked.value, locked.name, locked.active = new_match, new_value, new_name, active
        after = {field: getattr(locked, field) for field in _EXEMPTION_FIELDS}
        if after != before:
            locked.updated_at, locked.updated_by = now, actor
            locked.save(update_fields=[*_EXEMPTION_FIELDS, "updated_at", "updated_by"])
            ExemptionChange.objects.create(
                exemption=locked, changed_at=now, changed_by=actor, before=before, after=after
            )
            transaction.on_commit(_forget_exemptions)
    return locked

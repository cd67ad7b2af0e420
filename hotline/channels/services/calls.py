"""Telephony: call events from the call-center platform. A ringing call is pushed to the agent's console
(``channels:panel_call``); the order taken during the call is linked to it by its INTAKE event's
``call_id``; the call's end keeps its duration and recording reference with the order; a call abandoned
before an agent answered waits on the missed-call list (漏话回拨) until someone calls back."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.directory.models import User
from hotline.workorders.models import WorkOrder

from .. import conf
from ..models import Call
from .intake import hotline_for
from .outbound import normalize_phone, sms_send

EVENTS = ("ring", "answer", "end", "abandon")
# a call this old is no longer pushed to a console
_PUSH_WINDOW = dt.timedelta(minutes=10)


def _agent(ref: str) -> User | None:
    if not ref:
        return None
    return User.objects.filter(Q(username=ref) | Q(staff_no=ref), is_active=True).order_by("pk").first()


def telephony_event(
    *,
    event: str,
    call_id: str,
    at: dt.datetime,
    caller: str = "",
    dialled: str = "",
    agent: str = "",
    duration: int | None = None,
    recording: str = "",
) -> Call:
    """Apply one call event. Events may arrive twice or out of order: a call never moves back (an ended
    call stays ended) and a repeated event changes nothing."""
    if event not in EVENTS:
        raise ValidationFailed(
            f"Unknown call event {event!r}.", code="invalid_event", details={"allowed": EVENTS}
        )
    if not call_id.strip():
        raise ValidationFailed("A call event needs call_id.", code="call_id_required")
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(call_id=call_id).first()
        if call is None:
            if not caller:
                raise ValidationFailed(
                    "The first event of a call needs the caller number.", code="caller_required"
                )
            number = dialled.strip() or "12345"
            call = Call.objects.create(
                call_id=call_id[:64],
                caller=normalize_phone(caller),
                dialled=number[:20],
                hotline=hotline_for(number),
                agent=_agent(agent),
                rang_at=at,
            )
        elif agent and call.agent is None:
            call.agent = _agent(agent)
        finished = call.state in (Call.State.ENDED, Call.State.ABANDONED)
        if event == "answer" and not finished:
            call.state, call.answered_at = Call.State.ANSWERED, call.answered_at or at
            call.agent = _agent(agent) or call.agent
            _close_missed(call, at)
        elif event == "end" and not finished:
            if call.state == Call.State.ANSWERED:
                call.state = Call.State.ENDED
            else:
                _abandon(call)
            call.ended_at = at
        elif event == "abandon" and not finished:
            _abandon(call)
            call.ended_at = at
        if event in ("end", "abandon"):
            if duration is not None:
                call.duration_seconds = max(0, int(duration))
            elif call.duration_seconds is None and call.answered_at and call.ended_at:
                call.duration_seconds = int((call.ended_at - call.answered_at).total_seconds())
            if recording:
                call.recording_ref = recording[:300]
        call.save()
    return call


def _abandon(call: Call) -> None:
    call.state = Call.State.ABANDONED
    if call.callback == Call.Callback.NONE:
        call.callback = Call.Callback.PENDING
        if conf.missed_call_sms():
            sms_send(
                to=call.caller,
                template="missed_call",
                context={},
                now=call.rang_at,
                dedupe_key=f"missed:{call.call_id}"[:100],
            )


def _close_missed(call: Call, at: dt.datetime) -> None:
    """The caller got through after all: their earlier missed calls need no call back."""
    Call.objects.filter(caller=call.caller, callback=Call.Callback.PENDING, rang_at__lt=call.rang_at).update(
        callback=Call.Callback.DONE, callback_at=at, callback_note="来电人再次来电已接通"
    )


def call_link_order(*, call_id: str, order: WorkOrder) -> int:
    """Link the call an order was taken on (from the INTAKE event's ``call_id``); the first order wins."""
    return Call.objects.filter(call_id=call_id, order__isnull=True).update(order=order)


def call_for_console(agent: User, *, now: dt.datetime) -> Call | None:
    """The call ringing or in progress at ``agent``'s seat, if any."""
    return (
        Call.objects.filter(
            agent=agent, state__in=[Call.State.RINGING, Call.State.ANSWERED], rang_at__gte=now - _PUSH_WINDOW
        )
        .select_related("hotline", "hotline__default_category", "hotline__default_unit")
        .order_by("-rang_at")
        .first()
    )


def call_mark_pushed(call: Call, *, now: dt.datetime) -> bool:
    """True the first time only: the console is told of each call once."""
    return bool(Call.objects.filter(pk=call.pk, pushed_at__isnull=True).update(pushed_at=now))


def missed_call_resolve(*, call: Call, actor: User, outcome: str, now: dt.datetime, note: str = "") -> Call:
    """Record the call back of a missed call: ``done`` (reached) or ``unreachable``."""
    if outcome not in (Call.Callback.DONE, Call.Callback.UNREACHABLE):
        raise ValidationFailed("The outcome is done or unreachable.", code="invalid_outcome")
    if not (actor.is_center_staff or actor.is_superuser):
        raise Forbidden("Missed calls are called back by the center.", code="center_only")
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.callback != Call.Callback.PENDING:
            raise Conflict("This missed call was already handled.", code="already_called_back")
        locked.callback, locked.callback_at, locked.callback_by = outcome, now, actor
        locked.callback_note = note.strip()[:300]
        locked.save(update_fields=["callback", "callback_at", "callback_by", "callback_note"])
    return locked

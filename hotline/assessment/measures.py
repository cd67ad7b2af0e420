"""The measures (计量项) an assessment counts, each defined once as a filter, so the figure and the orders
behind it (the drill-down) come from the same definition.

Two sources:

- **assignments** (``source="assignment"``): the period covers the assignments dispatched to a unit in it
  (lead and assisting), measured on the foundation's records as they stand at ``as_of`` (the moment of
  computation): signed, returned, done, due dates, the callback on the order;
- **events** (``source="event"``): reminders (催办) and supervision notices (督办) a unit received in the
  period, from the order's event log (``data.unit``).

Exemptions (免责): a cancelled assignment (the order was re-dispatched, not the unit's doing) never counts;
with the scheme's ``exempt_accepted_returns``, a return the center accepted (and an assisting unit's
decline) is not held against the unit either; with ``exempt_approved_extensions`` an approved extension
moves the deadline the unit is judged by, without it an extended assignment is not on time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Assignment, Event, ExtensionRequest, Satisfaction

from .periods import Period

Source = Literal["assignment", "event"]


@dataclass(frozen=True)
class Options:
    """What a scheme decides about exemptions."""

    exempt_accepted_returns: bool = True
    exempt_approved_extensions: bool = True


@dataclass(frozen=True)
class Measure:
    code: str
    label: StrOrPromise
    help: StrOrPromise
    source: Source
    condition: Callable[[dt.datetime, Options], Q]  # on the rows the measure counts (see ``counted``)
    counted: bool = True  # True: only assignments held against the unit (exemptions left out)


LEAD = Assignment.Role.LEAD
_LEAD = Q(role=LEAD)
_RATED_BASE = _LEAD & Q(state=Assignment.State.DONE, round=F("order__reopen_count") + 1)
_RATED = _RATED_BASE & Q(order__satisfaction__in=Satisfaction.values)


def _on_time(options: Options) -> Q:
    ok = Q(done_at__isnull=False) & (Q(due_at__isnull=True) | Q(done_at__lte=F("due_at")))
    if not options.exempt_approved_extensions:
        ok &= Q(extension_count=0)
    return ok


def _overdue(as_of: dt.datetime, options: Options) -> Q:
    late = Q(done_at__isnull=False, due_at__isnull=False, done_at__gt=F("due_at")) | Q(
        done_at__isnull=True, due_at__lt=as_of
    )
    if not options.exempt_approved_extensions:
        late |= Q(done_at__isnull=False, extension_count__gt=0)
    return late


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in [
        Measure(
            "assigned",
            _("assignments"),
            _("Assignments dispatched to the unit in the period, lead and assisting, exemptions left out."),
            "assignment",
            lambda as_of, o: Q(),
        ),
        Measure(
            "exempted",
            _("exempted"),
            _("Assignments not held against the unit: cancelled, or returned with the center's consent."),
            "assignment",
            lambda as_of, o: Q(exempt=True),
            counted=False,
        ),
        Measure(
            "lead_assigned",
            _("as lead unit"),
            _("Assignments as the lead unit (主办)."),
            "assignment",
            lambda as_of, o: _LEAD,
        ),
        Measure(
            "sign_due",
            _("sign-for due"),
            _("Assignments signed for or returned, or whose sign-for limit has passed."),
            "assignment",
            lambda as_of, o: Q(acted_at__isnull=False) | Q(sign_due_at__lt=as_of),
        ),
        Measure(
            "signed_on_time",
            _("signed on time"),
            _("Signed for (or returned) within the sign-for limit."),
            "assignment",
            lambda as_of, o: (
                Q(acted_at__isnull=False) & (Q(sign_due_at__isnull=True) | Q(acted_at__lte=F("sign_due_at")))
            ),
        ),
        Measure(
            "sign_late",
            _("signed late or not signed"),
            _("Signed after the sign-for limit, or still unsigned past it."),
            "assignment",
            lambda as_of, o: (
                Q(acted_at__isnull=False, sign_due_at__isnull=False, acted_at__gt=F("sign_due_at"))
                | Q(acted_at__isnull=True, sign_due_at__lt=as_of)
            ),
        ),
        Measure(
            "completion_due",
            _("completion due"),
            _("Assignments done, or whose handling deadline has passed."),
            "assignment",
            lambda as_of, o: Q(done_at__isnull=False) | Q(due_at__lt=as_of),
        ),
        Measure(
            "completed",
            _("completed"),
            _("Assignments the unit finished: the lead's reply, an assisting unit's contribution."),
            "assignment",
            lambda as_of, o: Q(done_at__isnull=False),
        ),
        Measure(
            "completed_on_time",
            _("completed on time"),
            _("Finished by the handling deadline (an approved extension or a commitment moves it)."),
            "assignment",
            lambda as_of, o: _on_time(o),
        ),
        Measure(
            "overdue",
            _("overdue"),
            _("Finished after the deadline, or still open past it."),
            "assignment",
            lambda as_of, o: _overdue(as_of, o),
        ),
        Measure(
            "response_due",
            _("response due"),
            _(
                "Lead assignments whose caller has heard from the unit, or whose progress deadline "
                "(5 working days from intake) has passed."
            ),
            "assignment",
            # the deadline test first: for a finished period it settles most rows without a look-up
            lambda as_of, o: _LEAD & (Q(response_deadline__lt=as_of) | Q(responded=True)),
        ),
        Measure(
            "responded_on_time",
            _("responded on time"),
            _(
                "A public progress note, commitment reply or reply reached the caller by the progress deadline."
            ),
            "assignment",
            lambda as_of, o: _LEAD & Q(responded_in_time=True),
        ),
        Measure(
            "rated",
            _("rated by the caller"),
            _("Orders the unit replied to as lead whose callback gave a satisfaction (the final result)."),
            "assignment",
            lambda as_of, o: _RATED,
        ),
        Measure(
            "satisfied",
            _("satisfied"),
            _("Callback: satisfied (满意)."),
            "assignment",
            lambda as_of, o: _RATED_BASE & Q(order__satisfaction=Satisfaction.SATISFIED),
        ),
        Measure(
            "basically",
            _("basically satisfied"),
            _("Callback: basically satisfied (基本满意)."),
            "assignment",
            lambda as_of, o: _RATED_BASE & Q(order__satisfaction=Satisfaction.BASICALLY),
        ),
        Measure(
            "dissatisfied",
            _("dissatisfied"),
            _("Callback: dissatisfied (不满意)."),
            "assignment",
            lambda as_of, o: _RATED_BASE & Q(order__satisfaction=Satisfaction.DISSATISFIED),
        ),
        Measure(
            "resolved",
            _("resolved"),
            _("Callback: the caller says the problem was solved."),
            "assignment",
            lambda as_of, o: _RATED & Q(order__solved=True),
        ),
        Measure(
            "reopened",
            _("reopened"),
            _("Orders the unit replied to as lead that were reopened (重办) after the callback."),
            "assignment",
            lambda as_of, o: _LEAD & Q(state=Assignment.State.DONE, round=1, order__reopen_count__gt=0),
        ),
        Measure(
            "returns",
            _("returns"),
            _("Lead assignments the unit returned (退回), whatever the center decided."),
            "assignment",
            lambda as_of, o: Q(role=LEAD, returned_at__isnull=False),
            counted=False,
        ),
        Measure(
            "returns_accepted",
            _("returns accepted"),
            _("Returns the center accepted as not the unit's duty (and did not send back to it)."),
            "assignment",
            lambda as_of, o: Q(role=LEAD, return_accepted=True),
            counted=False,
        ),
        Measure(
            "returns_rejected",
            _("returns rejected"),
            _("Returns the center rejected as within the unit's duty."),
            "assignment",
            lambda as_of, o: Q(role=LEAD, return_rejected=True),
            counted=False,
        ),
        Measure(
            "extension_requests",
            _("extension requests"),
            _("Assignments for which the unit asked for more time."),
            "assignment",
            lambda as_of, o: Q(extension_requested=True),
        ),
        Measure(
            "extensions_approved",
            _("extensions approved"),
            _("Assignments whose deadline the center extended."),
            "assignment",
            lambda as_of, o: Q(extension_count__gt=0),
        ),
        Measure(
            "reminders",
            _("reminders received"),
            _("Reminders (催办) sent to the unit in the period."),
            "event",
            lambda as_of, o: Q(action=Action.REMIND),
            counted=False,
        ),
        Measure(
            "supervisions",
            _("supervision notices received"),
            _("Supervision notices (督办) issued to the unit in the period."),
            "event",
            lambda as_of, o: Q(action=Action.SUPERVISE),
            counted=False,
        ),
    ]
}
ASSIGNMENT_MEASURES = [code for code, m in MEASURES.items() if m.source == "assignment"]
EVENT_MEASURES = [code for code, m in MEASURES.items() if m.source == "event"]
EVENT_ACTIONS = [Action.REMIND, Action.SUPERVISE]


def assignment_cohort(period: Period, *, options: Options) -> QuerySet[Assignment]:
    """The assignments dispatched in ``period``, annotated with what the measures read."""
    responses = Event.objects.filter(
        assignment=OuterRef("pk"), action__in=[Action.NOTE, Action.COMMIT, Action.REPLY]
    ).exclude(action=Action.NOTE, data__public=False)
    returned = Q(returned_at__isnull=False)
    # A return is decided by the assignment's own columns: rejected ones were reinstated (state no longer
    # "returned"); a "returned" one is accepted unless it is the order's newest lead assignment and the
    # order still awaits the center's review. Only that rare case needs a look-up.
    newest_lead = (
        Assignment.objects.filter(order=OuterRef("order_id"), role=LEAD).order_by("-pk").values("pk")[:1]
    )
    accepted = Case(
        When(~returned | ~Q(role=LEAD) | ~Q(state=Assignment.State.RETURNED), then=Value(False)),
        When(~Q(order__status=Status.RETURNED), then=Value(True)),
        default=~Q(pk=Subquery(newest_lead)),
        output_field=BooleanField(),
    )
    exempt_when = [
        When(state=Assignment.State.CANCELLED, then=Value(True)),
        When(returned_at__isnull=True, then=Value(False)),
    ]
    if options.exempt_accepted_returns:
        exempt_when += [
            When(~Q(state=Assignment.State.RETURNED), then=Value(False)),  # rejected, reinstated
            When(role=Assignment.Role.ASSIST, then=Value(True)),  # an assisting unit's decline
            When(~Q(order__status=Status.RETURNED), then=Value(True)),  # accepted (see above)
            When(pk=Subquery(newest_lead), then=Value(False)),  # awaiting the review
            When(returned, then=Value(True)),  # an earlier return of the order, accepted
        ]
    return (
        Assignment.objects.filter(dispatched_at__gte=period.start_at(), dispatched_at__lt=period.end_at())
        .annotate(
            acted_at=Least(Coalesce("signed_at", "returned_at"), Coalesce("returned_at", "signed_at")),
            response_deadline=Case(
                When(order__progress_due_at__gt=F("dispatched_at"), then=F("order__progress_due_at")),
                default=F("due_at"),
                output_field=DateTimeField(),
            ),
            return_accepted=accepted,
            return_rejected=Case(
                When(returned & Q(role=LEAD) & ~Q(state=Assignment.State.RETURNED), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            extension_requested=Case(
                When(
                    Q(extension_count__gt=0), then=Value(True)
                ),  # an approved extension was requested; only the others need a look-up
                default=Exists(ExtensionRequest.objects.filter(assignment=OuterRef("pk"))),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            exempt=Case(*exempt_when, default=Value(False), output_field=BooleanField()),
            # heard from the unit at all, and by the deadline (two look-ups instead of one "first response"
            # that PostgreSQL would evaluate once per place it is used)
            responded=Case(
                When(role=LEAD, then=Exists(responses)), default=Value(False), output_field=BooleanField()
            ),
            responded_in_time=Case(
                When(~Q(role=LEAD), then=Value(False)),
                When(response_deadline__isnull=True, then=Exists(responses)),
                default=Exists(responses.filter(at__lte=OuterRef("response_deadline"))),
                output_field=BooleanField(),
            ),
        )
    )


def event_base(period: Period) -> QuerySet[Event]:
    return Event.objects.filter(action__in=EVENT_ACTIONS, at__gte=period.start_at(), at__lt=period.end_at())


def condition(code: str, *, as_of: dt.datetime, options: Options) -> Q:
    """The whole filter of a measure on the cohort (or the events): what its drill-down lists."""
    measure = MEASURES[code]
    where = measure.condition(as_of, options)
    if measure.source == "assignment" and measure.counted:
        return Q(exempt=False) & where
    return where


# Assignments any uncounted measure (exemptions, returns) can match: returned or cancelled ones.
UNCOUNTED_ROWS = Q(returned_at__isnull=False) | Q(state=Assignment.State.CANCELLED)

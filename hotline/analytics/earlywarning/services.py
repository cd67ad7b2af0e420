"""The early-warning scan and what is done with an alert.

``scan`` reads the daily counters per category × district (``cd``) and per category citywide
(``category``), applies the rules of ``rules.py`` to today so far and to yesterday, and raises one
``Alert`` per cause and period (the ``cause_key`` is unique: a spike once per day, an emerging problem
and a trend once per ISO week). Each new alert goes to the supervisors, in the app and by SMS (template
``early_warning``), after commit. The worker runs the scan every 30 minutes; ``hotline analytics warn``
runs it by hand.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hotline.core.clock import localtime
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.directory.models import Role, User

from ..models import Alert, DailyStat
from ..selectors.dashboards import labels
from . import rules

log = logging.getLogger(__name__)

# the history the rules read: the baseline weeks, the trend weeks and last year's season
_LOOKBACK = max(7 * rules.BASELINE_WEEKS + 3, 7 * rules.TREND_WEEKS)


def _has_year_of_history(day: dt.date) -> bool:
    return DailyStat.objects.filter(
        dimension="all", day__lte=day - dt.timedelta(days=rules.YEAR + 7)
    ).exists()


def _load(day: dt.date, *, seasonal: bool) -> dict[tuple[str, str], dict[dt.date, int]]:
    """Daily receipts per (dimension, key) over the days the rules read."""
    ranges = [(day - dt.timedelta(days=_LOOKBACK), day)]
    if seasonal:
        year_ago = day - dt.timedelta(days=rules.YEAR)
        ranges.append((year_ago - dt.timedelta(days=_LOOKBACK + 7), year_ago + dt.timedelta(days=7)))
    series: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(dict)
    for start, end in ranges:
        rows = DailyStat.objects.filter(
            dimension__in=("cd", "category"), day__gte=start, day__lte=end, received__gt=0
        ).values_list("dimension", "key", "day", "received")
        for dimension, key, when, received in rows:
            series[(dimension, key)][when] = received
    return series


def _count_of(counts: dict[dt.date, int], day: dt.date) -> int:
    return counts.get(day, 0)


def _cause_key(finding: rules.Finding, category: str, district: str) -> str:
    if finding.kind == "sudden":
        period = finding.end.isoformat()
    else:
        year, week, _ = finding.end.isocalendar()
        period = f"{year}-W{week:02d}"
    return f"{finding.kind}:{category}:{district or '*'}:{period}"


def scan(*, now: dt.datetime, days: tuple[dt.date, ...] | None = None) -> list[Alert]:
    """Evaluate the rules for today and yesterday (or ``days``); returns the alerts newly raised."""
    today = localtime(now).date()
    days = days or (today - dt.timedelta(days=1), today)
    raised: list[Alert] = []
    for day in days:
        seasonal = _has_year_of_history(day)
        series = _load(day, seasonal=seasonal)
        for (dimension, key), counts in series.items():
            if dimension == "cd":
                category, _sep, district = key.partition(":")
            else:
                category, district = key, ""
            if not category or (dimension == "cd" and not district):
                continue  # unclassified orders, or no district: nothing to warn a supervisor about
            if not any(when > day - dt.timedelta(days=7 * rules.TREND_WEEKS) for when in counts):
                continue
            for rule in rules.RULES:
                finding = rule(functools.partial(_count_of, counts), day, seasonal=seasonal)
                if finding is not None:
                    alert = _raise(finding, category=category, district=district, now=now)
                    if alert is not None:
                        raised.append(alert)
    return raised


def _raise(finding: rules.Finding, *, category: str, district: str, now: dt.datetime) -> Alert | None:
    cause = _cause_key(finding, category, district)
    if Alert.objects.filter(cause_key=cause).exists():
        return None
    names = labels("category", [category])
    district_names = labels("district", [district]) if district else {}
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=finding.kind,
                cause_key=cause,
                category_id=int(category),
                district_id=int(district) if district else None,
                category_name=names.get(category, category),
                district_name=district_names.get(district, "") if district else "",
                period_start=finding.start,
                period_end=finding.end,
                observed=finding.observed,
                expected=finding.expected,
                threshold=finding.threshold,
                details=finding.details,
                created_at=now,
            )
            transaction.on_commit(lambda: deliver(alert, now=now))
    except IntegrityError:  # another scan raised it at the same moment
        return None
    return alert


def alert_text(alert: Alert) -> str:
    where = alert.district_name or _("whole city")
    return _(
        "%(kind)s: %(category)s in %(where)s, %(observed)d orders from %(start)s to %(end)s (expected %(expected).1f)"
    ) % {
        "kind": alert.get_kind_display(),
        "category": alert.category_name,
        "where": where,
        "observed": alert.observed,
        "start": alert.period_start.strftime("%m-%d"),
        "end": alert.period_end.strftime("%m-%d"),
        "expected": alert.expected,
    }


def deliver(alert: Alert, *, now: dt.datetime) -> None:
    """Tell the supervisors: an in-app notification and an SMS to each supervisor with a phone."""
    from hotline.channels.services import sms_send
    from hotline.notifications.services import notify_role

    with translation.override(settings.LANGUAGE_CODE):
        text = alert_text(alert)
        url = reverse("analytics:alert", args=[alert.pk])
        try:
            notify_role(
                role=Role.SUPERVISOR,
                kind="early_warning",
                title=_("Early warning"),
                body=text,
                url=url,
                now=now,
            )
        except Exception:
            log.exception("early warning %s: in-app notification failed", alert.cause_key)
        supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).exclude(phone="")
        for user in supervisors:
            try:
                with transaction.atomic():
                    sms_send(
                        to=user.phone,
                        template="early_warning",
                        context={"text": text},
                        now=now,
                        dedupe_key=f"early_warning:{alert.cause_key}:{user.pk}",
                    )
            except Exception:
                log.exception("early warning %s: SMS to %s not queued", alert.cause_key, user)


HANDLERS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.DISPATCHER})


def alert_handle(*, alert: Alert, actor: User, state: str, note: str = "", now: dt.datetime) -> Alert:
    """Acknowledge (being dealt with) or dismiss (a false alarm, with a note) an open alert."""
    if actor.role not in HANDLERS and not actor.is_superuser:
        raise Forbidden("Your role may not handle early warnings.", code="action_not_permitted")
    if state not in (Alert.State.ACKNOWLEDGED, Alert.State.DISMISSED):
        raise ValidationFailed(f"Unknown state {state!r}.", code="invalid_state")
    if state == Alert.State.DISMISSED and not note.strip():
        raise ValidationFailed("Say why the warning is dismissed.", code="reason_required")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.state != Alert.State.OPEN:
            raise Conflict("This warning was already handled.", code="alert_handled")
        locked.state, locked.handled_by, locked.handled_at, locked.note = state, actor, now, note.strip()
        locked.save(update_fields=["state", "handled_by", "handled_at", "note"])
    return locked

"""Early warning: the statistical rules on synthetic series, and the scan that raises each alert once per
cause and period and tells the supervisors (in the app and by SMS)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from hotline.analytics.earlywarning import rules
from hotline.analytics.earlywarning.services import alert_handle, scan
from hotline.analytics.models import Alert, DailyStat
from hotline.core.errors import Conflict, ValidationFailed

DAY = dt.date(2026, 11, 16)  # a Monday


def series(values: dict[dt.date, int]):
    return lambda day: values.get(day, 0)


def steady(level: int, days: int = 120, *, seed: int = 1, end: dt.date = DAY) -> dict[dt.date, int]:
    rng = random.Random(seed)
    return {end - dt.timedelta(days=i): max(0, level + rng.choice([-1, 0, 0, 1])) for i in range(1, days)}


def test_sudden_spike_fires_only_well_above_the_seasonal_baseline():
    values = steady(3)
    assert rules.sudden(series({**values, DAY: 6}), DAY, seasonal=False) is None
    finding = rules.sudden(series({**values, DAY: 15}), DAY, seasonal=False)
    assert finding is not None and finding.kind == "sudden" and finding.observed == 15
    assert 2 <= finding.expected <= 4 and finding.threshold < 15


def test_weekly_seasonality_is_not_a_spike():
    # Mondays always bring ten orders, other days two: a Monday of twelve is normal
    values = {
        DAY - dt.timedelta(days=i): (10 if (DAY - dt.timedelta(days=i)).weekday() == 0 else 2)
        for i in range(1, 90)
    }
    assert rules.sudden(series({**values, DAY: 12}), DAY, seasonal=False) is None
    assert rules.sudden(series({**values, DAY: 30}), DAY, seasonal=False) is not None


def test_quiet_series_needs_a_real_jump():
    assert rules.sudden(series({DAY: 4}), DAY, seasonal=False) is None  # below SUDDEN_MIN
    assert rules.sudden(series({DAY: 5}), DAY, seasonal=False) is not None


def test_emerging_problem_where_there_was_none():
    recent = {DAY: 2, DAY - dt.timedelta(days=1): 1, DAY - dt.timedelta(days=2): 1}
    finding = rules.emerging(series(recent), DAY, seasonal=False)
    assert finding is not None and finding.observed == 4 and finding.start == DAY - dt.timedelta(days=2)
    busy = {**steady(2), **recent}
    assert rules.emerging(series(busy), DAY, seasonal=False) is None  # it was never rare


def test_rising_trend_and_seasonal_rise():
    weeks = [5, 7, 9, 12, 15, 20]
    values: dict[dt.date, int] = {}
    for index, total in enumerate(weeks):
        end = DAY - dt.timedelta(weeks=len(weeks) - 1 - index)
        for day in range(7):
            values[end - dt.timedelta(days=day)] = total // 7 + (1 if day < total % 7 else 0)
    finding = rules.trend(series(values), DAY, seasonal=False)
    assert finding is not None and finding.observed == 20 and finding.details["weeks"] == weeks
    flat = {day: 2 for day in values}
    assert rules.trend(series(flat), DAY, seasonal=False) is None
    # the same rise a year ago: the season, not a warning
    last_year = {day - dt.timedelta(days=rules.YEAR): count for day, count in values.items()}
    assert rules.trend(series({**values, **last_year}), DAY, seasonal=True) is None


@pytest.mark.django_db
def test_scan_raises_once_and_tells_the_supervisors(
    city, supervisor, now, django_capture_on_commit_callbacks
):
    from hotline.channels.models import OutboundMessage
    from hotline.notifications.models import Notification

    supervisor.phone = "13700001234"
    supervisor.save()
    root = type(city.category).objects.get_parent(city.category)
    key = f"{root.pk}:{city.district.pk}"
    today = now.date()
    rows = [
        DailyStat(day=today - dt.timedelta(days=i), dimension="cd", key=key, received=2) for i in range(1, 70)
    ]
    rows.append(DailyStat(day=today, dimension="cd", key=key, received=14))
    DailyStat.objects.bulk_create(rows)
    with django_capture_on_commit_callbacks(execute=True):
        alerts = scan(now=now)
    assert [(a.kind, a.category_id, a.district_id) for a in alerts] == [("sudden", root.pk, city.district.pk)]
    alert = alerts[0]
    assert alert.category_name == root.name and alert.district_name == city.district.name
    note = Notification.objects.get(recipient=supervisor, kind="early_warning")
    assert city.district.name in note.body and note.url.endswith(f"/alerts/{alert.pk}/")
    sms = OutboundMessage.objects.get(to="13700001234", template="early_warning")
    assert city.district.name in sms.body
    # the same cause and day fires once
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(now=now + dt.timedelta(hours=1)) == []
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="early_warning").count() == 1


@pytest.mark.django_db
def test_handling_an_alert(supervisor, agent, now):
    alert = Alert.objects.create(
        kind="sudden", cause_key="sudden:1:2:2026-11-16", category_id=1, district_id=2, period_start=now.date(),
        period_end=now.date(), observed=14, expected=2, threshold=8, created_at=now,
    )  # fmt: skip
    from hotline.core.errors import Forbidden

    with pytest.raises(Forbidden):
        alert_handle(alert=alert, actor=agent, state="acknowledged", now=now)
    with pytest.raises(ValidationFailed):
        alert_handle(alert=alert, actor=supervisor, state="dismissed", now=now)
    handled = alert_handle(alert=alert, actor=supervisor, state="acknowledged", note="已派员核查", now=now)
    assert handled.state == "acknowledged" and handled.handled_by == supervisor
    with pytest.raises(Conflict):
        alert_handle(alert=alert, actor=supervisor, state="dismissed", note="误报", now=now)


@pytest.mark.django_db
def test_worker_jobs_run(city, now, monkeypatch):
    from hotline.analytics import tasks
    from hotline.core import clock

    monkeypatch.setattr(clock, "now", lambda: now)
    assert tasks.early_warning_scan.call_local() == 0
    assert tasks.warm_hot_issues.call_local() == 2  # the 7- and 30-day windows

"""The SLA sweep marks due-soon, sign-overdue and overdue assignments exactly once."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.sla.services import sla_sweep
from hotline.sla.tasks import sweep
from hotline.workorders import services as wo
from hotline.workorders.models import Event
from hotline.workorders.queues import due_soon_assignments, overdue_assignments

pytestmark = pytest.mark.django_db


def test_sweep_marks_each_cause_once(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    assignment = order.assignments.get()
    assert sla_sweep(now=now) == {"sign_overdue": 0, "due_soon": 0, "overdue": 0}
    late_to_sign = assignment.sign_due_at + dt.timedelta(minutes=1)
    assert sla_sweep(now=late_to_sign)["sign_overdue"] == 1
    assert sla_sweep(now=late_to_sign)["sign_overdue"] == 0
    wo.workorder_sign(order=order, actor=unit_handler, now=late_to_sign)
    assignment.refresh_from_db()
    warn = assignment.warn_at + dt.timedelta(minutes=1)
    assert due_soon_assignments(dispatcher, now=warn).count() == 1
    assert sla_sweep(now=warn)["due_soon"] == 1
    assert sla_sweep(now=warn)["due_soon"] == 0
    late = assignment.due_at + dt.timedelta(minutes=1)
    assert overdue_assignments(dispatcher, now=late).count() == 1
    assert sla_sweep(now=late) == {"sign_overdue": 0, "due_soon": 0, "overdue": 1}
    assert sla_sweep(now=late + dt.timedelta(days=3))["overdue"] == 0
    marks = list(Event.objects.filter(order=order, action__startswith="sla_").values_list("action", "reason"))
    assert marks == [("sla_overdue", "sign_overdue"), ("sla_warning", "due_soon"), ("sla_overdue", "overdue")]
    first = Event.objects.filter(order=order, action="sla_overdue").first()
    assert first is not None and first.actor is None


def test_sweep_mark_does_not_invalidate_a_users_version(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    seen = order.version
    sla_sweep(now=order.assignments.get().sign_due_at + dt.timedelta(minutes=1))
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now, version=seen)
    assert order.status == "in_progress"


def test_periodic_task_runs_the_sweep(make_order, city, dispatcher):
    # huey runs tasks immediately in tests; the task sweeps at the real "now", long after 2026-11-16
    wo.workorder_dispatch(
        order=make_order(at=dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC)),
        actor=dispatcher,
        lead=city.water,
        now=dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC),
    )
    result = sweep.call_local()
    assert result["overdue"] == 1 and result["sign_overdue"] == 1

"""Event delivery: one worker job per transaction, in order, after commit only, a failing listener
isolated from the others and from the action."""

from __future__ import annotations

import pytest
from django.db import transaction

from hotline.workorders import events
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    got: list[tuple[str, str]] = []
    monkeypatch.setattr(events, "event_listeners", [lambda e: got.append((e.order.number, e.action))])
    jobs: list[list[int]] = []
    real = events.deliver

    def counting(ids):
        jobs.append(list(ids))
        return real(ids)

    monkeypatch.setattr("hotline.workorders.tasks.deliver", counting)
    return got, jobs


def test_one_job_delivers_a_transactions_events_in_order(
    heard, agent, city, now, django_capture_on_commit_callbacks
):
    got, jobs = heard
    with django_capture_on_commit_callbacks(execute=True):
        order = wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="complaint",
            title="路灯不亮",
            content="幸福里路灯坏了",
            caller=wo.Caller(phone="13800001111"),
            now=now,
        )
    assert got == [(order.number, "intake"), (order.number, "accept")]
    assert len(jobs) == 1 and len(jobs[0]) == 2


def test_nothing_is_delivered_for_a_rolled_back_transaction(
    heard, make_order, dispatcher, city, now, django_capture_on_commit_callbacks
):
    got, _jobs = heard
    order = make_order()
    got.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
                raise RuntimeError("the view failed after the service")
        except RuntimeError:
            pass
        wo.workorder_note(order=order, actor=dispatcher, text="已联系来电人", now=now)
    assert got == [(order.number, "note")]


def test_a_failing_listener_does_not_stop_the_others(
    monkeypatch, make_order, now, django_capture_on_commit_callbacks, agent
):
    got: list[str] = []

    def broken(event):
        raise ValueError("listener bug")

    monkeypatch.setattr(events, "event_listeners", [broken, lambda e: got.append(e.action)])
    order = make_order()
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_note(order=order, actor=agent, text="已回电", now=now)
    assert got == ["note"]
    assert order.events.filter(action="note").exists()


def test_history_written_with_delivery_suppressed_reaches_no_listener(
    heard, make_order, dispatcher, city, now, django_capture_on_commit_callbacks
):
    got, jobs = heard
    order = make_order()
    got.clear()
    jobs.clear()
    with django_capture_on_commit_callbacks(execute=True), events.delivery_suppressed():
        wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    assert got == [] and jobs == []
    assert order.events.filter(action="dispatch").exists()  # recorded all the same
    with django_capture_on_commit_callbacks(execute=True):  # and delivery resumes after the block
        wo.workorder_note(order=order, actor=dispatcher, text="已联系", now=now)
    assert got == [(order.number, "note")]

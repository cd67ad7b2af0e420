"""Every role's queue: center queues, a unit's inbox tabs, and the supervision lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core.errors import Forbidden, ValidationFailed
from hotline.workorders import queues
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


def test_center_queues_follow_the_status(make_order, city, agent, dispatcher, now):
    waiting = make_order()
    received = make_order(accept=False, channel="web")
    dispatched = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    assert list(queues.center_queue(dispatcher, "dispatch")) == [waiting]
    assert list(queues.center_queue(agent, queues.CenterQueue.INTAKE)) == [received]
    assert dispatched not in queues.center_queue(dispatcher, "dispatch")
    counts = queues.center_queue_counts(dispatcher)
    assert counts["dispatch"] == 1 and counts["intake"] == 1 and counts["review"] == 0


def test_urgent_orders_come_first_in_the_dispatch_queue(make_order, dispatcher, now):
    first = make_order(at=now - dt.timedelta(hours=2))
    urgent = make_order(urgency="urgent", at=now - dt.timedelta(hours=1))
    emergency = make_order(urgency="emergency", at=now - dt.timedelta(minutes=5))
    assert list(queues.center_queue(dispatcher, "dispatch")) == [emergency, urgent, first]


def test_center_queues_refuse_unit_staff_and_unknown_names(unit_handler, dispatcher):
    with pytest.raises(Forbidden):
        queues.center_queue(unit_handler, "dispatch")
    with pytest.raises(ValidationFailed) as exc:
        queues.center_queue(dispatcher, "nonsense")
    assert exc.value.code == "invalid_queue"


def test_unit_inbox_tabs(make_order, city, dispatcher, unit_handler, other_handler, now):
    to_sign = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    signed = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=signed, actor=unit_handler, now=now)
    wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.urban, now=now)

    def numbers(user, tab, at=now):
        return [a.order.number for a in queues.unit_inbox(user, tab, now=at)]

    assert numbers(unit_handler, "to_sign") == [to_sign.number]
    assert numbers(unit_handler, "in_progress") == [signed.number]
    assert len(numbers(other_handler, "to_sign")) == 1  # the other unit sees only its own
    due = signed.assignments.get().due_at
    assert numbers(unit_handler, "overdue", due + dt.timedelta(minutes=1)) == [to_sign.number, signed.number]
    assert numbers(unit_handler, "overdue") == []
    counts = queues.unit_inbox_counts(unit_handler, now=now)
    assert counts == {
        "to_sign": 1,
        "in_progress": 1,
        "due_soon": 0,
        "overdue": 0,
        "returned": 0,
        "closed": 0,
    }


def test_returned_and_closed_tabs(make_order, city, dispatcher, agent, unit_handler, now):
    returned = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_return(order=returned, actor=unit_handler, reason="不属于本单位", now=now)
    done = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=done, actor=unit_handler, now=now)
    wo.workorder_reply(order=done, actor=unit_handler, text="已处理", solved=True, now=now)
    wo.workorder_review_reply(order=done, actor=dispatcher, accept=True, now=now)
    wo.workorder_callback(order=done, actor=agent, satisfaction="satisfied", solved=True, now=now)
    assert [a.order_id for a in queues.unit_inbox(unit_handler, "returned", now=now)] == [returned.pk]
    assert [a.order_id for a in queues.unit_inbox(unit_handler, "closed", now=now)] == [done.pk]


def test_inbox_is_for_units_and_costs_one_query(make_order, city, dispatcher, unit_handler, now):
    for _ in range(5):
        wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    with pytest.raises(Forbidden):
        queues.unit_inbox(dispatcher, "to_sign", now=now)
    with CaptureQueriesContext(connection) as ctx:
        rows = [
            (a.order.number, a.order.category.name, a.unit.name)
            for a in queues.unit_inbox(unit_handler, "to_sign", now=now)
        ]
    assert len(rows) == 5
    assert len(ctx.captured_queries) <= 2  # the inbox, plus the user's unit scope at most


def test_supervision_lists(make_order, city, dispatcher, unit_handler, other_handler, supervisor, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_return(order=order, actor=unit_handler, reason="属城管职责", now=now)
    wo.workorder_review_return(order=order, actor=dispatcher, accept=True, now=now)
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.urban, now=now)
    assert list(queues.repeatedly_returned(supervisor)) == []
    wo.workorder_return(order=order, actor=other_handler, reason="属水务职责", now=now)
    [found] = queues.repeatedly_returned(supervisor)
    assert (found.return_count, found.returning_units) == (2, 2)
    assert list(queues.passed_between_units(supervisor)) == [order]

    late = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    assignment = late.assignments.get()
    after = assignment.due_at + dt.timedelta(hours=1)
    assert list(queues.overdue_assignments(supervisor, now=after)) == [assignment]
    assert list(queues.sign_overdue_assignments(supervisor, now=after)) == [assignment]
    warn = assignment.warn_at + dt.timedelta(minutes=1)
    assert list(queues.due_soon_assignments(supervisor, now=warn)) == [assignment]
    with pytest.raises(Forbidden):
        queues.overdue_assignments(unit_handler, now=after)

"""The dashboards' aggregates: hand-counted figures, and the incremental counters equal to a full recount
after a run of lifecycle actions."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.analytics import counters
from hotline.analytics.models import DailyStat, OrderFact
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


def _stat(day, dimension, key):
    return DailyStat.objects.filter(day=day, dimension=dimension, key=key).first()


def test_hand_counted_receipts(make_order, city, now, run_commits):
    with run_commits():
        make_order(channel="phone")
        make_order(channel="phone", request_type="help")
        make_order(channel="web", accept=False)
        make_order(channel="phone", at=now - dt.timedelta(days=1))
    today, yesterday = now.date(), now.date() - dt.timedelta(days=1)
    assert _stat(today, "all", "").received == 3
    assert _stat(yesterday, "all", "").received == 1
    assert _stat(today, "channel", "phone").received == 2
    assert _stat(today, "channel", "web").received == 1
    assert _stat(today, "type", "complaint").received == 2
    assert _stat(today, "type", "help").received == 1
    root = type(city.category).objects.get_parent(city.category)
    assert _stat(today, "category", str(root.pk)).received == 3  # counted under the level-1 category
    assert _stat(today, "district", str(city.district.pk)).received == 3  # the street's district
    assert _stat(today, "hour", "09:phone").received == 2
    assert _stat(today, "cd", f"{root.pk}:{city.district.pk}").received == 3


def test_outcomes_replies_and_callbacks(make_order, city, agent, dispatcher, unit_handler, now, run_commits):
    later = now + dt.timedelta(hours=2)
    with run_commits():
        answered = make_order()
        wo.workorder_answer(order=answered, actor=agent, answer="已答复", now=now)
        rejected = make_order()
        wo.workorder_reject(order=rejected, actor=agent, reason_code="jurisdiction", now=now)
        handled = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
        handled = wo.workorder_sign(order=handled, actor=unit_handler, now=now)
        handled = wo.workorder_reply(order=handled, actor=unit_handler, text="已修复", solved=True, now=later)
        handled = wo.workorder_review_reply(order=handled, actor=dispatcher, accept=True, now=later)
        wo.workorder_callback(order=handled, actor=agent, satisfaction="satisfied", solved=True, now=later)
    row = _stat(now.date(), "all", "")
    assert (row.received, row.answered, row.rejected, row.closed) == (3, 1, 1, 1)
    assert (row.replied, row.on_time, row.callbacks, row.satisfied, row.solved) == (1, 1, 1, 1, 1)
    unit_row = _stat(now.date(), "unit", str(city.water.pk))
    assert (unit_row.received, unit_row.replied, unit_row.satisfied) == (1, 1, 1)
    # orders never dispatched count under no unit
    assert _stat(now.date(), "unit", "").received == 2


def test_late_reply_is_not_on_time(make_order, city, dispatcher, unit_handler, now, run_commits):
    with run_commits():
        order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
        order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
        late = order.assignments.get().due_at + dt.timedelta(hours=1)
        wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=late)
    row = _stat(late.date(), "all", "")
    assert (row.replied, row.on_time) == (1, 0)


def test_incremental_counters_equal_a_full_recount(
    make_order, city, west, agent, dispatcher, unit_handler, other_handler, supervisor, now, run_commits
):
    step = dt.timedelta(hours=3)
    at = now
    with run_commits():
        orders = [make_order(at=at - dt.timedelta(days=i)) for i in range(6)]
        web = make_order(channel="web", accept=False)
        # a wrong dispatch, returned and re-dispatched to another unit
        first = wo.workorder_dispatch(order=orders[0], actor=dispatcher, lead=city.urban, now=at)
        first = wo.workorder_return(order=first, actor=other_handler, reason="不属于本单位", now=at)
        first = wo.workorder_review_return(order=first, actor=dispatcher, accept=True, now=at + step)
        first = wo.workorder_dispatch(order=first, actor=dispatcher, lead=city.water, now=at + step)
        first = wo.workorder_sign(order=first, actor=unit_handler, now=at + step)
        first = wo.workorder_reply(
            order=first, actor=unit_handler, text="已处理", solved=False, now=at + 2 * step
        )
        first = wo.workorder_review_reply(order=first, actor=dispatcher, accept=True, now=at + 2 * step)
        first = wo.workorder_callback(
            order=first, actor=agent, satisfaction="dissatisfied", solved=False, now=at + 3 * step
        )
        # reopened: its first reply and callback no longer count, the second handling does
        first = wo.workorder_reopen(order=first, actor=agent, now=at + 4 * step)
        first = wo.workorder_dispatch(order=first, actor=dispatcher, lead=city.water, now=at + 4 * step)
        # corrected category and place move the order's receipt to the new keys
        wo.workorder_update(
            order=orders[1], actor=agent, category=west["noise"], division=west["street"], now=at + step
        )
        # sent back for rework, then replied again
        second = wo.workorder_dispatch(order=orders[2], actor=dispatcher, lead=city.water, now=at)
        second = wo.workorder_sign(order=second, actor=unit_handler, now=at)
        second = wo.workorder_reply(order=second, actor=unit_handler, text="初步", solved=True, now=at + step)
        second = wo.workorder_review_reply(
            order=second, actor=dispatcher, accept=False, comment="请补充", now=at + step
        )
        second = wo.workorder_reply(
            order=second, actor=unit_handler, text="补充", solved=True, now=at + 2 * step
        )
        wo.workorder_merge(order=orders[3], master=orders[4], actor=agent, now=at)
        wo.workorder_answer(order=web, actor=agent, answer="已解答", now=at)
        wo.workorder_reject(order=orders[5], actor=agent, reason_code="jurisdiction", now=at)
    assert counters.verify() == []
    assert OrderFact.objects.count() == 7
    # the reopened order counts under its new dispatch, with no reply yet
    fact = OrderFact.objects.get(order=first)
    assert (fact.unit_id, fact.replied_day, fact.callback_day, fact.outcome) == (
        city.water.pk,
        None,
        None,
        "",
    )
    moved = OrderFact.objects.get(order=orders[1])
    assert (moved.category_id, moved.district_id) == (west["root"].pk, west["district"].pk)


def test_rebuild_restores_the_counters(make_order, now, run_commits):
    with run_commits():
        make_order()
        make_order(at=now - dt.timedelta(days=3))
    before = counters.stored_counters()
    DailyStat.objects.all().delete()
    OrderFact.objects.all().delete()
    result = counters.rebuild(batch=1)
    assert result["orders"] == 2
    assert counters.stored_counters() == before
    assert counters.verify() == []


def test_refresh_is_idempotent(make_order, run_commits):
    with run_commits():
        order = make_order()
    before = counters.stored_counters()
    assert counters.refresh_orders([order.pk, order.pk]) == 0
    assert counters.stored_counters() == before


def test_maintenance_commands(make_order, now, run_commits, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with run_commits():
        make_order()
    call_command("analytics", "verify")
    assert "agree" in capsys.readouterr().out
    DailyStat.objects.filter(dimension="all").update(received=99)
    with pytest.raises(CommandError, match="differ"):
        call_command("analytics", "verify")
    call_command("analytics", "rebuild")
    assert "rebuilt: 1 orders" in capsys.readouterr().out
    call_command("analytics", "verify")
    call_command("analytics", "warn", "--day", now.date().isoformat())
    assert "0 new early warnings" in capsys.readouterr().out

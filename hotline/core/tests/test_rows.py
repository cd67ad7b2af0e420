"""``Table`` writes and reads the rows the ORM would: same columns, same converted values, on SQLite and
PostgreSQL alike (the suite runs on both)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from hotline.conftest import City, MakeOrder
from hotline.core.rows import Table
from hotline.directory.models import User
from hotline.taxonomy.selectors import channel_by_code
from hotline.workorders.models import Event, OrderSequence, WorkOrder

pytestmark = pytest.mark.django_db

ORDERS, EVENTS = Table(WorkOrder), Table(Event)


def _columns(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # type: ignore[attr-defined]


def _order(city: City, agent: User, now: dt.datetime, **fields: object) -> WorkOrder:
    values: dict[str, object] = {
        "number": "20261202000001",
        "status": "awaiting_dispatch",
        "channel": channel_by_code("phone"),
        "request_type": "complaint",
        "title": "路灯不亮",
        "content": "幸福路路灯一周不亮",
        "division": city.street_division,
        "received_at": now,
        "dispatch_due_at": now + dt.timedelta(hours=2),
        "created_by": agent,
        "latitude": Decimal("30.123456"),
        "longitude": Decimal("120.654321"),
        "confidential": True,
        "solved": None,
        **fields,
    }
    return WorkOrder(**values)


def test_a_row_inserted_here_reads_back_as_the_orm_would_have_written_it(
    city: City, agent: User, now: dt.datetime
) -> None:
    mine, theirs = _order(city, agent, now), _order(city, agent, now, number="20261202000002")
    ORDERS.insert([mine])
    theirs.save()
    assert mine.pk is not None and not mine._state.adding and mine._state.db == "default"
    read_mine, read_theirs = WorkOrder.objects.get(pk=mine.pk), WorkOrder.objects.get(pk=theirs.pk)
    expected = {**_columns(read_theirs), "id": mine.pk, "number": "20261202000001"}
    assert _columns(read_mine) == expected
    assert read_mine.confidential is True and read_mine.solved is None
    assert read_mine.latitude == Decimal("30.123456")
    assert read_mine.received_at == now


def test_values_the_fields_must_convert_are_converted_as_the_orm_converts_them(
    city: City, agent: User, now: dt.datetime
) -> None:
    """Values of the exact plain types go to the database as they are; anything else (a lazy translation,
    a number given as text, a model instance's key as text) through the field's own preparation."""
    odd: dict[str, Any] = {"title": gettext_lazy("Water"), "version": "3", "created_by_id": str(agent.pk)}
    mine = _order(city, agent, now, **odd)
    theirs = _order(city, agent, now, number="20261202000002", **odd)
    ORDERS.insert([mine])
    theirs.save()
    read_mine, read_theirs = WorkOrder.objects.get(pk=mine.pk), WorkOrder.objects.get(pk=theirs.pk)
    assert _columns(read_mine) == {**_columns(read_theirs), "id": mine.pk, "number": "20261202000001"}
    assert read_mine.title == "Water" and read_mine.version == 3 and read_mine.created_by_id == agent.pk


def test_several_rows_in_one_statement_get_their_own_keys_in_order(
    make_order: MakeOrder, agent: User, now: dt.datetime
) -> None:
    order = make_order()
    events = [
        Event(order=order, seq=order.last_event_seq + i, action="note", at=now, actor=agent,
              from_status=order.status, to_status=order.status, comment=f"第{i}条", data={"i": i, "词": "值"})
        for i in (1, 2, 3)
    ]  # fmt: skip
    EVENTS.insert(events)
    for i, event in enumerate(events, start=1):
        stored = Event.objects.get(pk=event.pk)
        assert (stored.seq, stored.comment, stored.data) == (
            order.last_event_seq + i,
            f"第{i}条",
            {"i": i, "词": "值"},
        )


def test_an_unsaved_related_object_saved_before_the_insert_lends_its_key(
    city: City, agent: User, now: dt.datetime
) -> None:
    order = _order(city, agent, now)
    event = Event(order=order, seq=1, action="intake", at=now, actor=agent, to_status="received")
    ORDERS.insert([order])  # the event was built before the order had a key
    EVENTS.insert([event])
    assert Event.objects.get(pk=event.pk).order_id == order.pk


def test_load_and_locked_give_what_the_orm_reads(make_order: MakeOrder) -> None:
    order = make_order(confidential=True)
    with transaction.atomic():
        locked = ORDERS.locked(order.pk)
    assert locked is not None and not locked._state.adding
    assert _columns(locked) == _columns(WorkOrder.objects.get(pk=order.pk))
    assert isinstance(locked.confidential, bool) and isinstance(locked.received_at, dt.datetime)
    assert locked.received_at.tzinfo is not None
    with transaction.atomic():
        assert ORDERS.locked(order.pk + 1000) is None


def test_update_writes_only_the_named_fields(make_order: MakeOrder, now: dt.datetime) -> None:
    order = make_order()
    with transaction.atomic():
        locked = ORDERS.locked(order.pk)
        assert locked is not None
        locked.title, locked.solved, locked.closed_at, locked.content = "改过", True, now, "not written"
        ORDERS.update(locked, ["title", "solved", "closed_at"])
    stored = WorkOrder.objects.get(pk=order.pk)
    assert (stored.title, stored.solved, stored.closed_at) == ("改过", True, now)
    assert stored.content == order.content
    assert model_to_dict(stored, exclude=["title", "solved", "closed_at", "related"]) == model_to_dict(
        order, exclude=["title", "solved", "closed_at", "related"]
    )


def test_an_unlogged_update_is_written_but_kept_out_of_debug_s_query_log(
    make_order: MakeOrder, settings: Any
) -> None:
    order = make_order()
    settings.DEBUG = True
    with CaptureQueriesContext(connection) as logged:
        order.title = "logged"
        ORDERS.update(order, ["title"])
        order.content = "一" * 10_000
        ORDERS.update(order, ["content"], unlogged=True)
    assert len(logged.captured_queries) == 1 and "logged" in logged.captured_queries[0]["sql"]
    assert WorkOrder.objects.values_list("title", "content").get(pk=order.pk) == ("logged", "一" * 10_000)
    with pytest.raises(ObjectDoesNotExist):
        ORDERS.update(WorkOrder(pk=order.pk + 1000), ["title"], unlogged=True)


def test_update_of_a_missing_row_or_a_non_column_is_refused(make_order: MakeOrder) -> None:
    order = make_order()
    with pytest.raises(ValueError, match="columns"):
        ORDERS.update(order, ["related"])
    gone = WorkOrder(pk=order.pk + 1000)
    with pytest.raises(ObjectDoesNotExist):
        ORDERS.update(gone, ["title"])


def test_a_model_without_an_automatic_key_is_refused() -> None:
    with pytest.raises(TypeError):
        Table(OrderSequence)


def test_the_select_list_is_quoted_for_the_database() -> None:
    quoted = connection.ops.quote_name("number")
    assert f"t.{quoted}" in ORDERS.columns()
    assert len(ORDERS) == len(WorkOrder._meta.concrete_fields)

"""Keeping the dashboards' aggregates current: each order's fact and the counters it adds to.

``refresh_orders`` recomputes the facts of some orders and applies the difference to ``DailyStat`` in one
transaction (the event listener calls it after each relevant event); ``rebuild`` recomputes everything
from the orders (``hotline analytics rebuild``); ``verify`` compares the stored counters with a recount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction

from hotline.workorders.models import WorkOrder

from . import facts
from .models import METRICS, DailyStat, OrderFact

Delta = dict[tuple[dt.date, str, str], dict[str, int]]


def _add(delta: Delta, fact: facts.Fact, sign: int) -> None:
    for day, dimension, key, metric in facts.contributions(fact):
        row = delta.setdefault((day, dimension, key), dict.fromkeys(METRICS, 0))
        row[metric] += sign


def apply_delta(delta: Delta) -> int:
    """Add ``delta`` to the stored counters (one upsert per touched counter row); returns the rows touched."""
    rows: list[tuple[Any, ...]] = [
        (day, dimension, key, *(values[m] for m in METRICS))
        for (day, dimension, key), values in delta.items()
        if any(values.values())
    ]
    if not rows:
        return 0
    table = connection.ops.quote_name(DailyStat._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("day", "dimension", "key", *METRICS))
    placeholders = ", ".join(["%s"] * (3 + len(METRICS)))
    updates = ", ".join(
        f"{connection.ops.quote_name(m)} = {table}.{connection.ops.quote_name(m)} + excluded.{connection.ops.quote_name(m)}"
        for m in METRICS
    )
    target = ", ".join(connection.ops.quote_name(c) for c in ("dimension", "key", "day"))
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - our own table and columns
        f"ON CONFLICT ({target}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def refresh_orders(order_ids: Iterable[int]) -> int:
    """Bring the facts of these orders, and the counters, up to date; returns how many facts changed.
    Safe to repeat: an order whose fact is unchanged changes nothing."""
    ids = sorted(set(order_ids))
    if not ids:
        return 0
    for attempt in range(3):
        try:
            return _refresh(ids)
        except IntegrityError:
            # another process created one of these facts at the same moment: the next try sees it
            if attempt == 2:
                raise
    return 0


def _refresh(ids: list[int]) -> int:
    with transaction.atomic():
        stored = {row.order_id: row for row in OrderFact.objects.select_for_update().filter(order_id__in=ids)}
        orders = list(WorkOrder.objects.filter(pk__in=ids).values(*facts.ORDER_FIELDS))
        leads = facts.latest_leads(ids)
        keys = facts.reference_keys(
            channels={o["channel_id"] for o in orders},
            categories={o["category_id"] for o in orders if o["category_id"] is not None},
            divisions={o["division_id"] for o in orders if o["division_id"] is not None},
        )
        delta: Delta = {}
        changed = 0
        seen = set()
        for order in orders:
            seen.add(order["pk"])
            new = facts.compute(order, leads.get(order["pk"]), keys)
            row = stored.get(order["pk"])
            old = facts.Fact.from_model(row) if row is not None else None
            if old == new:
                continue
            if old is not None:
                _add(delta, old, -1)
                OrderFact.objects.filter(order_id=order["pk"]).update(**new.as_fields())
            else:
                OrderFact.objects.create(order_id=order["pk"], **new.as_fields())
            _add(delta, new, +1)
            changed += 1
        for order_id, row in stored.items():
            if order_id not in seen:  # the order is gone
                _add(delta, facts.Fact.from_model(row), -1)
                row.delete()
                changed += 1
        apply_delta(delta)
    return changed


def rebuild(*, batch: int = 5000, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Recompute every fact and counter from the orders, in one transaction (readers see the old figures
    until it commits; writers wait)."""
    totals: Delta = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    count = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {OrderFact._meta.db_table}, {DailyStat._meta.db_table} IN EXCLUSIVE MODE"
                )
        OrderFact.objects.all().delete()
        DailyStat.objects.all().delete()
        pending: list[OrderFact] = []
        for order_id, fact in facts.all_facts_by_order(batch=batch):
            pending.append(OrderFact(order_id=order_id, **fact.as_fields()))
            for day, dimension, key, metric in facts.contributions(fact):
                totals[(day, dimension, key)][metric] += 1
            count += 1
            if len(pending) >= batch:
                OrderFact.objects.bulk_create(pending, batch_size=batch)
                pending = []
                if progress:
                    progress(count)
        OrderFact.objects.bulk_create(pending, batch_size=batch)
        DailyStat.objects.bulk_create(
            [
                DailyStat(day=day, dimension=dimension, key=key, **values)
                for (day, dimension, key), values in totals.items()
            ],
            batch_size=batch,
        )
    if progress:
        progress(count)
    return {"orders": count, "counters": len(totals)}


def stored_counters() -> Delta:
    fields = ("day", "dimension", "key", *METRICS)
    result: Delta = {}
    for row in DailyStat.objects.values_list(*fields).iterator(chunk_size=10000):
        values = dict(zip(METRICS, row[3:], strict=True))
        if any(values.values()):
            result[(row[0], row[1], row[2])] = values
    return result


def verify() -> list[tuple[tuple[dt.date, str, str], dict[str, int], dict[str, int]]]:
    """Counters that differ from a full recount: (counter row, stored, recounted). Empty when all agree."""
    stored = stored_counters()
    fresh = {k: v for k, v in facts.recount().items() if any(v.values())}
    zero = dict.fromkeys(METRICS, 0)
    return [
        (key, stored.get(key, zero), fresh.get(key, zero))
        for key in sorted(stored.keys() | fresh.keys())
        if stored.get(key, zero) != fresh.get(key, zero)
    ]

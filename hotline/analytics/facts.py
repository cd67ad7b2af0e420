"""What one order counts for on the dashboards (its *fact*), and the counters a fact adds to.

A fact is a pure function of the order's row and its most recent lead assignment. Each fact contributes
1 to a set of ``(day, dimension, key, metric)`` counters; ``DailyStat`` holds their sums. Keeping the
counters current means subtracting an order's old contributions and adding its new ones whenever it
changes, so the stored counters always equal a full recount (``recount()``).

Dimensions (``key`` in brackets): ``all`` (""), ``channel`` (channel code), ``type`` (request type),
``category`` (level-1 category id), ``district`` (district division id), ``unit`` (lead unit id),
``cd`` ("category id:district id", for early warning), ``hour`` ("HH:channel code", receipts only).
An unknown key is "".

Metrics and the day they are counted on: ``received`` on the day of receipt; ``answered``, ``rejected``,
``merged``, ``closed`` on the day the order reached that outcome; ``replied`` and ``on_time`` on the day the
lead unit replied (on time: at or before its deadline); ``callbacks``, ``satisfied``, ``basically``,
``dissatisfied`` and ``solved`` on the day of the callback. A reopened order counts with its latest
handling.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hotline.core import refcache
from hotline.core.clock import local_tz
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Assignment, Satisfaction, WorkOrder

from .models import METRICS, OrderFact

DIMENSIONS = ("all", "channel", "type", "category", "district", "unit", "cd", "hour")
Counter = tuple[dt.date, str, str, str]  # day, dimension, key, metric

ORDER_FIELDS = (
    "pk", "received_at", "channel_id", "request_type", "category_id", "division_id", "status",
    "closed_at", "satisfaction", "solved",
)  # fmt: skip
LEAD_FIELDS = ("order_id", "unit_id", "due_at", "done_at", "round", "dispatched_at", "pk")


@dataclass(frozen=True)
class Fact:
    received_day: dt.date
    received_hour: int
    channel: str
    request_type: str
    category_id: int | None
    district_id: int | None
    unit_id: int | None
    outcome: str
    final_day: dt.date | None
    replied_day: dt.date | None
    on_time: bool | None
    callback_day: dt.date | None
    satisfaction: str
    solved: bool | None

    @classmethod
    def from_model(cls, row: OrderFact) -> Fact:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    def as_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Keys:
    """Reference data a fact needs: channel codes, level-1 category and district of each id."""

    channels: dict[int, str]
    categories: dict[int, int]
    districts: dict[int, int]


def reference_keys(
    *, channels: Iterable[int] = (), categories: Iterable[int] = (), divisions: Iterable[int] = ()
) -> Keys:
    """The reference keys (cached a minute per process); reloaded at once when an id is not in them yet (a
    category or division created since)."""
    keys = refcache.cached("analytics:fact_keys", _load_keys)
    if (
        any(c not in keys.channels for c in channels)
        or any(c not in keys.categories for c in categories)
        or any(d not in keys.districts for d in divisions)
    ):
        keys = _load_keys()
    return keys


def _load_keys() -> Keys:
    from hotline.directory.models import Division
    from hotline.taxonomy.models import Category, Channel

    channels = dict(Channel.objects.values_list("pk", "code"))
    cat_rows = list(Category.objects.values_list("pk", "path"))
    roots = {path: pk for pk, path in cat_rows if len(path) == Category.steplen}
    categories = {pk: roots.get(path[: Category.steplen], pk) for pk, path in cat_rows}
    div_rows = list(Division.objects.values_list("pk", "path", "level"))
    district_paths = {path: pk for pk, path, level in div_rows if level == Division.Level.DISTRICT}
    districts: dict[int, int] = {}
    for pk, path, _ in div_rows:
        for depth in range(len(path) // Division.steplen, 0, -1):
            found = district_paths.get(path[: depth * Division.steplen])
            if found is not None:
                districts[pk] = found
                break
    return Keys(channels, categories, districts)


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(local_tz()).date() if value is not None else None


def compute(order: dict[str, Any], lead: dict[str, Any] | None, keys: Keys) -> Fact:
    """The fact of one order (``order`` with ``ORDER_FIELDS``, ``lead`` its latest lead assignment)."""
    received = order["received_at"].astimezone(local_tz())
    status = order["status"]
    outcome = ""
    if status == Status.CLOSED:
        outcome = OrderFact.Outcome.CLOSED if lead is not None else OrderFact.Outcome.ANSWERED
    elif status == Status.REJECTED:
        outcome = OrderFact.Outcome.REJECTED
    elif status == Status.MERGED:
        outcome = OrderFact.Outcome.MERGED
    replied_day = on_time = None
    if lead is not None and lead["done_at"] is not None:
        replied_day = _day(lead["done_at"])
        on_time = lead["due_at"] is None or lead["done_at"] <= lead["due_at"]
    satisfaction = order["satisfaction"] or ""
    callback_day = _day(order["closed_at"]) if satisfaction and order["closed_at"] else None
    category = order["category_id"]
    division = order["division_id"]
    return Fact(
        received_day=received.date(),
        received_hour=received.hour,
        channel=keys.channels.get(order["channel_id"], ""),
        request_type=order["request_type"],
        category_id=keys.categories.get(category, category) if category is not None else None,
        district_id=keys.districts.get(division) if division is not None else None,
        unit_id=lead["unit_id"] if lead is not None else None,
        outcome=outcome,
        final_day=_day(order["closed_at"]) if outcome else None,
        replied_day=replied_day,
        on_time=on_time,
        callback_day=callback_day if callback_day else None,
        satisfaction=satisfaction if callback_day else "",
        solved=order["solved"] if callback_day else None,
    )


def _key(value: int | None) -> str:
    return "" if value is None else str(value)


def contributions(fact: Fact) -> Iterator[Counter]:
    """Every counter this fact adds 1 to."""
    dims = (
        ("all", ""),
        ("channel", fact.channel),
        ("type", fact.request_type),
        ("category", _key(fact.category_id)),
        ("district", _key(fact.district_id)),
        ("unit", _key(fact.unit_id)),
        ("cd", f"{_key(fact.category_id)}:{_key(fact.district_id)}"),
    )
    metrics: list[tuple[dt.date, str]] = [(fact.received_day, "received")]
    if fact.outcome and fact.final_day is not None:
        metrics.append((fact.final_day, fact.outcome))
    if fact.replied_day is not None:
        metrics.append((fact.replied_day, "replied"))
        if fact.on_time:
            metrics.append((fact.replied_day, "on_time"))
    if fact.callback_day is not None:
        metrics.append((fact.callback_day, "callbacks"))
        if fact.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED):
            metrics.append((fact.callback_day, str(fact.satisfaction)))
        if fact.solved:
            metrics.append((fact.callback_day, "solved"))
    for day, metric in metrics:
        for dimension, key in dims:
            yield (day, dimension, key, metric)
    yield (fact.received_day, "hour", f"{fact.received_hour:02d}:{fact.channel}", "received")


def latest_leads(order_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The most recent lead assignment of each order (latest round, then latest dispatch)."""
    leads: dict[int, dict[str, Any]] = {}
    rows = (
        Assignment.objects.filter(order_id__in=list(order_ids), role=Assignment.Role.LEAD)
        .order_by("order_id", "round", "dispatched_at", "pk")
        .values(*LEAD_FIELDS)
    )
    for row in rows:
        leads[row["order_id"]] = row  # the last one of each order wins
    return leads


def recount() -> dict[tuple[dt.date, str, str], dict[str, int]]:
    """The counters computed from scratch (for the rebuild's check and the tests)."""
    totals: dict[tuple[dt.date, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for fact in all_facts():
        for day, dimension, key, metric in contributions(fact):
            totals[(day, dimension, key)][metric] += 1
    return dict(totals)


def all_facts(*, batch: int = 5000) -> Iterator[Fact]:
    """The fact of every order, computed from the orders (in primary-key order, ``batch`` at a time)."""
    for _, fact in all_facts_by_order(batch=batch):
        yield fact


def all_facts_by_order(*, batch: int = 5000) -> Iterator[tuple[int, Fact]]:
    keys = reference_keys()
    last = 0
    while True:
        rows = list(WorkOrder.objects.filter(pk__gt=last).order_by("pk").values(*ORDER_FIELDS)[:batch])
        if not rows:
            return
        leads = latest_leads(row["pk"] for row in rows)
        for row in rows:
            yield row["pk"], compute(row, leads.get(row["pk"]), keys)
        last = rows[-1]["pk"]

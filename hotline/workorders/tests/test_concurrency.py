"""Numbers stay unique and transitions stay single when people act at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hotline.core.errors import Conflict
from hotline.workorders import services as wo
from hotline.workorders.models import Event, WorkOrder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database"),
]


def run_in_threads(count: int, work) -> list[object]:
    results: list[object] = []
    barrier = threading.Barrier(count)

    def target(index: int) -> None:
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as exc:  # collected and asserted by the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_intakes_get_distinct_consecutive_numbers(make_order):
    results = run_in_threads(8, lambda i: [make_order().number for _ in range(5)])
    numbers = [n for batch in results for n in batch]  # type: ignore[union-attr]
    assert len(numbers) == 40 and len(set(numbers)) == 40
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 41))


def test_only_one_of_two_simultaneous_dispatches_succeeds(make_order, city, dispatcher, now):
    order = make_order()
    version = order.version
    results = run_in_threads(
        2,
        lambda i: wo.workorder_dispatch(
            order=WorkOrder.objects.get(pk=order.pk),
            actor=dispatcher,
            lead=[city.water, city.urban][i],
            now=now,
            version=version,
        ),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1 and conflicts[0].code in {"stale_version", "transition_not_allowed"}
    assert Event.objects.filter(order=order, action="dispatch").count() == 1

"""Two supervision sweeps at the same moment still fire each trigger once (PostgreSQL, real threads)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from hotline.supervision.models import Notice, RuleHit
from hotline.supervision.services import ensure_default_rules
from hotline.supervision.sweep import supervision_sweep
from hotline.workorders import services as wo
from hotline.workorders.models import Event

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


def test_two_sweeps_at_once_fire_each_cause_once(make_order, city, dispatcher, supervisor, now):
    from hotline.supervision.services import flag_order

    ensure_default_rules()
    orders = [
        wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
        for _ in range(6)
    ]
    flag_order(order=orders[0], actor=supervisor, kind="media", note="报道", now=now)
    late = orders[0].assignments.get().sign_due_at + dt.timedelta(minutes=1)
    results = run_in_threads(3, lambda i: supervision_sweep(now=late))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["sign_overdue"] for r in results) == 6  # type: ignore[index]
    assert sum(r["media_exposed"] for r in results) == 1  # type: ignore[index]
    assert RuleHit.objects.filter(rule__code="sign_overdue").count() == 6
    assert Notice.objects.filter(cause="sign_overdue").count() == 6
    assert Notice.objects.filter(cause="media_exposed").count() == 1
    for order in orders:
        assert Event.objects.filter(order=order, action="remind", reason="sign_overdue").count() == 1
    # and the escalation of the unanswered notice, also from several sweeps at once
    notice = Notice.objects.get(cause="media_exposed")
    after = notice.respond_by + dt.timedelta(minutes=1)
    results = run_in_threads(3, lambda i: supervision_sweep(now=after))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Notice.objects.filter(level="escalate", parent=notice).count() == 1

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder


@pytest.fixture
def replied(make_order, city, dispatcher, unit_handler, now) -> Callable[..., WorkOrder]:
    """An order whose reply was just accepted (the callback starts), with the commit callbacks run."""

    def make(*, solved: bool = True, accept: bool = True, capture=None, **order_kwargs) -> WorkOrder:
        order = make_order(**order_kwargs)
        order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
        order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
        order = wo.workorder_reply(
            order=order, actor=unit_handler, text="已修复管道，恢复供水。", solved=solved, now=now
        )
        if accept:
            order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
        return order

    return make


@pytest.fixture
def later(now) -> dt.datetime:
    return now + dt.timedelta(hours=2)


@pytest.fixture(autouse=True)
def _exemptions(request: pytest.FixtureRequest) -> None:
    """The default exemptions (a data migration creates them; transactional tests flush them)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from hotline.feedback.defaults import ensure_default_exemptions
    from hotline.feedback.models import CallbackExemption

    ensure_default_exemptions(CallbackExemption)

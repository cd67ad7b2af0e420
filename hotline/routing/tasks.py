"""Worker jobs of smart dispatch, enqueued by the event listener (``listeners.py``). Each is idempotent:
indexing rewrites the order's entry, routing records one decision per order, evidence is counted once
per event."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from hotline.core.clock import now
from hotline.workorders.models import WorkOrder

from . import similar
from .services import record_evidence, route_order


@db_task(retries=2, retry_delay=10)
def index_order_job(order_id: int) -> None:
    order = WorkOrder.objects.filter(pk=order_id).first()
    if order is not None:
        similar.index_order(order)


@db_task(retries=2, retry_delay=10)
def route_order_job(order_id: int) -> None:
    route_order(order_id=order_id, now=now())


@db_task(retries=2, retry_delay=10)
def set_open_job(order_id: int, is_open: bool) -> None:
    similar.set_open(order_id, is_open)


@db_task(retries=2, retry_delay=10)
def evidence_job(event_id: int) -> None:
    record_evidence(event_id=event_id)


@db_task()
def train_job(
    rows: list[dict[str, str]],
    text_columns: list[str],
    label_column: str,
    actor_id: int | None,
    source: str,
    activate: bool,
) -> int:
    """Train a model from rows uploaded in the admin (training takes longer than a request should)."""
    from hotline.directory.models import User

    from .services import examples_from_rows, model_train

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    examples = examples_from_rows(rows, text_columns=text_columns, label_column=label_column)
    return model_train(examples=examples, actor=actor, now=now(), source=source, activate=activate).pk

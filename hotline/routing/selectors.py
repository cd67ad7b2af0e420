"""Reads of smart dispatch: orders about the same matter, similar open orders for merging, training data
exported from the deployment's own orders, and the router's decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hotline.directory.models import User
from hotline.text.pii import mask_pii
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import workorders_for_user

from . import conf, similar
from .models import MatterDoc, RoutingDecision


def same_matter_orders(order: WorkOrder, *, since: dt.datetime) -> list[WorkOrder]:
    """Orders about the same matter as ``order`` (same place, same problem) received since ``since``,
    open or not, the order itself excluded; most similar first. Same place: in the same division or naming
    a place the order names (when the order has a place at all); same problem: key terms at least
    ``HOTLINE_ROUTING_SAME_MATTER_MIN_SCORE`` alike. Supervision counts them for the repeated-complaint trigger."""
    row = MatterDoc.objects.filter(order_id=order.pk).values("terms", "division_id", "places").first()
    doc: dict[str, Any] | None = dict(row) if row is not None else None
    if doc is None:
        found = similar.matter_terms(order.title, order.content, order.location_text)
        doc = {
            "terms": [similar.term_hash(t) for t in found.terms],
            "division_id": found.division_id,
            "places": [similar.term_hash(p) for p in found.places],
        }
    division_id = order.division_id or doc["division_id"]
    hits = similar.search_hashes(
        doc["terms"],
        division_id=division_id,
        open_only=False,
        since=since,
        exclude=order.pk,
        min_score=conf.same_matter_min_score(),
        limit=50,
        # The same matter is at the same place: the same division or a place the text names.
        same_place=doc["places"] if (division_id is not None or doc["places"]) else None,
    )
    if not hits:
        return []
    orders = WorkOrder.objects.select_related("category", "division").in_bulk([h.order_id for h in hits])
    return [orders[h.order_id] for h in hits if h.order_id in orders]


@dataclass(frozen=True)
class SimilarOrder:
    order: WorkOrder
    score: float
    same_division: bool
    mergeable: bool  # whether it can be the master of a merge


def similar_open_orders(
    user: User,
    *,
    title: str,
    content: str,
    location_text: str = "",
    division_id: int | None = None,
    exclude_number: str = "",
    limit: int = 5,
) -> list[SimilarOrder]:
    """Open orders like the text being typed, that ``user`` may see, best first."""
    if not (title.strip() or content.strip()):
        return []
    hits = similar.search(
        title=title,
        content=content,
        location_text=location_text,
        division_id=division_id,
        open_only=True,
        limit=limit * 2,
    )
    if not hits:
        return []
    visible = (
        workorders_for_user(user)
        .select_related("category", "division")
        .filter(pk__in=[h.order_id for h in hits])
        .exclude(number=exclude_number)
        .in_bulk()
    )
    found = []
    for hit in hits:
        order = visible.get(hit.order_id)
        if order is None or not order.is_open:
            continue
        found.append(SimilarOrder(order, hit.score, hit.same_division, order.master_id is None))
    return found[:limit]


def training_rows(user: User, *, start: dt.datetime, end: dt.datetime) -> list[dict[str, str]]:
    """The orders received in [start, end) that have a category, as training data: title and content with
    personal data masked, and the category as label (its code), with its name and first-level name."""
    orders = (
        workorders_for_user(user)
        .filter(received_at__gte=start, received_at__lt=end, category__isnull=False)
        .select_related("category")
        .order_by("received_at", "pk")
    )
    from hotline.taxonomy.models import Category

    roots = {c.path: c.name for c in Category.objects.filter(depth=1)}
    step = Category.steplen
    rows = []
    for order in orders.iterator(chunk_size=2000):
        category = order.category
        assert category is not None
        rows.append(
            {
                "number": order.number,
                "received_at": order.received_at.isoformat(),
                "title": mask_pii(order.title),
                "content": mask_pii(order.content),
                "label": category.code,
                "label_name": category.name,
                "level1": roots.get(category.path[:step], ""),
            }
        )
    return rows


def decisions_for(order: WorkOrder) -> list[RoutingDecision]:
    return list(RoutingDecision.objects.filter(order=order).select_related("model_version")[:10])

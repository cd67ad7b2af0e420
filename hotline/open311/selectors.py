"""What Open311 shows: leaf categories as services, and requests as the public may see them (orders
whose caller agreed to publication and asked for no confidentiality; personal data masked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from hotline.channels.services.status import public_status, status_detail
from hotline.core.clock import localtime
from hotline.taxonomy.models import Category
from hotline.text.pii import mask_pii
from hotline.workorders.lifecycle import OPEN_STATUSES
from hotline.workorders.models import Assignment, WorkOrder

from .models import ServiceAttribute


def services() -> list[Category]:
    """Active categories without active children (the ones a request is filed under)."""
    everything = list(Category.objects.filter(active=True).order_by("path"))
    parents = {c.path[: -c.steplen] for c in everything if c.depth > 1}
    return [c for c in everything if c.path not in parents]


def service(code: str) -> Category | None:
    return next((c for c in services() if c.code == code), None)


def attributes_of(categories: list[Category]) -> dict[int, list[ServiceAttribute]]:
    found: dict[int, list[ServiceAttribute]] = {c.pk: [] for c in categories}
    for attribute in ServiceAttribute.objects.filter(category__in=categories).order_by("order", "code"):
        found[attribute.category_id].append(attribute)
    return found


def roots() -> dict[str, str]:
    return {c.path: c.name for c in Category.objects.filter(depth=1)}


def group_of(category: Category, root_names: dict[str, str]) -> str:
    return root_names.get(category.path[: category.steplen], "")


def public_requests() -> QuerySet[WorkOrder]:
    lead = (
        Assignment.objects.filter(order=OuterRef("pk"), role=Assignment.Role.LEAD)
        .exclude(state=Assignment.State.CANCELLED)
        .order_by("-round", "-dispatched_at")
    )
    return (
        WorkOrder.objects.filter(publish_consent=True, confidential=False, anonymous=False)
        .select_related("category", "master", "rejection_reason")
        .annotate(
            updated_at=Max("events__at"),
            agency=Subquery(lead.values("unit__name")[:1]),
            expected_at=Subquery(lead.values("due_at")[:1]),
        )
    )


def search(
    *,
    ids: list[str],
    service_codes: list[str],
    start: dt.datetime | None,
    end: dt.datetime | None,
    statuses: list[str],
    limit: int,
) -> list[WorkOrder]:
    orders = public_requests()
    if ids:
        return list(orders.filter(number__in=ids[:limit]).order_by("-received_at"))
    if service_codes:
        paths = list(Category.objects.filter(code__in=service_codes).values_list("path", flat=True))
        match = Q(pk__in=[])
        for path in paths:
            match |= Q(category__path__startswith=path)
        orders = orders.filter(match)
    if start is not None:
        orders = orders.filter(received_at__gte=start)
    if end is not None:
        orders = orders.filter(received_at__lte=end)
    if statuses and set(statuses) != {"open", "closed"}:
        orders = (
            orders.filter(status__in=OPEN_STATUSES)
            if "open" in statuses
            else orders.exclude(status__in=OPEN_STATUSES)
        )
    return list(orders.order_by("-received_at")[:limit])


def _w3c(value: dt.datetime | None) -> str | None:
    return localtime(value).isoformat(timespec="seconds") if value else None


def request_record(order: WorkOrder) -> dict[str, Any]:
    updated = getattr(order, "updated_at", None) or order.received_at
    return {
        "service_request_id": order.number,
        "status": "open" if order.status in OPEN_STATUSES else "closed",
        "status_notes": mask_pii(f"{public_status(order)}。{status_detail(order)}".rstrip("。") + "。"),
        "service_name": order.category.name if order.category else "",
        "service_code": order.category.code if order.category else "",
        "description": mask_pii(order.content),
        "agency_responsible": getattr(order, "agency", None) or "",
        "service_notice": "",
        "requested_datetime": _w3c(order.received_at),
        "updated_datetime": _w3c(updated),
        "expected_datetime": _w3c(getattr(order, "expected_at", None)),
        "address": mask_pii(order.location_text),
        "address_id": "",
        "zipcode": "",
        "lat": float(order.latitude) if order.latitude is not None else None,
        "long": float(order.longitude) if order.longitude is not None else None,
        "media_url": "",
    }

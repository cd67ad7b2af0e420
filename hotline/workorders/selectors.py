"""Reads of work orders, and the one permission gate that decides which orders a user may see.

Every view, API endpoint, export and command that shows orders to a person goes through
``workorders_for_user`` / ``workorder_for_user``. A unit never sees another unit's orders: unit staff see
the orders their unit was ever assigned (a unit leader also its sub-units'); center staff see all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Role, Unit, User

from .lifecycle import OPEN_STATUSES, Status
from .models import Assignment, WorkOrder


def units_in_scope(user: User) -> QuerySet[Unit]:
    """The units whose orders a unit user may see."""
    if user.unit is None:
        return Unit.objects.none()
    if user.role == Role.UNIT_LEADER:
        return Unit.objects.get_tree(user.unit)
    return Unit.objects.filter(pk=user.unit.pk)


def workorders_for_user(user: User) -> QuerySet[WorkOrder]:
    if not user.is_authenticated or not user.is_active:
        return WorkOrder.objects.none()
    if user.is_superuser or user.is_center_staff:
        return WorkOrder.objects.all()
    if user.is_unit_staff:
        assigned = Assignment.objects.filter(order=OuterRef("pk"), unit__in=units_in_scope(user))
        return WorkOrder.objects.filter(Exists(assigned))
    return WorkOrder.objects.none()


def workorder_for_user(user: User, number: str) -> WorkOrder:
    """The order ``number`` if ``user`` may see it. An order the user may not see does not exist for
    them: the same ``NotFound`` as a wrong number, so its existence is not disclosed."""
    order = (
        workorders_for_user(user)
        .select_related("channel", "category", "division", "rejection_reason", "master")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFound(f"No work order {number}.", code="order_not_found")
    return order


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits of a mobile number; shorter numbers keep less."""
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:2]}***{digits[-2:]}"
    return "*" * len(digits)


@dataclass(frozen=True)
class CallerView:
    name: str
    phone: str
    company: str
    confidential: bool
    anonymous: bool
    hidden: bool


def caller_for_user(user: User, order: WorkOrder) -> CallerView:
    """What ``user`` may know of the caller. Center staff see everything. Unit staff see a masked phone;
    for a confidential (保密) or anonymous order they get nothing that identifies the caller."""
    if user.is_superuser or user.is_center_staff:
        return CallerView(
            order.caller_name,
            order.caller_phone,
            order.caller_company,
            order.confidential,
            order.anonymous,
            hidden=False,
        )
    if order.confidential or order.anonymous:
        return CallerView("", "", "", order.confidential, order.anonymous, hidden=True)
    return CallerView(
        _mask_name(order.caller_name),
        mask_phone(order.caller_phone),
        order.caller_company,
        False,
        False,
        hidden=False,
    )


def _mask_name(name: str) -> str:
    return f"{name[0]}{'*' * (len(name) - 1)}" if len(name) > 1 else name


def caller_history(*, phone: str, now: dt.datetime, days: int = 30) -> dict[str, object]:
    """来电弹屏: a caller's earlier orders and how often they called recently."""
    orders = WorkOrder.objects.filter(caller_phone=phone).order_by("-received_at")
    recent = orders.filter(received_at__gte=now - dt.timedelta(days=days)).count()
    return {
        "orders": list(orders.select_related("category")[:20]),
        "recent_count": recent,
        "open_count": orders.filter(status__in=OPEN_STATUSES).count(),
        "confidential": orders.filter(confidential=True).exists(),
    }


@dataclass(frozen=True)
class OrderFilter:
    """What a person searches orders by; every field optional. ``q`` matches a number, a phone, or words
    of the title and content. Category and division include their sub-trees."""

    q: str = ""
    statuses: tuple[str, ...] = ()
    open_only: bool = False
    channel: str = ""
    request_type: str = ""
    urgency: str = ""
    category_id: int | None = None
    division_id: int | None = None
    unit_id: int | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    external_id: str = ""


def workorder_search(user: User, filters: OrderFilter) -> QuerySet[WorkOrder]:
    """Orders ``user`` may see that match ``filters``, newest first. A unit's staff never find a
    confidential caller by phone: the phone filter applies only to orders whose caller they may see."""
    from hotline.directory.models import Division
    from hotline.taxonomy.models import Category

    orders = workorders_for_user(user).select_related("channel", "category", "division")
    unknown = [status for status in filters.statuses if status not in Status.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown status {unknown[0]!r}.", code="invalid_status", details={"allowed": list(Status.values)}
        )
    if filters.statuses:
        orders = orders.filter(status__in=filters.statuses)
    if filters.open_only:
        orders = orders.filter(status__in=OPEN_STATUSES)
    for field in ("channel", "request_type", "urgency", "external_id"):
        value = getattr(filters, field)
        if value:
            orders = orders.filter(**({"channel__code": value} if field == "channel" else {field: value}))
    if filters.category_id is not None:
        category = Category.objects.filter(pk=filters.category_id).first()
        if category is None:
            return orders.none()
        orders = orders.filter(category__path__startswith=category.path)
    if filters.division_id is not None:
        division = Division.objects.filter(pk=filters.division_id).first()
        if division is None:
            return orders.none()
        orders = orders.filter(division__path__startswith=division.path)
    if filters.unit_id is not None:
        orders = orders.filter(
            Exists(Assignment.objects.filter(order=OuterRef("pk"), unit_id=filters.unit_id))
        )
    if filters.received_from is not None:
        orders = orders.filter(received_at__gte=filters.received_from)
    if filters.received_to is not None:
        orders = orders.filter(received_at__lt=filters.received_to)
    text = filters.q.strip()
    if text:
        match = Q(number=text) | Q(title__icontains=text) | Q(content__icontains=text)
        if text.isdigit() and len(text) >= 7:
            phone = Q(caller_phone=text)
            if not (user.is_superuser or user.is_center_staff):
                phone &= Q(confidential=False, anonymous=False)
            match |= phone
        orders = orders.filter(match)
    return orders.order_by("-received_at", "-pk")

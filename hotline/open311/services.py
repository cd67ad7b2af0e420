"""Creating a request through Open311 (``POST requests``): a self-service order through the channels'
intake, with the category's attributes checked and kept in the order's content."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from django.db import transaction

from hotline.channels.services.intake import channel_order
from hotline.core.errors import ValidationFailed
from hotline.directory.models import User
from hotline.taxonomy.models import Category
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

from . import conf
from .models import RequestToken, ServiceAttribute


def _attribute_lines(category: Category, given: Mapping[str, list[str]]) -> list[str]:
    lines = []
    for attribute in ServiceAttribute.objects.filter(category=category).order_by("order", "code"):
        values = [v.strip() for v in given.get(attribute.code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise ValidationFailed(
                    f"attribute[{attribute.code}] is required.",
                    code="attribute_required",
                    details={"attribute": attribute.code},
                )
            continue
        if attribute.datatype in (ServiceAttribute.Datatype.SINGLE, ServiceAttribute.Datatype.MULTI):
            names = {str(v.get("key")): str(v.get("name")) for v in attribute.values if isinstance(v, dict)}
            if any(v not in names for v in values) or (
                attribute.datatype == ServiceAttribute.Datatype.SINGLE and len(values) > 1
            ):
                raise ValidationFailed(
                    f"attribute[{attribute.code}] has a value not in its list.",
                    code="invalid_attribute",
                    details={"attribute": attribute.code, "allowed": sorted(names)},
                )
            values = [names[v] for v in values]
        elif attribute.datatype == ServiceAttribute.Datatype.NUMBER:
            try:
                float(values[0])
            except ValueError as exc:
                raise ValidationFailed(
                    f"attribute[{attribute.code}] must be a number.",
                    code="invalid_attribute",
                    details={"attribute": attribute.code},
                ) from exc
        lines.append(f"{attribute.description}：{'、'.join(v[:200] for v in values)}")
    return lines


def request_create(
    *,
    client: User,
    category: Category,
    description: str,
    now: dt.datetime,
    attributes: Mapping[str, list[str]],
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    lat: float | None = None,
    long: float | None = None,
    media_url: str = "",
    device_id: str = "",
    account_id: str = "",
) -> tuple[WorkOrder, str]:
    """The order and the request's token. Waits in the intake queue for an agent like any self-service
    request; the client's account is recorded as its source."""
    description = (description or "").strip()
    if not description:
        raise ValidationFailed("description is required.", code="description_required")
    if lat is None and long is None and not address.strip():
        raise ValidationFailed(
            "A location is required: lat and long, or address_string.", code="location_required"
        )
    parts = [description[:4000], *_attribute_lines(category, attributes)]
    if media_url:
        parts.append(f"图片：{media_url[:500]}")
    location = address.strip()
    if lat is not None and long is not None:
        location = f"{location}（{lat:.6f},{long:.6f}）".strip()
    name = f"{last_name}{first_name}".strip()
    with transaction.atomic():
        order = channel_order(
            channel=conf.channel(),
            text="\n".join(parts),
            title=f"{category.name}：{description[:40]}",
            caller=wo.Caller(name=name[:50], phone=phone[:20]),
            now=now,
            location_text=location,
            category=category,
            source_system=f"open311:{client.username}"[:64],
            intake_data={
                "open311": {
                    "email": email[:254],
                    "device_id": device_id[:100],
                    "account_id": account_id[:100],
                }
            },
        )
        token = secrets.token_hex(16)
        RequestToken.objects.create(token=token, order=order, created_at=now)
    return order, token

"""The citizen's writes: a request through the web channel (with its files), and the rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import File
from django.db import transaction

from hotline.directory.models import Division
from hotline.taxonomy.models import Category
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

WEB_CHANNEL = "web"


def portal_submit(
    *,
    request_type: str,
    title: str,
    content: str,
    name: str,
    phone: str,
    confidential: bool,
    anonymous: bool,
    publish_consent: bool,
    now: dt.datetime,
    category: Category | None = None,
    division: Division | None = None,
    location_text: str = "",
    files: Sequence[File] = (),  # type: ignore[type-arg]
) -> WorkOrder:
    """Record a request from the portal: not yet accepted (an agent accepts, answers or rejects it), its
    files attached by the caller in the same transaction, so a refused file leaves no order behind."""
    with transaction.atomic():
        order = wo.workorder_intake(
            actor=None,
            channel=WEB_CHANNEL,
            request_type=request_type,
            title=title,
            content=content,
            caller=wo.Caller(name=name, phone=phone, confidential=confidential, anonymous=anonymous),
            category=category,
            division=division,
            location_text=location_text,
            publish_consent=publish_consent,
            accept=False,
            now=now,
            intake_data={"portal": True},
        )
        if files:
            wo.workorder_attach(order=order, actor=None, files=files, public=True, now=now)
    order.refresh_from_db()
    return order


def portal_rate(
    *, order: WorkOrder, satisfaction: str, solved: bool, comment: str, now: dt.datetime
) -> WorkOrder:
    """The citizen's own rating of the handling (回访 through the web channel)."""
    return wo.workorder_callback(
        order=order,
        actor=None,
        satisfaction=satisfaction,
        solved=solved,
        comment=comment,
        channel="web",
        now=now,
    )

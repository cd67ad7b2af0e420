"""The order's own record: corrections by the center (category, urgency, place …) and attachments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import File
from django.db import transaction

from hotline.core.errors import ValidationFailed
from hotline.core.uploads import check_uploads
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category, RequestType, Urgency

from ..lifecycle import Action
from ..models import Attachment, WorkOrder
from .handling import _unit_action
from .transitions import _limits, _validate_choice, deadline, transition

_NOT_GIVEN: Any = object()
_EDITABLE = ("title", "request_type", "category", "urgency", "division", "location_text", "publish_consent")


def workorder_update(
    *,
    order: WorkOrder,
    actor: User | None,
    now: dt.datetime,
    version: int | None = None,
    comment: str = "",
    title: str = _NOT_GIVEN,
    request_type: str = _NOT_GIVEN,
    category: Category | None = _NOT_GIVEN,
    urgency: str = _NOT_GIVEN,
    division: Division | None = _NOT_GIVEN,
    location_text: str = _NOT_GIVEN,
    publish_consent: bool = _NOT_GIVEN,
) -> WorkOrder:
    """Correct an order's details (修改工单信息) before it is replied; the caller's own words (content)
    stay as they were. The event records every field's old and new value. A new type, urgency or
    category recomputes the dispatch and progress deadlines counted from intake; deadlines already given
    to units stay (an extension or a new dispatch changes those). ``actor`` is None when smart dispatch
    files the category it predicted; ``comment`` then says on what basis."""
    given: dict[str, Any] = {
        "title": title,
        "request_type": request_type,
        "category": category,
        "urgency": urgency,
        "division": division,
        "location_text": location_text,
        "publish_consent": publish_consent,
    }
    wanted = {name: value for name, value in given.items() if value is not _NOT_GIVEN}
    if "title" in wanted:
        wanted["title"] = (wanted["title"] or "").strip()
        if not wanted["title"] or len(wanted["title"]) > 200:
            raise ValidationFailed("A title of 1 to 200 characters is required.", code="invalid_title")
    if "location_text" in wanted:
        wanted["location_text"] = (wanted["location_text"] or "").strip()
    if "request_type" in wanted:
        _validate_choice(wanted["request_type"], RequestType, "request_type")
    if "urgency" in wanted:
        _validate_choice(wanted["urgency"], Urgency, "urgency")
    changes = {name: value for name, value in wanted.items() if getattr(order, name) != value}
    if not changes:
        raise ValidationFailed("Nothing to change.", code="no_changes")
    with transaction.atomic():
        diff = {name: [_plain(getattr(order, name)), _plain(value)] for name, value in changes.items()}
        fields: dict[str, Any] = dict(changes)
        if {"request_type", "urgency", "category"} & changes.keys():
            probe = WorkOrder(**{**{f: getattr(order, f) for f in _EDITABLE}, **changes})
            limits = _limits(probe)
            fields["dispatch_due_at"] = deadline(order.received_at, limits.dispatch)
            fields["progress_due_at"] = deadline(order.received_at, limits.progress)
        moved, _ = transition(
            order,
            Action.UPDATE,
            actor=actor,
            now=now,
            version=version,
            comment=comment,
            data={"changes": diff},
            changes=fields,
        )
    return moved


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the event log."""
    if value is None or isinstance(value, str | bool | int):
        return value
    return {"id": value.pk, "name": str(value)}


def workorder_attach(
    *,
    order: WorkOrder,
    actor: User | None,
    files: Sequence[File],  # type: ignore[type-arg]
    now: dt.datetime,
    public: bool = True,
    unit: Unit | None = None,
    version: int | None = None,
) -> list[Attachment]:
    """Attach files to an open order, each checked by content type and size (``core.uploads``), with one
    event naming them. Unit staff attach through their unit's active assignment; ``actor`` None is the
    caller (portal, channel). ``public`` files are shown to the caller. To reply with files, attach
    them first and reply in the same ``transaction.atomic()``."""
    if not files:
        raise ValidationFailed("No file given.", code="file_required")
    checked = check_uploads(files)
    names = [item.name for item in checked]
    data = {"files": names, "public": public}
    with transaction.atomic():
        if actor is not None and actor.is_unit_staff:
            order, _, event = _unit_action(
                order,
                Action.ATTACH,
                actor=actor,
                now=now,
                unit=unit,
                version=version,
                states=["pending", "signed"],
                data=data,
            )
        else:
            order, event = transition(
                order,
                Action.ATTACH,
                actor=actor,
                now=now,
                version=version,
                data={**data, "by_caller": actor is None},
            )
        attachments = []
        for item in checked:
            attachment = Attachment(
                order=order,
                event=event,
                name=item.name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=actor,
                uploaded_at=now,
                public=public,
            )
            attachment.file.save(item.name, item.file, save=False)
            attachment.save()
            attachments.append(attachment)
    return attachments

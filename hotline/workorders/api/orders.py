"""``/workorders``: create (staff intake, or a partner's push by its reference), list with filters and
cursor pagination, read, correct, history and attachments. Every read goes through the gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from hotline.channels.services.partners import partner_for, partner_push
from hotline.core.clock import now
from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Division, Role, Unit, User
from hotline.taxonomy.models import Category
from hotline.tokens.api.cursors import MAX_LIMIT, keyset_page
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.tokens.api.params import Id
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder
from hotline.workorders.queues import order_events
from hotline.workorders.selectors import OrderFilter, workorder_for_user, workorder_search

from . import render
from . import schemas as s

router = Router(tags=["workorders"])


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the default auth only lets staff accounts through
    return user


def category_by_id(pk: int | None) -> Category | None:
    if pk is None:
        return None
    found = Category.objects.filter(pk=pk, active=True).first()
    if found is None:
        raise ValidationFailed(f"No category {pk}.", code="invalid_category")
    return found


def division_by_id(pk: int | None) -> Division | None:
    if pk is None:
        return None
    found = Division.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(f"No division {pk}.", code="invalid_division")
    return found


def unit_by_id(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    found = Unit.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(f"No unit {pk}.", code="invalid_unit")
    return found


def _created(order: WorkOrder, created: bool) -> s.WorkOrderCreatedOut:
    return s.WorkOrderCreatedOut(
        number=order.number,
        status=order.status,
        version=order.version,
        received_at=order.received_at,
        dispatch_due_at=order.dispatch_due_at,
        query_code=order.query_code,
        created=created,
    )


@router.post(
    "/workorders",
    response={201: s.WorkOrderCreatedOut, 200: s.WorkOrderCreatedOut, ERRORS: ErrorOut},
    summary="Create a work order",
    description=(
        "Staff intake (accepted at once unless `accept` is false). A partner system's account pushes "
        "with its own reference in `external_id`: the first push creates the order (201), a repeated "
        "one answers the same order (200). Send `Idempotency-Key` to make any retry safe."
    ),
)
def create_workorder(request: HttpRequest, payload: s.WorkOrderCreateIn) -> Status[s.WorkOrderCreatedOut]:
    user = acting_user(request)
    caller = wo.Caller(**payload.caller.model_dump())
    category = category_by_id(payload.category)
    partner = partner_for(user) if user.role == Role.UNIT_HANDLER and user.unit_id is None else None
    if partner is not None:
        order, created = partner_push(
            partner=partner,
            reference=payload.external_id,
            title=payload.title,
            content=payload.content,
            caller=caller,
            request_type=payload.type,
            location_text=payload.location,
            category=category,
            now=now(),
        )
        return Status(201 if created else 200, _created(order, created))
    intake_data: dict[str, Any] = {"call_id": payload.call_id} if payload.call_id else {}
    order = wo.workorder_intake(
        actor=user,
        channel=payload.channel,
        request_type=payload.type,
        title=payload.title,
        content=payload.content,
        caller=caller,
        now=now(),
        category=category,
        location_text=payload.location,
        division=division_by_id(payload.division),
        urgency=payload.urgency,
        hotline_number=payload.hotline_number or "12345",
        external_id=payload.external_id,
        publish_consent=payload.publish_consent,
        accept=payload.accept,
        intake_data=intake_data or None,
    )
    return Status(201, _created(order, True))


class OrderQuery(Schema):
    q: str = Field("", max_length=100)
    status: list[str] = []
    open_only: bool = False
    channel: str = ""
    type: str = ""
    urgency: str = ""
    category: Id | None = None
    division: Id | None = None
    unit: Id | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    external_id: str = ""
    cursor: str | None = None
    limit: int = 20


@router.get("/workorders", response={200: s.WorkOrderPageOut, ERRORS: ErrorOut}, summary="Search work orders")
def list_workorders(request: HttpRequest, query: Query[OrderQuery]) -> s.WorkOrderPageOut:
    """Orders you may see, newest first; `next_cursor` fetches the next page."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be 1 to {MAX_LIMIT}.", code="invalid_limit")
    filters = OrderFilter(
        q=query.q[:100],
        statuses=tuple(query.status),
        open_only=query.open_only,
        channel=query.channel,
        request_type=query.type,
        urgency=query.urgency,
        category_id=query.category,
        division_id=query.division,
        unit_id=query.unit,
        received_from=query.received_from,
        received_to=query.received_to,
        external_id=query.external_id,
    )
    rows, cursor = keyset_page(
        workorder_search(acting_user(request), filters),
        cursor=query.cursor,
        limit=query.limit,
        time_field="received_at",
    )
    return s.WorkOrderPageOut(items=[render.summary(order) for order in rows], next_cursor=cursor)


@router.get(
    "/workorders/{number}", response={200: s.WorkOrderOut, ERRORS: ErrorOut}, summary="Read a work order"
)
def get_workorder(request: HttpRequest, number: str) -> s.WorkOrderOut:
    user = acting_user(request)
    return render.detail(user, workorder_for_user(user, number))


@router.patch(
    "/workorders/{number}",
    response={200: s.WorkOrderOut, ERRORS: ErrorOut},
    summary="Correct an order's details",
)
def update_workorder(request: HttpRequest, number: str, payload: s.WorkOrderUpdateIn) -> s.WorkOrderOut:
    user = acting_user(request)
    order = workorder_for_user(user, number)
    given = payload.model_fields_set
    changes: dict[str, Any] = {}
    if "title" in given and payload.title is not None:
        changes["title"] = payload.title
    if "type" in given and payload.type is not None:
        changes["request_type"] = payload.type
    if "urgency" in given and payload.urgency is not None:
        changes["urgency"] = payload.urgency
    if "category" in given:
        changes["category"] = category_by_id(payload.category)
    if "division" in given:
        changes["division"] = division_by_id(payload.division)
    if "location" in given and payload.location is not None:
        changes["location_text"] = payload.location
    if "publish_consent" in given and payload.publish_consent is not None:
        changes["publish_consent"] = payload.publish_consent
    order = wo.workorder_update(
        order=order, actor=user, now=now(), version=payload.version, comment=payload.comment, **changes
    )
    return render.detail(user, workorder_for_user(user, order.number))


@router.get(
    "/workorders/{number}/events",
    response={200: list[s.EventOut], ERRORS: ErrorOut},
    summary="An order's history",
)
def list_events(request: HttpRequest, number: str) -> list[s.EventOut]:
    order = workorder_for_user(acting_user(request), number)
    return [render.event(item) for item in order_events(order)]


@router.get(
    "/workorders/{number}/attachments",
    response={200: list[s.AttachmentOut], ERRORS: ErrorOut},
    summary="An order's attachments",
)
def list_attachments(request: HttpRequest, number: str) -> list[s.AttachmentOut]:
    order = workorder_for_user(acting_user(request), number)
    return [render.attachment(item) for item in order.attachments.order_by("uploaded_at", "pk")]


@router.post(
    "/workorders/{number}/attachments",
    response={201: list[s.AttachmentOut], ERRORS: ErrorOut},
    summary="Attach files",
    description="multipart/form-data with one or more `files`; each is checked by content type and size.",
)
def attach(
    request: HttpRequest,
    number: str,
    files: File[list[UploadedFile]],
    public: Form[bool] = True,
    version: Form[Id | None] = None,
    unit: Form[Id | None] = None,
) -> Status[list[s.AttachmentOut]]:
    user = acting_user(request)
    order = workorder_for_user(user, number)
    with transaction.atomic():
        attachments = wo.workorder_attach(
            order=order,
            actor=user,
            files=list(files),
            now=now(),
            public=public,
            unit=unit_by_id(unit),
            version=version,
        )
    return Status(201, [render.attachment(item) for item in attachments])


@router.get(
    "/workorders/{number}/attachments/{attachment_id}",
    response={200: None, ERRORS: ErrorOut},
    summary="Download an attachment",
)
def download_attachment(request: HttpRequest, number: str, attachment_id: Path[Id]) -> FileResponse:
    order = workorder_for_user(acting_user(request), number)
    item = order.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise NotFound(f"No attachment {attachment_id} on {number}.", code="attachment_not_found")
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )

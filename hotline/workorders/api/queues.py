"""``/queues``: every role's work queue, the same querysets the workbenches show (``workorders.queues``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from hotline.core.clock import now
from hotline.core.errors import ValidationFailed
from hotline.tokens.api.cursors import MAX_LIMIT, offset_page
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.workorders import queues
from hotline.workorders.models import Assignment

from . import render
from . import schemas as s
from .orders import acting_user

router = Router(tags=["queues"])


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = 20


def _limit(query: PageQuery) -> int:
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be 1 to {MAX_LIMIT}.", code="invalid_limit")
    return query.limit


@router.get("/queues/center", response={200: dict[str, int], ERRORS: ErrorOut}, summary="Center queue counts")
def center_counts(request: HttpRequest) -> dict[str, int]:
    return queues.center_queue_counts(acting_user(request))


@router.get(
    "/queues/center/{queue}", response={200: s.WorkOrderPageOut, ERRORS: ErrorOut}, summary="A center queue"
)
def center_queue(request: HttpRequest, queue: str, query: Query[PageQuery]) -> s.WorkOrderPageOut:
    """`intake`, `dispatch`, `returned`, `instruction`, `review` or `callback`, in working order."""
    rows, cursor = offset_page(
        queues.center_queue(acting_user(request), queue), cursor=query.cursor, limit=_limit(query)
    )
    return s.WorkOrderPageOut(items=[render.summary(order) for order in rows], next_cursor=cursor)


@router.get("/queues/inbox", response={200: dict[str, int], ERRORS: ErrorOut}, summary="Unit inbox counts")
def inbox_counts(request: HttpRequest) -> dict[str, int]:
    return queues.unit_inbox_counts(acting_user(request), now=now())


def _assignment_page(rows: list[Assignment], cursor: str | None) -> s.AssignmentPageOut:
    return s.AssignmentPageOut(
        items=[
            s.AssignmentRowOut(assignment=render.assignment(a), order=render.summary(a.order)) for a in rows
        ],
        next_cursor=cursor,
    )


@router.get(
    "/queues/inbox/{tab}", response={200: s.AssignmentPageOut, ERRORS: ErrorOut}, summary="A unit inbox tab"
)
def inbox_tab(request: HttpRequest, tab: str, query: Query[PageQuery]) -> s.AssignmentPageOut:
    """`to_sign`, `in_progress`, `due_soon`, `overdue`, `returned` or `closed`."""
    rows, cursor = offset_page(
        queues.unit_inbox(acting_user(request), tab, now=now()), cursor=query.cursor, limit=_limit(query)
    )
    return _assignment_page(rows, cursor)


@router.get(
    "/queues/extensions",
    response={200: list[s.ExtensionOut], ERRORS: ErrorOut},
    summary="Pending extension requests",
)
def extensions(request: HttpRequest) -> list[s.ExtensionOut]:
    return [render.extension(item) for item in queues.pending_extensions(acting_user(request))[:MAX_LIMIT]]


_ASSIGNMENT_LISTS = {
    "overdue": queues.overdue_assignments,
    "unsigned": queues.sign_overdue_assignments,
    "due_soon": queues.due_soon_assignments,
}


@router.get(
    "/queues/supervision/{name}",
    response={200: s.AssignmentPageOut, ERRORS: ErrorOut},
    summary="Supervision list of assignments",
)
def supervision_assignments(request: HttpRequest, name: str, query: Query[PageQuery]) -> s.AssignmentPageOut:
    """`overdue`, `unsigned` or `due_soon`."""
    select = _ASSIGNMENT_LISTS.get(name)
    if select is None:
        raise ValidationFailed(
            f"Unknown list {name!r}.", code="invalid_queue", details={"allowed": sorted(_ASSIGNMENT_LISTS)}
        )
    rows, cursor = offset_page(
        select(acting_user(request), now=now()).select_related(
            "order__channel", "order__category", "order__division"
        ),
        cursor=query.cursor,
        limit=_limit(query),
    )
    return _assignment_page(rows, cursor)


@router.get(
    "/queues/returned/{name}",
    response={200: s.ReturnedPageOut, ERRORS: ErrorOut},
    summary="Orders returned repeatedly or passed between units",
)
def returned_orders(request: HttpRequest, name: str, query: Query[PageQuery]) -> s.ReturnedPageOut:
    """`repeatedly` (反复退回) or `between_units` (推诿)."""
    user = acting_user(request)
    if name == "repeatedly":
        orders = queues.repeatedly_returned(user)
    elif name == "between_units":
        orders = queues.passed_between_units(user)
    else:
        raise ValidationFailed(
            f"Unknown list {name!r}.",
            code="invalid_queue",
            details={"allowed": ["between_units", "repeatedly"]},
        )
    rows, cursor = offset_page(orders, cursor=query.cursor, limit=_limit(query))
    return s.ReturnedPageOut(
        items=[
            s.ReturnedOrderOut(
                **render.summary_fields(order),
                return_count=getattr(order, "return_count", 0),
                returning_units=getattr(order, "returning_units", 0),
            )
            for order in rows
        ],
        next_cursor=cursor,
    )

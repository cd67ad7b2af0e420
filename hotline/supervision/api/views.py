"""``/supervision``: an order's notices, and the same actions as the order panel."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hotline.core.clock import now
from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Unit, User
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.tokens.api.params import Id
from hotline.workorders.models import WorkOrder
from hotline.workorders.selectors import workorder_for_user

from .. import services
from ..models import Notice, NoticeResponse, StaffFlag
from ..selectors import order_supervision
from .schemas import (
    EscalateIn,
    FlagIn,
    FlagOut,
    NoticeOut,
    OrderSupervisionOut,
    RemindIn,
    RespondIn,
    ResponseOut,
    SuperviseIn,
)

router = Router(tags=["supervision"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the default auth only lets staff accounts through
    return user


def _unit(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    found = Unit.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(f"No unit {pk}.", code="invalid_unit")
    return found


def _response(notice: Notice) -> ResponseOut | None:
    try:
        found: NoticeResponse = notice.response
    except NoticeResponse.DoesNotExist:
        return None
    return ResponseOut(
        text=found.text,
        responded_at=found.responded_at,
        responded_by=str(found.responded_by) if found.responded_by else None,
        on_time=found.on_time,
    )


def _notice(notice: Notice) -> NoticeOut:
    return NoticeOut(
        id=notice.pk,
        level=notice.level,
        cause=notice.cause,
        unit=notice.unit.name if notice.unit else None,
        text=notice.text,
        issued_at=notice.issued_at,
        issued_by=str(notice.issued_by) if notice.issued_by else None,
        respond_by=notice.respond_by,
        escalated_at=notice.escalated_at,
        response=_response(notice),
    )


def _flag(flag: StaffFlag) -> FlagOut:
    return FlagOut(kind=flag.kind, note=flag.note, source=flag.source, flagged_at=flag.flagged_at)


def _summary(user: User, order: WorkOrder) -> OrderSupervisionOut:
    data = order_supervision(user, order)
    return OrderSupervisionOut(
        number=order.number, notices=[_notice(n) for n in data.notices], flags=[_flag(f) for f in data.flags]
    )


@router.get(
    "/supervision/orders/{number}",
    response={200: OrderSupervisionOut, ERRORS: ErrorOut},
    summary="An order's supervision",
)
def order_notices(request: HttpRequest, number: str) -> OrderSupervisionOut:
    """The reminders, supervision notices and escalations a user may see (a unit: those addressed to it)."""
    user = _user(request)
    return _summary(user, workorder_for_user(user, number))


@router.post(
    "/supervision/orders/{number}/remind",
    response={201: NoticeOut, ERRORS: ErrorOut},
    summary="Send a reminder (催办)",
)
def remind(request: HttpRequest, number: str, body: RemindIn) -> Status[NoticeOut]:
    user = _user(request)
    notice = services.notice_remind(
        order=workorder_for_user(user, number), actor=user, now=now(), text=body.text, unit=_unit(body.unit)
    )
    return Status(201, _notice(notice))


@router.post(
    "/supervision/orders/{number}/supervise",
    response={201: NoticeOut, ERRORS: ErrorOut},
    summary="Issue a supervision notice (督办)",
)
def supervise(request: HttpRequest, number: str, body: SuperviseIn) -> Status[NoticeOut]:
    user = _user(request)
    if body.respond_by is not None and body.respond_by.tzinfo is None:
        raise ValidationFailed("respond_by needs a time zone.", code="invalid_deadline")
    notice = services.notice_supervise(
        order=workorder_for_user(user, number),
        actor=user,
        now=now(),
        text=body.text,
        respond_by=body.respond_by,
        unit=_unit(body.unit),
    )
    return Status(201, _notice(notice))


def _visible_notice(user: User, pk: int) -> Notice:
    notice = Notice.objects.select_related("order", "unit").filter(pk=pk).first()
    if notice is None:
        raise NotFound("No such supervision notice.", code="notice_not_found")
    workorder_for_user(user, notice.order.number)  # another unit's order does not exist for the user
    return notice


@router.post(
    "/supervision/notices/{notice_id}/respond",
    response={201: ResponseOut, ERRORS: ErrorOut},
    summary="Respond in writing to a supervision notice",
)
def respond(request: HttpRequest, notice_id: Id, body: RespondIn) -> Status[ResponseOut]:
    user = _user(request)
    found = services.notice_respond(
        notice=_visible_notice(user, notice_id), actor=user, text=body.text, now=now()
    )
    out = ResponseOut(
        text=found.text, responded_at=found.responded_at, responded_by=str(user), on_time=found.on_time
    )
    return Status(201, out)


@router.post(
    "/supervision/notices/{notice_id}/escalate",
    response={201: NoticeOut, ERRORS: ErrorOut},
    summary="Escalate a supervision notice (通报/约谈)",
)
def escalate(request: HttpRequest, notice_id: Id, body: EscalateIn) -> Status[NoticeOut]:
    user = _user(request)
    escalation = services.notice_escalate(
        notice=_visible_notice(user, notice_id), actor=user, now=now(), text=body.text
    )
    return Status(201, _notice(escalation))


@router.post(
    "/supervision/orders/{number}/flags",
    response={201: FlagOut, ERRORS: ErrorOut},
    summary="Flag an order as media-exposed or a sudden event",
)
def flag(request: HttpRequest, number: str, body: FlagIn) -> Status[FlagOut]:
    user = _user(request)
    found = services.flag_order(
        order=workorder_for_user(user, number),
        actor=user,
        kind=body.kind,
        note=body.note,
        source=body.source,
        now=now(),
    )
    return Status(201, _flag(found))

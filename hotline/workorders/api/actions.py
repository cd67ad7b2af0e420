"""One action path per lifecycle transition: ``POST /workorders/{number}/<action>``, named after the
lifecycle's action codes. Each loads the order through the gate, calls the one service, and answers the
order as it is afterwards. ``version`` (optional) makes a stale form fail with 409 instead of
overwriting someone else's change."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from ninja import Path, Router

from hotline.core.clock import now
from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Unit, User
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.tokens.api.params import Id
from hotline.workorders import services as wo
from hotline.workorders.models import ExtensionRequest, WorkOrder
from hotline.workorders.selectors import workorder_for_user

from . import render
from . import schemas as s
from .orders import acting_user, unit_by_id

router = Router(tags=["workorder actions"])
RESPONSES: dict[int | frozenset[int], object] = {200: s.WorkOrderOut, ERRORS: ErrorOut}


def _act(request: HttpRequest, number: str, act: Callable[[User, WorkOrder], object]) -> s.WorkOrderOut:
    user = acting_user(request)
    order = workorder_for_user(user, number)
    act(user, order)
    return render.detail(user, workorder_for_user(user, number))


def _units(ids: list[int]) -> list[Unit]:
    found = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationFailed(f"No unit {missing[0]}.", code="invalid_unit")
    return [found[pk] for pk in ids]


def _extension(order: WorkOrder, extension_id: int) -> ExtensionRequest:
    found = ExtensionRequest.objects.filter(pk=extension_id, assignment__order=order).first()
    if found is None:
        raise NotFound(f"No extension request {extension_id} on {order.number}.", code="extension_not_found")
    return found


@router.post("/workorders/{number}/accept", response=RESPONSES, summary="Accept (受理)")
def accept(request: HttpRequest, number: str, payload: s.VersionIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_accept(order=o, actor=u, now=now(), version=payload.version),
    )


@router.post("/workorders/{number}/answer", response=RESPONSES, summary="Direct answer (直办)")
def answer(request: HttpRequest, number: str, payload: s.AnswerIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_answer(
            order=o,
            actor=u,
            answer=payload.answer,
            knowledge_ref=payload.knowledge_ref,
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/reject", response=RESPONSES, summary="Reject (不予受理)")
def reject(request: HttpRequest, number: str, payload: s.RejectIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_reject(
            order=o,
            actor=u,
            reason_code=payload.reason,
            comment=payload.comment,
            transfer_to=payload.transfer_to,
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/merge", response=RESPONSES, summary="Merge into a master order (并单)")
def merge(request: HttpRequest, number: str, payload: s.MergeIn) -> s.WorkOrderOut:
    def act(user: User, order: WorkOrder) -> object:
        master = workorder_for_user(user, payload.master)
        return wo.workorder_merge(
            order=order,
            master=master,
            actor=user,
            comment=payload.comment,
            now=now(),
            version=payload.version,
        )

    return _act(request, number, act)


@router.post("/workorders/{number}/dispatch", response=RESPONSES, summary="Dispatch to units (派单)")
def dispatch(request: HttpRequest, number: str, payload: s.DispatchIn) -> s.WorkOrderOut:
    def act(user: User, order: WorkOrder) -> object:
        lead, *_ = _units([payload.lead])
        return wo.workorder_dispatch(
            order=order,
            actor=user,
            lead=lead,
            assists=_units(payload.assists),
            instructions=payload.instructions,
            now=now(),
            version=payload.version,
        )

    return _act(request, number, act)


@router.post("/workorders/{number}/escalate", response=RESPONSES, summary="Escalate to a leader (呈办)")
def escalate(request: HttpRequest, number: str, payload: s.CommentIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_escalate(
            order=o, actor=u, comment=payload.comment, now=now(), version=payload.version
        ),
    )


@router.post("/workorders/{number}/instruct", response=RESPONSES, summary="Leader instruction (批示)")
def instruct(request: HttpRequest, number: str, payload: s.InstructIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_instruct(
            order=o, actor=u, instruction=payload.instruction, now=now(), version=payload.version
        ),
    )


@router.post("/workorders/{number}/sign", response=RESPONSES, summary="Sign for (签收)")
def sign(request: HttpRequest, number: str, payload: s.UnitActionIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_sign(
            order=o, actor=u, unit=unit_by_id(payload.unit), now=now(), version=payload.version
        ),
    )


@router.post(
    "/workorders/{number}/return",
    response=RESPONSES,
    summary="Return (退回)",
    description="The lead unit's return; an assisting unit's return is its decline (协办退回).",
)
def return_(request: HttpRequest, number: str, payload: s.ReturnIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_return(
            order=o,
            actor=u,
            reason=payload.reason,
            unit=unit_by_id(payload.unit),
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/accept_return", response=RESPONSES, summary="Accept a return (同意退回)")
def accept_return(request: HttpRequest, number: str, payload: s.CommentIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_review_return(
            order=o, actor=u, accept=True, comment=payload.comment, now=now(), version=payload.version
        ),
    )


@router.post("/workorders/{number}/reject_return", response=RESPONSES, summary="Reject a return (驳回退回)")
def reject_return(request: HttpRequest, number: str, payload: s.ReasonCommentIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_review_return(
            order=o, actor=u, accept=False, comment=payload.comment, now=now(), version=payload.version
        ),
    )


@router.post(
    "/workorders/{number}/request_extension", response=RESPONSES, summary="Request an extension (延期申请)"
)
def request_extension(request: HttpRequest, number: str, payload: s.ExtensionRequestIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_request_extension(
            order=o,
            actor=u,
            until=payload.until,
            reason=payload.reason,
            unit=unit_by_id(payload.unit),
            now=now(),
            version=payload.version,
        ),
    )


@router.post(
    "/workorders/{number}/extensions/{extension_id}/approve_extension",
    response=RESPONSES,
    summary="Approve an extension request",
)
def approve_extension(
    request: HttpRequest, number: str, extension_id: Path[Id], payload: s.CommentIn
) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_decide_extension(
            request=_extension(o, extension_id),
            actor=u,
            approve=True,
            comment=payload.comment,
            now=now(),
            version=payload.version,
        ),
    )


@router.post(
    "/workorders/{number}/extensions/{extension_id}/refuse_extension",
    response=RESPONSES,
    summary="Refuse an extension request",
)
def refuse_extension(
    request: HttpRequest, number: str, extension_id: Path[Id], payload: s.CommentIn
) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_decide_extension(
            request=_extension(o, extension_id),
            actor=u,
            approve=False,
            comment=payload.comment,
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/note", response=RESPONSES, summary="Progress note (阶段性答复)")
def note(request: HttpRequest, number: str, payload: s.NoteIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_note(
            order=o,
            actor=u,
            text=payload.text,
            public=payload.public,
            unit=unit_by_id(payload.unit),
            now=now(),
            version=payload.version,
        ),
    )


@router.post(
    "/workorders/{number}/contribute", response=RESPONSES, summary="Assisting contribution (协办意见)"
)
def contribute(request: HttpRequest, number: str, payload: s.TextIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_contribute(
            order=o,
            actor=u,
            text=payload.text,
            unit=unit_by_id(payload.unit),
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/commit", response=RESPONSES, summary="Commitment reply (承诺件)")
def commit(request: HttpRequest, number: str, payload: s.CommitIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_commit(
            order=o,
            actor=u,
            text=payload.text,
            until=payload.until,
            unit=unit_by_id(payload.unit),
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/reply", response=RESPONSES, summary="Reply (回复)")
def reply(request: HttpRequest, number: str, payload: s.ReplyIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_reply(
            order=o,
            actor=u,
            text=payload.text,
            solved=payload.solved,
            unit=unit_by_id(payload.unit),
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/accept_reply", response=RESPONSES, summary="Accept the reply (审核通过)")
def accept_reply(request: HttpRequest, number: str, payload: s.CommentIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_review_reply(
            order=o, actor=u, accept=True, comment=payload.comment, now=now(), version=payload.version
        ),
    )


@router.post("/workorders/{number}/send_back", response=RESPONSES, summary="Send back for rework (审核退回)")
def send_back(request: HttpRequest, number: str, payload: s.ReasonCommentIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_review_reply(
            order=o, actor=u, accept=False, comment=payload.comment, now=now(), version=payload.version
        ),
    )


@router.post("/workorders/{number}/callback", response=RESPONSES, summary="Callback result (回访)")
def callback(request: HttpRequest, number: str, payload: s.CallbackIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_callback(
            order=o,
            actor=u,
            satisfaction=payload.satisfaction,
            solved=payload.solved,
            comment=payload.comment,
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/close", response=RESPONSES, summary="Close without callback")
def close(request: HttpRequest, number: str, payload: s.CloseIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_close(
            order=o,
            actor=u,
            reason=payload.reason,
            comment=payload.comment,
            now=now(),
            version=payload.version,
        ),
    )


@router.post("/workorders/{number}/reopen", response=RESPONSES, summary="Reopen (重办)")
def reopen(request: HttpRequest, number: str, payload: s.CommentIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_reopen(
            order=o, actor=u, comment=payload.comment, now=now(), version=payload.version
        ),
    )


@router.post("/workorders/{number}/remind", response=RESPONSES, summary="Reminder (催办)")
def remind(request: HttpRequest, number: str, payload: s.RemindIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_remind(
            order=o, actor=u, comment=payload.comment, unit=unit_by_id(payload.unit), now=now()
        ),
    )


@router.post("/workorders/{number}/supervise", response=RESPONSES, summary="Supervision notice (督办)")
def supervise(request: HttpRequest, number: str, payload: s.SuperviseIn) -> s.WorkOrderOut:
    return _act(
        request,
        number,
        lambda u, o: wo.workorder_supervise(
            order=o,
            actor=u,
            comment=payload.comment,
            respond_by=payload.respond_by,
            unit=unit_by_id(payload.unit),
            now=now(),
        ),
    )

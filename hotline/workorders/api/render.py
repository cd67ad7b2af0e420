"""Output schemas from models, seen through the gate: the caller as ``caller_for_user`` allows."""

from __future__ import annotations

from typing import Any

from hotline.directory.models import User
from hotline.workorders.lifecycle import allowed_actions, role_may
from hotline.workorders.models import Assignment, Attachment, Event, ExtensionRequest, WorkOrder
from hotline.workorders.selectors import caller_for_user

from . import schemas as s


def ref(obj: Any) -> s.Ref | None:
    if obj is None:
        return None
    return s.Ref(id=obj.pk, code=obj.code, name=obj.name)


def summary_fields(order: WorkOrder) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "version": order.version,
        "title": order.title,
        "channel": order.channel.code,
        "type": order.request_type,
        "urgency": order.urgency,
        "category": ref(order.category) if order.category_id else None,
        "division": ref(order.division) if order.division_id else None,
        "hotline_number": order.hotline_number,
        "received_at": order.received_at,
        "dispatch_due_at": order.dispatch_due_at,
        "closed_at": order.closed_at,
    }


def summary(order: WorkOrder) -> s.WorkOrderSummaryOut:
    return s.WorkOrderSummaryOut(**summary_fields(order))


def assignment(item: Assignment) -> s.AssignmentOut:
    return s.AssignmentOut(
        id=item.pk,
        unit=s.Ref(id=item.unit.pk, code=item.unit.code, name=item.unit.name),
        role=item.role,
        state=item.state,
        round=item.round,
        dispatched_at=item.dispatched_at,
        sign_due_at=item.sign_due_at,
        return_due_at=item.return_due_at,
        due_at=item.due_at,
        committed_until=item.committed_until,
        signed_at=item.signed_at,
        returned_at=item.returned_at,
        return_reason=item.return_reason,
        done_at=item.done_at,
        result=item.result,
        solved=item.solved,
    )


def detail(user: User, order: WorkOrder) -> s.WorkOrderOut:
    caller = caller_for_user(user, order)
    assignments = order.assignments.select_related("unit").order_by("round", "role", "pk")
    actions = [a for a in allowed_actions(order.status) if user.is_superuser or role_may(user.role, a)]
    return s.WorkOrderOut(
        **summary_fields(order),
        content=order.content,
        location=order.location_text,
        caller=s.CallerOut(
            name=caller.name,
            phone=caller.phone,
            company=caller.company,
            confidential=caller.confidential,
            anonymous=caller.anonymous,
            hidden=caller.hidden,
        ),
        publish_consent=order.publish_consent,
        external_id=order.external_id,
        source_system=order.source_system,
        answer=order.answer,
        rejection_reason=order.rejection_reason.code
        if order.rejection_reason_id and order.rejection_reason
        else "",
        master=order.master.number if order.master_id and order.master else None,
        satisfaction=order.satisfaction,
        solved=order.solved,
        reopen_count=order.reopen_count,
        progress_due_at=order.progress_due_at,
        progress_reported_at=order.progress_reported_at,
        assignments=[assignment(a) for a in assignments],
        allowed_actions=actions,
    )


def event(item: Event) -> s.EventOut:
    return s.EventOut(
        seq=item.seq,
        action=item.action,
        at=item.at,
        actor=str(item.actor) if item.actor_id and item.actor else "",
        actor_unit=item.actor_unit.name if item.actor_unit_id and item.actor_unit else "",
        unit=item.assignment.unit.name if item.assignment_id and item.assignment else "",
        from_status=item.from_status,
        to_status=item.to_status,
        reason=item.reason,
        comment=item.comment,
    )


def attachment(item: Attachment) -> s.AttachmentOut:
    return s.AttachmentOut(
        id=item.pk,
        name=item.name,
        content_type=item.content_type,
        size=item.size,
        uploaded_at=item.uploaded_at,
        public=item.public,
    )


def extension(item: ExtensionRequest) -> s.ExtensionOut:
    unit = item.assignment.unit
    return s.ExtensionOut(
        id=item.pk,
        order=item.assignment.order.number,
        unit=s.Ref(id=unit.pk, code=unit.code, name=unit.name),
        requested_due_at=item.requested_due_at,
        reason=item.reason,
        requested_at=item.requested_at,
        decision=item.decision,
    )

"""The answer to "where is my order?" sent by SMS or WeChat: the status in words the caller understands,
for their own order only."""

from __future__ import annotations

from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Assignment, WorkOrder

_PUBLIC_STATUS = {
    Status.RECEIVED: "已收到，等待受理",
    Status.AWAITING_DISPATCH: "已受理，正在分派",
    Status.AWAITING_INSTRUCTION: "已受理，正在分派",
    Status.DISPATCHED: "已转交承办单位",
    Status.IN_PROGRESS: "承办单位正在办理",
    Status.RETURNED: "正在重新分派",
    Status.REPLIED: "承办单位已答复，正在审核",
    Status.AWAITING_CALLBACK: "已办理完毕，等待回访",
    Status.CLOSED: "已办结",
    Status.REJECTED: "不予受理",
    Status.MERGED: "已与相同诉求合并办理",
}


def public_status(order: WorkOrder) -> str:
    return _PUBLIC_STATUS.get(Status(order.status), order.get_status_display())


def status_detail(order: WorkOrder) -> str:
    """One sentence more: the handling unit, the reply or the reason, never staff-only content."""
    if order.status == Status.MERGED and order.master_id:
        return f"合并至工单{order.master.number}。" if order.master else ""
    if order.status == Status.REJECTED and order.rejection_reason_id:
        return f"原因：{order.rejection_reason.name}。" if order.rejection_reason else ""
    if order.answer:
        return f"答复：{order.answer[:120]}"
    lead = (
        Assignment.objects.filter(order=order, role=Assignment.Role.LEAD)
        .exclude(state=Assignment.State.CANCELLED)
        .select_related("unit")
        .order_by("-round", "-dispatched_at")
        .first()
    )
    if lead is None:
        return ""
    if lead.state == Assignment.State.DONE and order.status in (Status.AWAITING_CALLBACK, Status.CLOSED):
        return f"承办单位：{lead.unit.name}。答复：{lead.result[:120]}"
    return f"承办单位：{lead.unit.name}。"

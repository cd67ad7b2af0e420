"""Publication's event listener: a caller who withdraws consent (``publish_consent`` corrected to False)
has their case taken off the portal at once."""

from __future__ import annotations

from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event


def on_event(event: Event) -> None:
    if event.action != Action.UPDATE:
        return
    change = (event.data or {}).get("changes", {}).get("publish_consent")
    if not change or change[1] is not False:
        return
    from .models import PublishedCase
    from .services import case_withdraw

    case = (
        PublishedCase.objects.filter(order_id=event.order_id)
        .exclude(state=PublishedCase.State.WITHDRAWN)
        .first()
    )
    if case is not None:
        case_withdraw(case=case, actor=None, reason="来电人不同意公开（撤回同意）", now=event.at)

"""What the channels do when an order changes (registered in ``wo.event_listeners``; runs after commit).
Kept cheap: it reads only the event in hand and queues worker jobs for anything that talks to the
outside world."""

from __future__ import annotations

from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event

from .services.notices import wants_notice
from .services.partners import PARTNER_SOURCE_PREFIX, wants_webhook


def on_event(event: Event) -> None:
    from . import tasks
    from .services.calls import call_link_order

    if wants_notice(event):
        tasks.send_caller_notice(event.pk)
    if event.action == Action.INTAKE and (event.data or {}).get("call_id"):
        call_link_order(call_id=str(event.data["call_id"]), order=event.order)
    if event.order.source_system.startswith(PARTNER_SOURCE_PREFIX) and wants_webhook(event):
        tasks.queue_partner_webhooks(event.pk)

"""The analysis app's event listener: keeps each order's fact (and so the dashboards' counters) current,
and has the worker recompute an order's text signature when it comes in or its title or place changes."""

from __future__ import annotations

import logging

from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event

log = logging.getLogger(__name__)

# Events that change nothing the dashboards count (see facts.py): no refresh for them.
NO_FACT_CHANGE = frozenset(
    {
        Action.ACCEPT,
        Action.NOTE,
        Action.ATTACH,
        Action.REMIND,
        Action.SUPERVISE,
        Action.SLA_WARNING,
        Action.SLA_OVERDUE,
        Action.CONTRIBUTE,
        Action.REQUEST_EXTENSION,
        Action.REFUSE_EXTENSION,
        Action.SIGN,
        Action.DECLINE,
        Action.RETURN,
        Action.ACCEPT_RETURN,
        Action.REJECT_RETURN,
        Action.ESCALATE,
        Action.INSTRUCT,
        Action.ABSORB,
        Action.ACCEPT_REPLY,
    }
)
SIGNATURE_FIELDS = frozenset({"title", "location_text", "division"})


def on_event(event: Event) -> None:
    """Runs after commit for every new event. A failure is logged and retried by the worker; it never
    breaks the action that caused the event."""
    from . import counters, tasks

    if event.action not in NO_FACT_CHANGE:
        try:
            counters.refresh_orders([event.order_id])
        except Exception:
            log.exception("analytics: refreshing the fact of order %s failed; retrying later", event.order_id)
            tasks.refresh_facts([event.order_id])
    if event.action == Action.INTAKE or (
        event.action == Action.UPDATE and SIGNATURE_FIELDS & set((event.data or {}).get("changes", {}))
    ):
        try:
            tasks.sign([event.order_id])
        except Exception:  # detection computes missing signatures itself
            log.exception("analytics: queueing the signature of order %s failed", event.order_id)

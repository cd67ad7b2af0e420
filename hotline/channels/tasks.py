"""Worker jobs of the channels: sending the outbound queue, retries, partner webhooks, the mailbox.
Every job is idempotent: it claims its row by a conditional update before acting."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from hotline.core.clock import now

from .services import outbound


@db_task()
def send_outbound(message_id: int) -> str:
    return outbound.deliver(message_id, now=now())


@db_periodic_task(crontab(minute="*"))
@lock_task("channels-outbound-retry")
def retry_outbound() -> int:
    """Every minute: send again what failed for a reason that may pass (a timeout, a 5xx)."""
    due = outbound.due_for_retry(now=now())
    for message_id in due:
        outbound.deliver(message_id, now=now())
    return len(due)


@db_task()
def send_caller_notice(event_id: int) -> int | None:
    """The caller's answer for one order event (receipt, progress, reply, direct answer)."""
    from .services.notices import caller_notice

    message = caller_notice(event_id, now=now())
    return message.pk if message is not None else None


@db_task()
def queue_partner_webhooks(event_id: int) -> int:
    from .services import partners

    deliveries = partners.webhooks_queue(event_id, now=now())
    for delivery in deliveries:
        partners.webhook_deliver(delivery.pk, now=now())
    return len(deliveries)


@db_periodic_task(crontab(minute="*"))
@lock_task("channels-webhook-retry")
def retry_partner_webhooks() -> int:
    from .services import partners

    due = partners.webhooks_due(now=now())
    for delivery_id in due:
        partners.webhook_deliver(delivery_id, now=now())
    return len(due)


@db_periodic_task(crontab(minute="*/2"))
@lock_task("channels-mailbox-fetch")
def fetch_mailbox() -> int:
    """Every two minutes, when a mailbox is configured: new mail becomes orders."""
    from . import conf
    from .services.mailbox import mailbox_fetch

    if not conf.imap()["host"]:
        return 0
    return len(mailbox_fetch(now=now()))

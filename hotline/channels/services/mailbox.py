"""The mayor's mailbox (市长信箱) over IMAP: each new mail becomes an order (attachments kept, those the
platform accepts), the sender gets a receipt by mail (SMTP, through the outbound queue), and later the
progress and the reply. Mails are read by UID above the last one taken; a Message-ID seen before (the
same letter sent twice, a re-delivered mail) is not made a second order."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import imaplib
import logging
import re
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from hotline.core.errors import ApplicationError
from hotline.workorders import services as wo

from .. import conf
from ..models import InboundMessage, MailboxCursor
from .intake import channel_order

logger = logging.getLogger("hotline.channels.mailbox")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
MAX_MAIL_BYTES = 30 * 1024 * 1024


def _connect() -> imaplib.IMAP4:
    settings = conf.imap()
    client_class = imaplib.IMAP4_SSL if settings["ssl"] else imaplib.IMAP4
    client = client_class(settings["host"], settings["port"], timeout=30)
    client.login(settings["user"], settings["password"])
    return client


def mailbox_fetch(*, now: dt.datetime, limit: int = 100) -> list[InboundMessage]:
    """Take the mails that arrived since the last fetch; returns what was recorded."""
    settings = conf.imap()
    account = f"{settings['user']}@{settings['host']}/{settings['folder']}"
    client = _connect()
    try:
        status, data = client.select(settings["folder"])
        if status != "OK":
            raise RuntimeError(f"cannot open folder {settings['folder']}: {data!r}")
        uidvalidity = int(_response(client, "UIDVALIDITY") or 0)
        cursor, _ = MailboxCursor.objects.get_or_create(account=account[:200])
        if cursor.uidvalidity != uidvalidity:
            cursor.uidvalidity, cursor.last_uid = uidvalidity, 0  # the folder was rebuilt: Message-IDs dedupe
        status, found = client.uid("search", f"UID {cursor.last_uid + 1}:*")
        uids = sorted(int(uid) for uid in (found[0] or b"").split() if int(uid) > cursor.last_uid)[:limit]
        recorded = []
        for uid in uids:
            status, parts = client.uid("fetch", str(uid), "(RFC822)")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
            if raw and len(raw) <= MAX_MAIL_BYTES:
                message = mail_receive(raw, now=now)
                if message is not None:
                    recorded.append(message)
            cursor.last_uid = uid
            cursor.fetched_at = now
            cursor.save()
            client.uid("store", str(uid), "+FLAGS", "(\\Seen)")
        cursor.fetched_at = now
        cursor.save()
        return recorded
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _response(client: imaplib.IMAP4, code: str) -> str | None:
    _, values = client.response(code)
    value = values[0] if values else None
    return value.decode() if isinstance(value, bytes) else value


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    return strip_tags(text) if part.get_content_type() == "text/html" else text


def mail_receive(raw: bytes, *, now: dt.datetime) -> InboundMessage | None:
    """One mail → one order in the intake queue, its attachments kept. None for a mail already taken."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    message_id = str(message.get("Message-ID", "")).strip() or f"<uid-{hash(raw)}@local>"
    external_id = f"mail:{message_id}"[:300]
    if InboundMessage.objects.filter(external_id=external_id).exists():
        return None
    name, address = parseaddr(str(message.get("From", "")))
    subject = str(message.get("Subject", "")).strip()
    text = _body(message).strip()
    try:
        sent = parsedate_to_datetime(str(message.get("Date"))) if message.get("Date") else now
    except (TypeError, ValueError):
        sent = now
    phone_match = _PHONE.search(text)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundMessage.objects.create(
                    kind=InboundMessage.Kind.MAIL,
                    external_id=external_id,
                    sender=address[:254],
                    recipient=str(message.get("To", ""))[:254],
                    subject=subject[:300],
                    text=text[:20000],
                    received_at=now,
                    data={"sent_at": sent.isoformat() if sent.tzinfo else None},
                )
        except IntegrityError:
            return None
        order = channel_order(
            channel="mailbox",
            text=text or subject or "（空白来信）",
            title=subject or "",
            caller=wo.Caller(name=name[:50], phone=phone_match.group(1) if phone_match else ""),
            now=now,
            intake_data={"inbound": record.pk, "mail_from": address[:254]},
        )
        kept, refused = [], []
        for part in message.iter_attachments():
            filename = part.get_filename() or "attachment"
            payload = part.get_payload(decode=True) or b""
            try:
                wo.workorder_attach(
                    order=order, actor=None, files=[ContentFile(payload, name=filename)], now=now, public=True
                )
                kept.append(filename)
            except ApplicationError as exc:
                refused.append({"name": filename, "reason": exc.code})
        record.order, record.outcome = order, InboundMessage.Outcome.ORDER
        record.data = {**record.data, "attachments": kept, "refused": refused}
        record.save(update_fields=["order", "outcome", "data"])
    return record

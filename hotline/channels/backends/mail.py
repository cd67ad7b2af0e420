"""Mail out (the mayor's mailbox replies) through Django's mail backends: SMTP in production, the console
or file backend in development, whichever ``HOTLINE_CHANNELS_MAIL_BACKEND`` names."""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid

from .. import conf
from . import DeliveryError


def send_mail(*, to: str, subject: str, text: str, ref: str, in_reply_to: str = "") -> str:
    """Send one mail; return its Message-ID, or raise ``DeliveryError``."""
    message_id = make_msgid(idstring=ref, domain=conf.mail_from().rsplit("@", 1)[-1])
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers.update({"In-Reply-To": in_reply_to, "References": in_reply_to})
    try:
        connection = get_connection(conf.mail_backend(), fail_silently=False, **conf.mail_options())
        EmailMessage(
            subject=subject,
            body=text,
            from_email=conf.mail_from(),
            to=[to],
            headers=headers,
            connection=connection,
        ).send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"recipient refused: {exc}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"mail server: {exc}") from exc
    return message_id

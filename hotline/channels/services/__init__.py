"""Writes of the channels app. ``sms_send`` is the contract other apps use to text callers and unit
contacts; the rest turn inbound requests (SMS, WeChat, mail, calls, partner pushes) into orders through
``workorders.services.workorder_intake`` and answer the caller on the channel they used."""

from __future__ import annotations

from .outbound import deliver, mail_send, normalize_phone, render, sms_send, template_for
from .responses import response_record

__all__ = [
    "deliver",
    "mail_send",
    "normalize_phone",
    "render",
    "response_record",
    "sms_send",
    "template_for",
]

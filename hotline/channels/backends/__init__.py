"""Adapters to the outside world, each a small interface with a development backend and a real one:
SMS (``backends.sms``), mail (``backends.mail``, over Django's mail backends) and partner webhooks
(``backends.webhooks``)."""

from __future__ import annotations


class DeliveryError(Exception):
    """Sending failed. ``permanent``: retrying cannot help (a refused number, a 4xx from the gateway)."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.status = status

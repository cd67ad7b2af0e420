"""Settings of the API layer (``HOTLINE_API_*``), read here so ``config/settings`` stays untouched."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def max_body_bytes() -> int:
    """The largest JSON or form body the API reads (uploads have their own limit)."""
    return int(getattr(settings, "HOTLINE_API_MAX_BODY_BYTES", 1024 * 1024))


def max_upload_bytes() -> int:
    """The largest multipart body (all files of one upload together)."""
    return int(getattr(settings, "HOTLINE_API_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))


def idempotency_ttl() -> dt.timedelta:
    """How long a stored answer is replayed for its ``Idempotency-Key``."""
    return dt.timedelta(hours=float(getattr(settings, "HOTLINE_API_IDEMPOTENCY_HOURS", 24)))


def public_rate() -> str:
    """Rate limit of the public (unauthenticated) endpoints, per client address."""
    return str(getattr(settings, "HOTLINE_API_PUBLIC_RATE", "60/m"))

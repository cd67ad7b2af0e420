"""Rate limits of the public pages (django-ratelimit over the shared cache): per client address and per
phone number, so neither many requests from one place nor one person from many places floods the center."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def over_limit(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> bool:
    """Count this request in ``group`` and say whether it is over ``rate`` (e.g. "5/h")."""
    return bool(is_ratelimited(request, group=group, key=key, rate=rate, increment=True))


def over_phone_limit(request: HttpRequest, *, phone: str, rate: str) -> bool:
    if not phone:
        return False
    digest = hashlib.sha256(phone.encode()).hexdigest()  # the cache never holds the number itself
    return bool(
        is_ratelimited(
            request,
            group="portal-submit-phone",
            key=lambda _group, _request: digest,
            rate=rate,
            increment=True,
        )
    )

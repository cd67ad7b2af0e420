"""Open311 settings (``HOTLINE_OPEN311_*``)."""

from __future__ import annotations

import os

from django.conf import settings


def _get(name: str, default: str) -> str:
    key = f"HOTLINE_OPEN311_{name}"
    return str(getattr(settings, key, os.environ.get(key, default)))


def jurisdiction() -> str:
    return _get("JURISDICTION", "12345.haicheng.gov.cn")


def channel() -> str:
    """The channel of requests created through Open311 (citizen apps)."""
    return _get("CHANNEL", "app")


def contact() -> str:
    return _get("CONTACT", "12345热线中心 · 拨打12345")


def max_results() -> int:
    return int(_get("MAX_RESULTS", "200"))


def read_rate(group: str, request: object) -> str:
    """Rate limit of the public reads, per client address (django-ratelimit syntax)."""
    return _get("READ_RATE", "120/m")


def write_rate(group: str, request: object) -> str:
    return _get("WRITE_RATE", "30/m")

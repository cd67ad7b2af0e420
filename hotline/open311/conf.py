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

"""Settings of the citizen portal, read at use so tests and deployments can change them."""

from __future__ import annotations

from django.conf import settings


def setting(name: str, default: object) -> object:
    return getattr(settings, f"HOTLINE_PORTAL_{name}", default)


def submit_rate_ip() -> str:
    """Submissions per client address (django-ratelimit rate syntax)."""
    return str(setting("SUBMIT_RATE_IP", "5/h"))


def submit_rate_ip_daily() -> str:
    return str(setting("SUBMIT_RATE_IP_DAILY", "20/d"))


def submit_rate_phone() -> str:
    """Submissions per phone number: the same person from many addresses."""
    return str(setting("SUBMIT_RATE_PHONE", "5/d"))


def track_rate_ip() -> str:
    """Look-ups by number and query code per address: guessing codes stays hopeless."""
    return str(setting("TRACK_RATE_IP", "20/10m"))


def rate_rate_ip() -> str:
    return str(setting("RATE_RATE_IP", "10/h"))


def min_fill_seconds() -> int:
    """A person takes at least this long to fill the form; faster is a script."""
    return int(setting("MIN_FILL_SECONDS", 4))  # type: ignore[call-overload]


def max_form_age_seconds() -> int:
    return int(setting("MAX_FORM_AGE_SECONDS", 4 * 3600))  # type: ignore[call-overload]

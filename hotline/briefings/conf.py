"""Settings of the briefings app, read from Django settings with these defaults."""

from __future__ import annotations

from django.conf import settings


def scheduled_kinds() -> tuple[str, ...]:
    """The briefings the worker makes on schedule: weekly (Mondays), ten-day (1st, 11th, 21st), monthly."""
    return tuple(getattr(settings, "HOTLINE_BRIEFINGS_SCHEDULE", ("week", "tenday", "month")))


def schedule_hour() -> int:
    """Local hour from which a finished period's briefing is made (callbacks of the night are in)."""
    return int(getattr(settings, "HOTLINE_BRIEFINGS_HOUR", 6))

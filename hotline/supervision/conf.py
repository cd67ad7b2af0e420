"""Settings of the supervision app (``HOTLINE_SUPERVISION_*`` in the Django settings)."""

from __future__ import annotations

from django.conf import settings


def sweep_minutes() -> int:
    """How often the worker runs the supervision sweep."""
    return int(getattr(settings, "HOTLINE_SUPERVISION_SWEEP_MINUTES", 5))


def sweep_batch() -> int:
    """At most this many causes per rule and step in one sweep (the next sweep takes the rest)."""
    return int(getattr(settings, "HOTLINE_SUPERVISION_SWEEP_BATCH", 500))

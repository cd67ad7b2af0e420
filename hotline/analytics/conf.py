"""Settings of the analysis app (``HOTLINE_ANALYTICS_*``), with their defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def setting(name: str, default: Any) -> Any:
    return getattr(settings, f"HOTLINE_ANALYTICS_{name}", default)


def district_tiles() -> dict[str, tuple[int, int]]:
    """Where each district sits on the tile map, by division code: ``{"990101000000": (row, col)}``.
    Districts not listed are laid out in code order after the listed ones."""
    return dict(setting("DISTRICT_TILES", {}))


def hot_issue_windows() -> tuple[int, ...]:
    """The windows (days back from now) the worker precomputes hot issues for."""
    return tuple(setting("HOT_ISSUE_WINDOWS", (7, 30)))


def hot_issue_cache_seconds() -> int:
    return int(setting("HOT_ISSUE_CACHE_SECONDS", 20 * 60))

"""Settings of smart dispatch, each read from ``settings.HOTLINE_ROUTING_<NAME>`` with the default here."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _get(name: str, default: Any) -> Any:
    return getattr(settings, f"HOTLINE_ROUTING_{name}", default)


def auto_dispatch_enabled() -> bool:
    """Whether the worker may dispatch an order by itself at all (the thresholds still apply)."""
    return bool(_get("AUTO_DISPATCH", True))


def auto_dispatch_confidence() -> float:
    """The calibrated confidence of the category model an automatic dispatch needs at least."""
    return float(_get("AUTO_DISPATCH_CONFIDENCE", 0.9))


def auto_dispatch_min_evidence() -> float:
    """The share of signed (not returned) orders the lead unit must keep for that matter (0 to 1)."""
    return float(_get("AUTO_DISPATCH_MIN_SIGNED_SHARE", 0.6))


def similar_min_score() -> float:
    """How similar (weighted term overlap, 0 to 1) an open order must be to be offered for merging."""
    return float(_get("SIMILAR_MIN_SCORE", 0.25))


def same_matter_min_score() -> float:
    """How similar an order must be to count as the same matter (supervision's repeated complaints)."""
    return float(_get("SAME_MATTER_MIN_SCORE", 0.35))


def index_terms_per_order() -> int:
    return int(_get("INDEX_TERMS_PER_ORDER", 24))


def repeat_days() -> int:
    """The window in which calls from one phone about one matter count as repeats (重复来电)."""
    return int(_get("REPEAT_DAYS", 30))


def repeat_threshold() -> int:
    """Earlier orders about the same matter from the same phone that make a repeat call."""
    return int(_get("REPEAT_THRESHOLD", 1))


def harassment_days() -> int:
    return int(_get("HARASSMENT_DAYS", 7))


def harassment_threshold() -> int:
    """Orders from one phone in ``harassment_days`` beyond which the caller is flagged as possibly
    harassing (恶意骚扰), to be judged by a person."""
    return int(_get("HARASSMENT_THRESHOLD", 10))


def harassment_rejected_threshold() -> int:
    """Orders from one phone rejected as harassment before, in any period, that flag the caller."""
    return int(_get("HARASSMENT_REJECTED_THRESHOLD", 2))

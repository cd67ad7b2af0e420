"""Settings of the knowledge base, read from Django settings (``HOTLINE_KNOWLEDGE_*``) with defaults."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from hotline.directory.models import Role


def editor_roles() -> frozenset[str]:
    """Center roles that review, edit and publish entries (the center's knowledge-base editors)."""
    return frozenset(getattr(settings, "HOTLINE_KNOWLEDGE_EDITOR_ROLES", {Role.SUPERVISOR, Role.ADMIN}))


def review_lead_days() -> int:
    """How many days before a review date or an expiry date the owners are told."""
    return int(getattr(settings, "HOTLINE_KNOWLEDGE_REVIEW_LEAD_DAYS", 7))


def default_review_cycle_days() -> int:
    return int(getattr(settings, "HOTLINE_KNOWLEDGE_REVIEW_CYCLE_DAYS", 180))


def max_terms_per_entry() -> int:
    """Static index pruning: an entry keeps at most this many of its highest-weighted terms (0: all)."""
    return int(getattr(settings, "HOTLINE_KNOWLEDGE_MAX_TERMS", 192))


def snapshot_dir() -> Path | None:
    """Where the worker writes the memory-mapped search index that web processes share; None: each
    process builds its own index from the database."""
    value = getattr(settings, "HOTLINE_KNOWLEDGE_INDEX_DIR", None)
    if value is None:
        var_dir = getattr(settings, "VAR_DIR", None)
        return Path(var_dir) / "knowledge-index" if var_dir else None
    return Path(value) if value else None


def delta_limit() -> int:
    """Changed entries kept in the small in-memory delta before the main index is rebuilt."""
    return int(getattr(settings, "HOTLINE_KNOWLEDGE_DELTA_LIMIT", 2000))


def refresh_seconds() -> float:
    """How often a process asks the database whether entries changed (0: before every search)."""
    return float(getattr(settings, "HOTLINE_KNOWLEDGE_REFRESH_SECONDS", 0))

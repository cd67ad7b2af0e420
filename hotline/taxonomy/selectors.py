"""Reads of the taxonomy that every intake needs, from the per-process reference cache."""

from __future__ import annotations

from hotline.core import refcache

from .models import Category, Channel


def active_channels() -> dict[str, Channel]:
    """Active channels by code."""
    return refcache.cached("channels", lambda: {c.code: c for c in Channel.objects.filter(active=True)})


def channel_by_code(code: str) -> Channel | None:
    return active_channels().get(code)


def category_paths() -> dict[int, str]:
    """Every category's tree path by id (a path starts with its ancestors' paths)."""
    return refcache.cached("category-paths", lambda: dict(Category.objects.values_list("pk", "path")))


def category_path(category_id: int) -> str | None:
    """One category's path; a category created since the cache was filled is read from the database."""
    path = category_paths().get(category_id)
    if path is None:
        path = Category.objects.filter(pk=category_id).values_list("path", flat=True).first()
    return path

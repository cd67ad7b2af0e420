"""A short-lived per-process cache for reference data that every request needs and admins change a few
times a year: the working calendar, SLA policies, channels, category paths.

Each process keeps a value for ``REFCACHE_SECONDS`` (60 s); the services and admin pages that edit such
data call ``invalidate()`` so their own process sees the change at once, the others within a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")

REFCACHE_SECONDS = 60.0
_lock = threading.Lock()
_entries: dict[str, tuple[float, object]] = {}


def cached(key: str, load: Callable[[], T]) -> T:
    """The value under ``key``, loaded with ``load()`` when missing or older than the time limit."""
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and now - hit[0] < REFCACHE_SECONDS:
        return cast(T, hit[1])
    value = load()
    with _lock:
        _entries[key] = (now, value)
    return value


def invalidate(prefix: str = "") -> None:
    """Forget this process's cached values whose key starts with ``prefix`` (all of them by default)."""
    with _lock:
        for key in [key for key in _entries if key.startswith(prefix)]:
            del _entries[key]

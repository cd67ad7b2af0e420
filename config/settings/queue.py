"""Which queue the background worker (huey) uses, from one URL.

- unset or ``sqlite:///path``: a SQLite file under ``var/`` — no extra server (the default);
- ``redis://host:port/db``: Redis;
- ``postgres://user@host:port/db``: PostgreSQL (huey's SQL storage, with ``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def huey_settings(url: str, var_dir: Path, *, workers: int = 2) -> dict[str, Any]:
    common: dict[str, Any] = {
        "name": "hotline",
        "immediate": False,
        "consumer": {"workers": workers, "worker_type": "thread"},
    }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {**common, "huey_class": "huey.RedisHuey", "url": url}
    if url.startswith(("postgres://", "postgresql://")):
        # peewee names its psycopg 3 driver by the URL scheme
        return {
            **common,
            "huey_class": "huey.contrib.sql_huey.SqlHuey",
            "database": "psycopg3://" + url.split("://", 1)[1],
        }
    if url and not url.startswith("sqlite:///"):
        raise ValueError(f"HOTLINE_QUEUE_URL must be sqlite:///…, redis://… or postgres://…, not {url!r}")
    filename = url.removeprefix("sqlite:///") or str(var_dir / "huey.sqlite3")
    return {**common, "huey_class": "hotline.core.queue.SqliteHuey", "filename": filename}

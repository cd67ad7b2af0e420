"""The worker's queue on each backend it supports: a job enqueued by one side is dequeued and run by the
other, through the real storage (a SQLite file, Redis, PostgreSQL), not huey's immediate mode."""

from __future__ import annotations

import os
import socket
import uuid

import psycopg
import pytest
from huey.contrib.djhuey import get_backend

from config.settings.queue import huey_settings

POSTGRES_URL = os.environ.get("CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def _huey(config: dict):
    config = dict(config)
    config.pop("consumer")
    cls = get_backend(config.pop("huey_class"))
    return cls(f"test-{uuid.uuid4().hex[:8]}", **{k: v for k, v in config.items() if k != "name"})


def _round_trip(huey) -> None:
    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    assert task is not None
    huey.execute(task)
    assert result.get() == 5
    assert huey.pending_count() == 0


def test_default_queue_is_a_sqlite_file_and_runs_jobs(tmp_path):
    config = huey_settings("", tmp_path)
    assert config["huey_class"] == "hotline.core.queue.SqliteHuey"
    assert config["filename"] == str(tmp_path / "huey.sqlite3")
    queue = _huey(config)
    _round_trip(queue)
    # Committed as the platform's database is (WAL, synchronous NORMAL), not waiting for the disk each time.
    assert queue.storage.conn.execute("PRAGMA synchronous").fetchone() == (1,)
    assert queue.storage.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_unknown_queue_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="HOTLINE_QUEUE_URL"):
        huey_settings("amqp://guest@localhost", tmp_path)


def test_redis_queue_runs_jobs(tmp_path):
    if not _reachable("127.0.0.1", 6379):
        pytest.skip("no Redis on 127.0.0.1:6379 (CI has one)")
    config = huey_settings(REDIS_URL, tmp_path)
    assert config["huey_class"] == "huey.RedisHuey"
    huey = _huey(config)
    try:
        _round_trip(huey)
    finally:
        huey.storage.flush_all()


def test_postgres_queue_runs_jobs(tmp_path):
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL reachable (CI has one)")
    config = huey_settings(POSTGRES_URL, tmp_path)
    assert config["huey_class"] == "huey.contrib.sql_huey.SqlHuey"
    huey = _huey(config)
    try:
        _round_trip(huey)
    finally:
        huey.storage.flush_all()
        huey.storage.database.close()

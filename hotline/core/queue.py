"""The worker's default queue: huey's SQLite storage, committing as the platform's own SQLite database
does (WAL with ``synchronous=NORMAL``: safe when a process crashes; the last commits can be lost when
the machine loses power) instead of waiting for the disk at every enqueue, which cost 0.35 ms of each
action on an order (one enqueue per transaction). A queue more durable than the orders it serves would
buy nothing: a job is enqueued after its transaction commits, in another file."""

from __future__ import annotations

import sqlite3

import huey
from huey.storage import SqliteStorage


class NormalSyncSqliteStorage(SqliteStorage):
    def _create_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._create_connection()
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection


class SqliteHuey(huey.SqliteHuey):
    storage_class = NormalSyncSqliteStorage

"""The database's own limit: the rows the services write for an intake and a lifecycle, written by plain
SQL over the DB-API (psycopg or sqlite3), one transaction per step, with no ORM and no Python logic.

The benchmarks run the same work through the platform and through this, so the ratio of the two shows
the platform's overhead and how far a target is from what the database on the machine can do at all.
The statements mirror what the services issue (see the SQL a lifecycle logs with DEBUG): a locked read
of the order, its update, the event insert and the assignment's insert or update.
"""

from __future__ import annotations

import sqlite3
from typing import Any

NOW = "2026-12-01 09:00:00+08:00"
_ORDER_COLUMNS = (
    "number, status, version, last_event_seq, channel_id, hotline_number, external_id, source_system, "
    "caller_name, caller_phone, caller_company, confidential, anonymous, publish_consent, request_type, "
    "title, content, location_text, urgency, received_at, dispatch_due_at, progress_due_at, reopen_count, "
    "query_code, satisfaction, answer"
)


class Raw:
    """One connection writing the platform's rows by hand."""

    def __init__(self, engine: str, url: str) -> None:
        self.engine = engine
        self.conn: Any
        if engine == "postgres":
            import psycopg

            self.conn = psycopg.connect(url, autocommit=False)
            self.p = "%s"
        else:
            self.conn = sqlite3.connect(url, timeout=20, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.p = "?"
        self.cur = self.conn.cursor()

    def one(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        self.cur.execute(sql, params)
        row = self.cur.fetchone()
        return row[0] if row else None

    def begin(self) -> None:
        if self.engine == "sqlite":
            self.cur.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self.engine == "sqlite":
            self.cur.execute("COMMIT")
        else:
            self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def _event(self, order_id: int, seq: int, action: str, source: str, target: str) -> None:
        p = self.p
        self.cur.execute(
            "INSERT INTO workorders_event (order_id, seq, action, at, from_status, to_status, reason, comment, "
            f"data) VALUES ({', '.join([p] * 9)})",
            [order_id, seq, action, NOW, source, target, "", "", "{}"],
        )

    def intake(self, *, channel_id: int, tag: str) -> int:
        """The number (``workorders/numbers.py``: on SQLite the day's counter upsert, on PostgreSQL the
        sequence and the day's base, read together), the order and its two events (intake, accept);
        returns the order's id."""
        p = self.p
        self.begin()
        if self.engine == "postgres":
            last = self.one(
                "SELECT nextval('workorders_order_number'), "
                "(SELECT base FROM workorders_ordersequence WHERE day = %s)",
                ["2099-01-01"],
            )
        else:
            last = self.one(
                f"INSERT INTO workorders_ordersequence (day, last) VALUES ({p}, 1) ON CONFLICT (day) DO UPDATE "
                "SET last = workorders_ordersequence.last + 1 RETURNING last",
                ["2099-01-01"],
            )
        values = [
            f"2099{tag}{last:08d}",
            "awaiting_dispatch",
            2,
            2,
            channel_id,
            "12345",
            "",
            "",
            "张三",
            "13812341234",
            "",
            False,
            False,
            True,
            "complaint",
            "raw",
            "东湖街道幸福里小区自周一起停水",
            "东湖区幸福里小区",
            "normal",
            NOW,
            NOW,
            NOW,
            0,
            "ABCDEF",
            "",
            "",
        ]
        order_id = int(
            self.one(
                f"INSERT INTO workorders_workorder ({_ORDER_COLUMNS}) VALUES ({', '.join([p] * len(values))}) "
                "RETURNING id",
                values,
            )
        )
        self._event(order_id, 1, "intake", "", "received")
        self._event(order_id, 2, "accept", "received", "awaiting_dispatch")
        self.commit()
        return order_id

    def _step(
        self,
        order_id: int,
        action: str,
        target: str,
        *,
        lock_assignment: bool = False,
        sets: dict[str, Any] | None = None,
    ) -> None:
        """One transition's common part: the locked read of the whole order row, its update and the event."""
        p = self.p
        if lock_assignment:
            self.cur.execute(
                f"SELECT * FROM workorders_assignment WHERE order_id = {p} AND state IN ('pending', 'signed')",
                [order_id],
            )
            self.cur.fetchall()
        lock = " FOR UPDATE" if self.engine == "postgres" else ""
        self.cur.execute(f"SELECT * FROM workorders_workorder WHERE id = {p}{lock}", [order_id])
        status, version, seq = self.cur.fetchone()[2:5]
        extra = sets or {}
        assigns = "".join(f", {column} = {p}" for column in extra)
        self.cur.execute(
            f"UPDATE workorders_workorder SET status = {p}, version = {p}, last_event_seq = {p}{assigns} "
            f"WHERE id = {p}",
            [target, version + 1, seq + 1, *extra.values(), order_id],
        )
        self._event(order_id, seq + 1, action, status, target)

    def lifecycle(self, order_id: int, *, unit_id: int, handler_id: int, dispatcher_id: int) -> None:
        """dispatch → sign → note → reply → accept reply → callback, one transaction each."""
        p = self.p
        self.begin()
        self._step(order_id, "dispatch", "dispatched")
        self.cur.execute(
            "UPDATE workorders_assignment SET state = 'cancelled' "
            f"WHERE order_id = {p} AND state IN ('pending', 'signed')",
            [order_id],
        )
        self.cur.execute(
            "INSERT INTO workorders_assignment (order_id, unit_id, role, state, round, dispatched_at, "
            "dispatched_by_id, instructions, sign_due_at, return_due_at, due_at, warn_at, return_reason, "
            f"result, extension_count) VALUES ({', '.join([p] * 15)}) RETURNING id",
            [order_id, unit_id, "lead", "pending", 1, NOW, dispatcher_id, "", NOW, NOW, NOW, NOW, "", "", 0],
        )
        assignment_id = self.cur.fetchone()[0]
        self.commit()

        self.begin()
        self._step(order_id, "sign", "in_progress", lock_assignment=True)
        self.cur.execute(
            f"UPDATE workorders_assignment SET state = 'signed', signed_at = {p}, signed_by_id = {p} "
            f"WHERE id = {p}",
            [NOW, handler_id, assignment_id],
        )
        self.commit()

        self.begin()
        self._step(order_id, "note", "in_progress", lock_assignment=True, sets={"progress_reported_at": NOW})
        self.commit()

        self.begin()
        self._step(order_id, "reply", "replied", lock_assignment=True)
        self.cur.execute(
            f"UPDATE workorders_assignment SET state = 'done', done_at = {p}, result = {p}, solved = {p} "
            f"WHERE id = {p}",
            [NOW, "已修复", True, assignment_id],
        )
        self.commit()

        self.begin()
        self._step(order_id, "accept_reply", "awaiting_callback", sets={"progress_reported_at": NOW})
        self.commit()

        self.begin()
        self._step(
            order_id,
            "callback",
            "closed",
            sets={"closed_at": NOW, "satisfaction": "satisfied", "solved": True},
        )
        self.commit()

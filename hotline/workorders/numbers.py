"""Order numbers: ``YYYYMMDD`` (Beijing time) and the order's place in the day, six digits or more.

Unique under concurrency on both databases. Dense on SQLite; on PostgreSQL too, but for two gaps: a
transaction that rolls back after taking its number, and, when intakes dated on different days
interleave (one dated before midnight arriving after the new day's first), the values the other day took.

- SQLite: one upsert of the day's ``OrderSequence`` row (``last + 1``); the transaction holds SQLite's
  write lock anyway, so nothing is lost by the row waiting for commit.
- PostgreSQL: the day's row is read, not locked. The number is ``nextval`` of one database sequence
  (``workorders_order_number``, which never blocks) minus the day's ``base``: the sequence's value before
  the day's first order, written once by the first intake of the day. A counter row incremented by every
  intake would be locked from the increment to the commit, and under load intakes queued on it (most of
  the API's backends were seen waiting on that row lock).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from hotline.core.clock import localtime

from .models import OrderSequence

SEQUENCE = "workorders_order_number"


def next_number(now: dt.datetime) -> str:
    day = localtime(now).date()
    position = _next_postgres(day) if connection.vendor == "postgresql" else _next_counter(day)
    return f"{day:%Y%m%d}{position:06d}"


def _next_counter(day: dt.date) -> int:
    table = connection.ops.quote_name(OrderSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return int(last)


def _next_postgres(day: dt.date) -> int:
    table = connection.ops.quote_name(OrderSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(%s), (SELECT base FROM {table} WHERE day = %s)", [SEQUENCE, day])  # noqa: S608
        value, base = cursor.fetchone()
        if base is None:
            # The day's first intake (or the first since numbers came from ``last``: continue after it).
            # Concurrent first intakes wait here for the one whose row lands first and take its base.
            cursor.execute(
                f"INSERT INTO {table} (day, last, base) VALUES (%s, 0, %s) "  # noqa: S608
                f"ON CONFLICT (day) DO UPDATE SET base = COALESCE({table}.base, EXCLUDED.base - {table}.last) "
                "RETURNING base",
                [day, value - 1],
            )
            (base,) = cursor.fetchone()
        while value <= base:  # taken before the first intake of the day set the base: take another
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
            (value,) = cursor.fetchone()
    return int(value - base)

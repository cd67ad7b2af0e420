"""Opaque cursors for paginated lists. Keyset cursors (the position of the last row seen) for lists
ordered by a time and the primary key; offset cursors for queues ordered by computed ranks."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from hotline.core.errors import ValidationFailed

M = TypeVar("M", bound=Model)
MAX_LIMIT = 100


def _encode(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("The cursor is not valid.", code="invalid_cursor") from exc
    if not isinstance(data, dict):
        raise ValidationFailed("The cursor is not valid.", code="invalid_cursor")
    return data


def keyset_page(
    queryset: QuerySet[M], *, cursor: str | None, limit: int, time_field: str
) -> tuple[list[M], str | None]:
    """Rows after ``cursor`` in the order ``-time_field, -pk`` (newest first), and the next cursor."""
    if cursor:
        data = _decode(cursor)
        try:
            at = dt.datetime.fromisoformat(str(data["t"]))
            pk = int(data["id"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ValidationFailed("The cursor is not valid.", code="invalid_cursor") from exc
        if at.tzinfo is None:
            raise ValidationFailed("The cursor is not valid.", code="invalid_cursor")
        queryset = queryset.filter(Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": pk}))
    rows = list(queryset.order_by(f"-{time_field}", "-pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode({"t": getattr(last, time_field).isoformat(), "id": last.pk})


def offset_page(queryset: QuerySet[M], *, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """Rows of an already ordered queryset after ``cursor``, and the next cursor."""
    start = 0
    if cursor:
        try:
            start = int(_decode(cursor)["o"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ValidationFailed("The cursor is not valid.", code="invalid_cursor") from exc
        if start < 0:
            raise ValidationFailed("The cursor is not valid.", code="invalid_cursor")
    rows = list(queryset[start : start + limit + 1])
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], _encode({"o": start + limit})

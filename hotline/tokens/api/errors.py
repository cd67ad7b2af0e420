"""The error body every endpoint documents: ``{"code", "message", "details"}``."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


# The 4xx answers an authenticated endpoint may give (documented on each operation).
ERRORS = frozenset({400, 401, 403, 404, 409, 413, 422, 429})

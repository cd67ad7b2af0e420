"""One error family for the whole platform.

Every refusal a user can cause is an ``ApplicationError`` with a stable ``code``; interfaces render it as
``{"code", "message", "details"}`` with its HTTP ``status``. Anything else that escapes is a bug.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApplicationError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class ValidationFailed(ApplicationError):
    status = 400
    default_code = "invalid"


class NotFound(ApplicationError):
    status = 404
    default_code = "not_found"


class Forbidden(ApplicationError):
    status = 403
    default_code = "forbidden"


class Conflict(ApplicationError):
    status = 409
    default_code = "conflict"

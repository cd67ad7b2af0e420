"""``Idempotency-Key`` for every POST of the JSON API (draft-ietf-httpapi-idempotency-key-header).

The record is inserted in the same transaction as the work the request does. A second request with the
same key, even one sent at the same moment, waits on the record's unique index (PostgreSQL) or on the
write lock (SQLite) until the first commits, then replays the stored answer: the work is done once.
An answer that is an error (4xx/5xx) is not kept; such a request changed nothing and may be retried.
The same key with a different body is refused (422).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from hotline.core.clock import now as clock_now

from . import conf
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyRefused(Exception):
    """The key cannot be honoured (malformed, reused for another request, still in progress)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def scope_of(request: HttpRequest) -> str:
    """Who sent the key. Keys of different callers never collide: a token (by its hash), a signed-in
    user, or else the client address."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "addr:" + str(request.META.get("REMOTE_ADDR", ""))[:60]


def fingerprint_of(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def run_once(request: HttpRequest, key: str, call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """Answer ``request`` by ``call()`` once per key; replay the stored answer for a retry."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyRefused(
            "invalid_idempotency_key", f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters."
        )
    scope, fingerprint, now = scope_of(request), fingerprint_of(request), clock_now()
    for _ in range(2):  # a second pass only after removing an expired record
        with transaction.atomic():
            record_id = _claim(scope, key, fingerprint, request, now)
            if record_id is None:
                existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
                if existing is None:
                    continue
                if existing.expires_at <= now:
                    existing.delete()
                    continue
                return _replay(existing, fingerprint)
            response = call()
            if response.status_code >= 400 or not isinstance(response, HttpResponse):
                transaction.set_rollback(True)
                return response
            _keep(record_id, response)
            return response
    raise IdempotencyRefused(
        "idempotency_conflict", "The request could not be recorded; retry it.", status=409
    )


def _claim(scope: str, key: str, fingerprint: str, request: HttpRequest, now: dt.datetime) -> int | None:
    """Insert the record, or None when the key is taken. One statement (no savepoint): a concurrent
    insert of the same key waits here until the other transaction ends."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    created = connection.ops.adapt_datetimefield_value(now)
    expires = connection.ops.adapt_datetimefield_value(now + conf.idempotency_ttl())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, key, fingerprint, method, path, status_code, content_type, body, "  # noqa: S608
            "location, created_at, expires_at) VALUES (%s, %s, %s, %s, %s, 0, '', %s, '', %s, %s) "
            "ON CONFLICT (scope, key) DO NOTHING RETURNING id",
            [
                scope,
                key,
                fingerprint,
                request.method or "",
                request.path[:500],
                b"",
                created,
                expires,
            ],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _keep(record_id: int, response: HttpResponse) -> None:
    """Store the answer on the claimed record (by hand like the claim: both are on every POST's path)."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status_code = %s, content_type = %s, body = %s, location = %s "  # noqa: S608
            "WHERE id = %s",
            [
                response.status_code,
                response.get("Content-Type", "")[:100],
                bytes(response.content),
                response.get("Location", "")[:500],
                record_id,
            ],
        )


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        raise IdempotencyRefused(
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request.",
            status=422,
        )
    if record.status_code == 0:  # the first request has not finished (only seen across databases)
        raise IdempotencyRefused(
            "request_in_progress", "A request with this key is still being processed.", status=409
        )
    response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired(*, now: dt.datetime) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=now).delete()
    return deleted

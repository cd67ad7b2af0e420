"""HMAC-SHA256 signatures over ``"<timestamp>.<body>"``: the SMS gateway and the telephony platform sign
their callbacks this way, and the platform signs its partner webhooks and gateway requests the same.

Headers: ``X-Hotline-Timestamp`` (Unix seconds) and ``X-Hotline-Signature`` (``v1=<hex digest>``). A
signature older or newer than ``TOLERANCE`` seconds is refused, so a captured request cannot be replayed
later. The HMAC covers the body and the timestamp, so all that can be replayed within ``TOLERANCE`` is the
very request, and the receivers treat that as the sender's retry: the SMS ``id`` and the call events are
acted on once. WeChat's signature does not cover the body, so its callback also spends each ``nonce``
once (``first_use``).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.core.cache import cache

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"
TOLERANCE = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, *, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(at if at is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def fresh(timestamp: str, *, tolerance: float = TOLERANCE, at: float | None = None) -> bool:
    """Whether ``timestamp`` (Unix seconds) lies within ``tolerance`` seconds of the clock."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    current = at if at is not None else time.time()
    return abs(current - sent) <= tolerance


def verify(
    secret: str, *, timestamp: str, signature_value: str, body: bytes, at: float | None = None
) -> bool:
    if not secret or not timestamp or not signature_value or not fresh(timestamp, at=at):
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), signature_value.strip())


def first_use(scope: str, nonce: str, *, window: float, payload: bytes) -> bool:
    """Whether ``nonce`` is new in ``scope``, or comes again with the same ``payload`` (a sender retrying
    a request it got no answer to). A nonce that comes back with another payload is a replay and False.

    ``window`` is the freshness tolerance: a timestamp is good from ``window`` seconds before it to
    ``window`` after, so the nonce is remembered for twice that. ``cache.add`` is atomic on Redis, the
    database and locmem; the file cache checks and then writes, so two requests racing within
    milliseconds could both pass there.
    """
    key = "hotline:nonce:" + hashlib.sha256(f"{scope}\0{nonce}".encode()).hexdigest()
    digest = hashlib.sha256(payload).hexdigest()
    if cache.add(key, digest, timeout=2 * window):
        return True
    return cache.get(key) == digest

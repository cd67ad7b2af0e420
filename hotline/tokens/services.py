"""Creating and revoking API tokens. The raw token is returned once, at creation, and never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import User

from .models import ApiToken

TOKEN_PREFIX = "hl_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str, now: dt.datetime) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the stored record and the raw token (shown once)."""
    if not user.is_active:
        raise ValidationFailed("Cannot create a token for a disabled account.", code="account_disabled")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=(name or "token").strip()[:100],
            prefix=raw[:10],
            key_hash=hash_token(raw),
            created_at=now,
        )
    return token, raw


def token_revoke(*, token_id: int, now: dt.datetime) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise NotFound(f"No token {token_id}.", code="token_not_found")
        if token.revoked_at is None:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
    return token

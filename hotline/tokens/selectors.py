from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from hotline.directory.models import User

from .models import ApiToken
from .services import hash_token

# last_used_at is written at most this often per token, so authentication stays a read on hot paths.
_TOUCH_EVERY = dt.timedelta(minutes=5)


def user_for_token(raw: str, *, now: dt.datetime) -> User | None:
    """The active user a raw token belongs to, or None for an unknown, revoked or disabled one."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=hash_token(raw.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user: User | None = None) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("user", "user__unit").order_by("-created_at")
    return tokens.filter(user=user) if user is not None else tokens

"""``/notifications``: the signed-in account's own notifications."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hotline.core.clock import now
from hotline.core.errors import ValidationFailed
from hotline.directory.models import User
from hotline.tokens.api.cursors import MAX_LIMIT, offset_page
from hotline.tokens.api.errors import ERRORS, ErrorOut

from ..models import Notification
from ..selectors import notifications_for_user, unread_count
from ..services import notifications_mark_read
from .schemas import NotificationOut, NotificationPageOut, ReadIn, ReadOut

router = Router(tags=["notifications"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the default auth only lets staff accounts through
    return user


class ListQuery(Schema):
    unread: bool = False
    cursor: str | None = Field(None, max_length=200)
    limit: int = 20


def _out(item: Notification) -> NotificationOut:
    return NotificationOut(
        id=item.pk,
        kind=item.kind,
        title=item.title,
        body=item.body,
        url=item.url,
        order=item.order.number if item.order else None,
        created_at=item.created_at,
        read_at=item.read_at,
    )


@router.get(
    "/notifications", response={200: NotificationPageOut, ERRORS: ErrorOut}, summary="My notifications"
)
def notification_list(request: HttpRequest, query: Query[ListQuery]) -> NotificationPageOut:
    """Newest first; ``unread=true`` for the unread ones only."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be 1 to {MAX_LIMIT}.", code="invalid_limit")
    user = _user(request)
    rows, cursor = offset_page(
        notifications_for_user(user, unread_only=query.unread), cursor=query.cursor, limit=query.limit
    )
    return NotificationPageOut(items=[_out(n) for n in rows], unread=unread_count(user), next_cursor=cursor)


@router.post(
    "/notifications/read", response={200: ReadOut, ERRORS: ErrorOut}, summary="Mark notifications read"
)
def mark_read(request: HttpRequest, body: ReadIn) -> ReadOut:
    user = _user(request)
    read = notifications_mark_read(user=user, now=now(), ids=body.ids)
    return ReadOut(read=read, unread=unread_count(user))

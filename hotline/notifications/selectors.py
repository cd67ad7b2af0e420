"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from hotline.directory.models import User

from .models import Notification


def notifications_for_user(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    mine = Notification.objects.filter(recipient=user).select_related("order")
    if unread_only:
        mine = mine.filter(read_at__isnull=True)
    return mine.order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

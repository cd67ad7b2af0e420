"""Supervision records in the Django admin: read-only, since every change goes through the services (the
rules have their own page, ``supervision:rules``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notice, NoticeResponse, RuleHit, StaffFlag, SupervisionRule


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(ReadOnly):
    list_display = ["code", "__str__", "active", "level", "respond_within", "escalate_after", "updated_at"]


@admin.register(RuleHit)
class RuleHitAdmin(ReadOnly):
    list_display = ["found_at", "rule", "order", "key", "state", "issued_at"]
    list_filter = ["rule", "state"]
    raw_id_fields = ["order"]


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ["issued_at", "order", "unit", "level", "cause", "respond_by", "escalated_at"]
    list_filter = ["level", "cause"]
    raw_id_fields = ["order"]


@admin.register(NoticeResponse)
class NoticeResponseAdmin(ReadOnly):
    list_display = ["responded_at", "notice", "responded_by", "on_time"]


@admin.register(StaffFlag)
class StaffFlagAdmin(ReadOnly):
    list_display = ["flagged_at", "order", "kind", "flagged_by"]
    list_filter = ["kind"]
    raw_id_fields = ["order"]

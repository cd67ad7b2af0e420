"""Work orders in the admin are read-only: every change goes through the services and leaves an event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Assignment, Event, WorkOrder


class ReadOnlyInline(admin.TabularInline[Any, WorkOrder]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["unit", "role", "state", "dispatched_at", "signed_at", "due_at", "done_at"]


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["seq", "at", "action", "actor", "from_status", "to_status", "reason", "comment"]


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin[WorkOrder]):
    list_display = ["number", "title", "status", "request_type", "channel", "received_at"]
    list_filter = ["status", "request_type", "channel", "urgency"]
    search_fields = ["number", "title", "caller_phone", "external_id"]
    date_hierarchy = "received_at"
    inlines = [AssignmentInline, EventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in WorkOrder._meta.fields] + ["related"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

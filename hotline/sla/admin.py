from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from hotline.core.admin import DropsReferenceCache
from hotline.core.clock import localtime, now

from .models import CalendarDay, CalendarYear, SlaPolicy, WorkingPeriod
from .selectors import calendar_warnings


class CalendarWarningMixin(DropsReferenceCache):
    """Shows the calendar's warnings (a year not loaded) above the list, and drops the cache on save."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        for warning in calendar_warnings(today=localtime(now()).date()):
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarWarningMixin, admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "source", "note", "loaded_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarWarningMixin, admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(CalendarWarningMixin, admin.ModelAdmin[WorkingPeriod]):
    list_display = ["start", "end"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(CalendarWarningMixin, admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "name",
        "request_type",
        "urgency",
        "category",
        "unit",
        "sign_limit",
        "return_limit",
        "handle_limit",
        "progress_limit",
        "warning_ratio",
        "active",
    ]
    list_filter = ["request_type", "urgency", "active"]
    autocomplete_fields = ["category", "unit"]

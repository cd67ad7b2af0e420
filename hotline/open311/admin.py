from __future__ import annotations

from django.contrib import admin

from .models import ServiceAttribute


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin[ServiceAttribute]):
    list_display = ["category", "code", "datatype", "required", "description", "order"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__name"]

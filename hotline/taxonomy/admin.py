from __future__ import annotations

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from hotline.core.admin import DropsReferenceCache

from .models import Category, Channel, RejectionReason


@admin.register(Category)
class CategoryAdmin(DropsReferenceCache, TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "code", "active"]
    search_fields = ["name", "code", "keywords"]


@admin.register(Channel)
class ChannelAdmin(DropsReferenceCache, admin.ModelAdmin[Channel]):
    list_display = ["name", "code", "first_response_minutes", "active", "sort"]
    list_editable = ["active", "sort"]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin[RejectionReason]):
    list_display = ["name", "code", "transfer", "active", "sort"]
    list_editable = ["active", "sort"]

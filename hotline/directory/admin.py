from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Division, Unit, UnitContact, User


@admin.register(Division)
class DivisionAdmin(TreeAdmin):
    form = movenodeform_factory(Division)
    list_display = ["name", "code", "level"]
    search_fields = ["name", "code", "aliases"]


class UnitContactInline(admin.TabularInline[UnitContact, Unit]):
    model = UnitContact
    extra = 0


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "code"]
    filter_horizontal = ["divisions"]
    inlines = [UnitContactInline]


@admin.register(User)
class StaffAdmin(UserAdmin[User]):
    list_display = ["username", "display_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (_("Hotline"), {"fields": ["role", "unit", "display_name", "phone", "staff_no"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Hotline"), {"fields": ["role", "unit", "display_name"]}),
    ]

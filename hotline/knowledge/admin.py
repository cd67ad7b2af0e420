from django.contrib import admin

from .models import Entry, EntryReport, SearchGap, SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin[SynonymGroup]):
    list_display = ("terms", "active", "note")
    list_filter = ("active",)
    search_fields = ("terms",)


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin[Entry]):
    """Read-only: entries change through the knowledge-base pages, which keep versions and history."""

    list_display = ("__str__", "status", "unit", "published_at", "review_due_on", "use_count", "open_reports")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Entry._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(EntryReport)
class EntryReportAdmin(admin.ModelAdmin[EntryReport]):
    list_display = ("entry", "kind", "state", "created_at", "reporter")
    list_filter = ("state", "kind")
    readonly_fields = [f.name for f in EntryReport._meta.fields]


@admin.register(SearchGap)
class SearchGapAdmin(admin.ModelAdmin[SearchGap]):
    list_display = ("query", "count", "last_at", "last_source", "closed_at")
    search_fields = ("query",)

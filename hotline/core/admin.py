"""Admin building blocks shared by the apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import refcache


class DropsReferenceCache:
    """For admin pages of reference data (channels, categories, calendar, policies): a save or delete
    drops this process's reference cache, so the change applies at once here and within a minute in
    the other processes."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        refcache.invalidate()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        refcache.invalidate()

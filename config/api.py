"""The one NinjaAPI of the platform; each app contributes a router from its ``api/views.py``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from hotline.core.errors import ApplicationError

api = NinjaAPI(
    title="12345 Hotline Platform API",
    version="1.0.0",
    urls_namespace="api-v1",
    description="Unified intake and work-order lifecycle of the 12345 government service hotline.",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _register() -> None:
    from importlib import import_module

    for app in (
        "workorders",
        "directory",
        "taxonomy",
        "sla",
        "tokens",
        "channels",
        "routing",
        "knowledge",
        "analytics",
        "publication",
        "supervision",
        "notifications",
        "feedback",
        "assessment",
        "briefings",
        "portal",
    ):
        api.add_router("", import_module(f"hotline.{app}.api.views").router)


_register()

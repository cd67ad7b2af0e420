from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .clock import now
from .selectors import health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (with worker and calendar status in the body); 503 when it does not."""
    report = health(now=now())
    return JsonResponse(report, status=503 if report["database"]["status"] != "ok" else 200)

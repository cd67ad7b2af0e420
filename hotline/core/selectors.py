"""Platform health: is the database reachable, is the worker alive, is the calendar complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection

from .clock import localtime
from .models import WorkerHeartbeat


def health(*, now: dt.datetime) -> dict[str, Any]:
    from hotline.sla.selectors import calendar_warnings

    report: dict[str, Any] = {"status": "ok", "time": localtime(now).isoformat()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # the check reports an outage instead of raising it
        report["database"] = {"status": "error", "error": str(exc)}
        report["status"] = "error"
        return report
    beat = WorkerHeartbeat.objects.filter(name="worker").first()
    stale = dt.timedelta(seconds=settings.HOTLINE_WORKER_STALE_SECONDS)
    if beat is None:
        report["worker"] = {"status": "unknown", "last_heartbeat": None}
    else:
        alive = now - beat.beat_at <= stale
        report["worker"] = {
            "status": "ok" if alive else "stale",
            "last_heartbeat": localtime(beat.beat_at).isoformat(),
        }
    warnings = calendar_warnings(today=localtime(now).date())
    report["calendar"] = {"status": "warning" if warnings else "ok", "warnings": warnings}
    if warnings or report["worker"]["status"] != "ok":
        report["status"] = "degraded"
    return report

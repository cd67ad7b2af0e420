from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from hotline.core.models import WorkerHeartbeat
from hotline.core.tasks import heartbeat

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_healthz_reports_database_worker_and_calendar(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] == "unknown"
    assert body["status"] == "degraded"
    heartbeat.call_local()
    body = client.get("/healthz").json()
    assert body["worker"]["status"] == "ok"


def test_healthz_flags_a_stale_worker(client):
    WorkerHeartbeat.objects.create(name="worker", beat_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/healthz").json()["worker"]["status"] == "stale"


def test_healthz_warns_when_the_year_is_not_loaded(client, settings):
    from hotline.sla.models import CalendarYear
    from hotline.sla.selectors import invalidate_cache

    CalendarYear.objects.filter(year=timezone.now().year).delete()
    invalidate_cache()
    body = client.get("/healthz").json()
    invalidate_cache()
    assert body["calendar"]["status"] == "warning"
    assert str(timezone.now().year) in body["calendar"]["warnings"][0]


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405


def test_periodic_jobs_are_registered():
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")  # what `hotline worker` does at start
    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert any("sweep" in name for name in names)
    assert any("heartbeat" in name for name in names)


def test_hotline_command_wraps_management_commands(tmp_path):
    hotline = Path(sys.executable).with_name("hotline")
    if not hotline.exists():
        pytest.skip("the hotline console script is not installed in this environment")
    env = {
        "HOTLINE_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(hotline), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
        )

    assert run("migrate", "-v0").returncode == 0
    result = run("calendar", "add", "--start", "2026-09-30T10:00", "--working-days", "5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-10-13T17:30:00+08:00"
    for name in ("serve", "worker", "demo", "migrate", "taxonomy", "token"):
        result = run(name, "--help")
        assert result.returncode == 0, (name, result.stderr)

"""``hotline serve`` started as in production: the real server, its workers, the production settings."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hotline.core.testing import children_of, free_port

ROOT = Path(__file__).resolve().parents[3]
HOTLINE = Path(sys.executable).with_name("hotline")


def get(
    port: int, path: str, method: str = "GET", body: bytes | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body, {"Content-Type": "application/json"} if body else {})
    response = conn.getresponse()
    content = response.read()
    conn.close()
    return response, content


@pytest.fixture
def production_env(tmp_path):
    if not HOTLINE.exists():
        pytest.skip("the hotline console script is not installed in this environment")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "HOTLINE_SECRET_KEY": "serve-test-" + "x" * 40,
        "HOTLINE_HTTPS": "0",
        "HOTLINE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }


def test_serve_answers_pages_static_files_and_the_api_with_several_workers(production_env, tmp_path):
    migrate = subprocess.run(
        [str(HOTLINE), "migrate", "-v0"], env=production_env, cwd=ROOT, capture_output=True, timeout=300
    )
    assert migrate.returncode == 0, migrate.stderr
    port, log = free_port(), (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(HOTLINE), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=production_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                health, content = get(port, "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert health.status == 200
        assert json.loads(content)["database"]["status"] == "ok"

        login, content = get(port, "/accounts/login/")
        assert login.status == 200
        page = content.decode()
        assert "<form" in page
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheet, "the login page links no stylesheet"
        static, content = get(port, stylesheet.group(1))
        assert static.status == 200 and len(content) > 100

        refused, content = get(port, "/api/v1/workorders", "POST", b'{"title": "x"}')
        assert refused.status == 401
        assert json.loads(content)["code"] == "unauthenticated"

        # the server runs the two workers asked for, as processes of its own
        assert len(children_of(server.pid)) >= 2
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def test_serve_refuses_no_workers(production_env):
    result = subprocess.run(
        [str(HOTLINE), "serve", "--workers", "0"],
        env=production_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "--workers must be at least 1" in result.stderr

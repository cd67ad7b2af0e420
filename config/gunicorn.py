"""gunicorn settings for ``hotline serve``: the application is loaded once in the master (``preload_app``)
so the workers start at once and share its memory; database connections are never shared across the
fork."""

from __future__ import annotations

from typing import Any

preload_app = True
timeout = 60
accesslog = "-"


def post_fork(server: Any, worker: Any) -> None:
    from django.db import connections

    # A connection the master opened while loading must not be used by two processes.
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        connection.connection = None

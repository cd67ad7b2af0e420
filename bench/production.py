"""The environment of a production deployment, for benchmarks that measure what one would do: the
production settings (DEBUG off: Django's debug cursor, which records and quotes every statement, is not
on a production server's path), a fresh secret key, plain HTTP on loopback, and a scratch directory
for the queue, the uploads and the cache."""

from __future__ import annotations

import uuid
from pathlib import Path


def production_env(workdir: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "HOTLINE_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "HOTLINE_HTTPS": "0",
        "HOTLINE_VAR_DIR": str(workdir),
        "HOTLINE_LOG_LEVEL": "WARNING",
    }

"""The committed OpenAPI schema (``docs/openapi.json``): how it is rendered, so the command that writes
it and the test that checks it for drift produce the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def render_schema() -> str:
    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

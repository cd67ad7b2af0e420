"""The committed schema matches the API, and the API survives fuzzing over it: no input makes a 5xx."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from hotline.tokens.openapi import SCHEMA_PATH, render_schema
from hotline.tokens.services import token_create

RENDERED = render_schema()


def test_the_committed_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == RENDERED, (
        "docs/openapi.json drifted: run `hotline openapi`"
    )


def test_the_served_schema_is_the_committed_one(client, db):
    served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(RENDERED)
    assert client.get("/api/v1/docs").status_code == 200


schema = schemathesis.openapi.from_dict(json.loads(RENDERED))
schema.app = WSGIHandler()


@pytest.fixture
def bearer(admin_user, make_order, now):
    """An admin's token; and, as Django's own test client does, the connection is kept open across
    requests (the test runs in one transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    make_order()
    _, raw = token_create(user=admin_user, name="fuzz", now=now)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {raw}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_input_makes_a_server_error(case, bearer):
    response = case.call(headers=bearer)
    case.validate_response(response, checks=[not_a_server_error], headers=bearer)

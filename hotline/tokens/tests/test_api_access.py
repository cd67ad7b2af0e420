import json
import threading

import pytest
from django.db import connection
from django.test import Client

from hotline.core import refcache
from hotline.core.clock import now as clock_now
from hotline.taxonomy.models import Channel
from hotline.tokens.models import IdempotencyRecord
from hotline.tokens.services import token_create, token_revoke
from hotline.tokens.testing import ApiClient
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

BODY = {
    "title": "噪音扰民",
    "content": "夜间施工噪音扰民，持续到凌晨两点。",
    "channel": "phone",
    "type": "complaint",
    "caller": {"name": "王五", "phone": "13700002222", "confidential": False},
    "location": "东湖区",
}


def test_no_credentials_is_401_with_the_error_shape(city):
    response = Client().get("/api/v1/workorders")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated" and response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_acts_as_its_user_with_role_and_unit(unit_handler, now):
    _, raw = token_create(user=unit_handler, name="script", now=now)
    me = ApiClient(token=raw).get("directory/me").json()
    assert me["username"] == "water_handler" and me["role"] == "unit_handler" and me["unit"]["code"] == "D01"
    assert ApiClient(token=raw + "x").get("directory/me").status_code == 401


def test_a_revoked_token_or_a_disabled_account_is_refused(agent, now):
    token, raw = token_create(user=agent, name="script", now=now)
    assert ApiClient(token=raw).get("directory/me").status_code == 200
    token_revoke(token_id=token.pk, now=now)
    assert ApiClient(token=raw).get("directory/me").status_code == 401
    _, raw = token_create(user=agent, name="again", now=now)
    agent.is_active = False
    agent.save()
    assert ApiClient(token=raw).get("directory/me").status_code == 401


def test_the_session_works_for_browsers_and_writes_need_csrf(agent):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/api/v1/directory/me").json()["username"] == "agent"
    refused = browser.post("/api/v1/workorders", json.dumps(BODY), content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert not WorkOrder.objects.exists()
    browser.get("/accounts/login/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    created = browser.post(
        "/api/v1/workorders",
        json.dumps(BODY),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert created.status_code == 201 and WorkOrder.objects.get().created_by == agent


def test_token_command_lists_role_and_unit(unit_handler, capsys):
    from django.core.management import call_command

    call_command("token", "create", "--user", "water_handler", "--name", "ops")
    raw = capsys.readouterr().out.strip()
    assert ApiClient(token=raw).get("directory/me").status_code == 200
    call_command("token", "list", "--user", "water_handler")
    line = capsys.readouterr().out
    assert "unit_handler" in line and "市水务局" in line and "ops" in line and raw not in line


def test_a_retry_with_the_same_key_returns_the_first_answer(agent):
    client = ApiClient(agent)
    first = client.post("workorders", BODY, headers={"Idempotency-Key": "k-1"})
    again = client.post("workorders", BODY, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.count() == 1
    other = client.post("workorders", BODY, headers={"Idempotency-Key": "k-2"})
    assert other.json()["number"] != first.json()["number"] and WorkOrder.objects.count() == 2


def test_the_same_key_for_another_request_is_refused(agent):
    client = ApiClient(agent)
    client.post("workorders", BODY, headers={"Idempotency-Key": "k-1"})
    reused = client.post("workorders", {**BODY, "title": "另一件事"}, headers={"Idempotency-Key": "k-1"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert WorkOrder.objects.count() == 1


def test_keys_of_different_callers_do_not_collide(agent, dispatcher):
    ApiClient(agent).post("workorders", BODY, headers={"Idempotency-Key": "same"})
    ApiClient(dispatcher).post("workorders", BODY, headers={"Idempotency-Key": "same"})
    assert WorkOrder.objects.count() == 2


def test_an_error_is_not_kept_so_the_fixed_retry_acts(agent):
    client = ApiClient(agent)
    Channel.objects.filter(code="phone").update(active=False)
    refcache.invalidate()
    assert client.post("workorders", BODY, headers={"Idempotency-Key": "k"}).status_code == 400
    Channel.objects.filter(code="phone").update(active=True)
    refcache.invalidate()
    assert client.post("workorders", BODY, headers={"Idempotency-Key": "k"}).status_code == 201
    assert IdempotencyRecord.objects.count() == 1


def test_expired_records_are_forgotten(agent, now):
    import datetime as dt

    from hotline.tokens.idempotency import purge_expired

    client = ApiClient(agent)
    client.post("workorders", BODY, headers={"Idempotency-Key": "k"})
    assert purge_expired(now=now) == 0
    assert purge_expired(now=IdempotencyRecord.objects.get().expires_at + dt.timedelta(seconds=1)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (threads)")
def test_two_identical_requests_at_once_create_one_order(agent):
    """Both requests carry the same key and arrive together; one acts, the other replays its answer."""
    _, raw = token_create(user=agent, name="race", now=clock_now())
    answers: list[tuple[int, str]] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        client = ApiClient(token=raw)
        barrier.wait()
        response = client.post("workorders", BODY, headers={"Idempotency-Key": "race-1"})
        answers.append((response.status_code, response.json().get("number", response.json().get("code"))))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in answers] == [201, 201], answers
    assert answers[0][1] == answers[1][1]
    assert WorkOrder.objects.count() == 1

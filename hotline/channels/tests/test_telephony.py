import json

import pytest
from django.test import Client

from hotline.channels import signing
from hotline.channels.models import Call, MergedHotline
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db
SECRET = "dev-telephony-secret"


def event(**body):
    raw = json.dumps(body).encode()
    return Client().post(
        "/channels/telephony/events",
        raw,
        content_type="application/json",
        headers=signing.signed_headers(SECRET, raw),
    )


def test_a_ringing_call_is_pushed_once_to_the_agents_console(agent, make_order, city):
    agent.staff_no = "A007"
    agent.save()
    make_order(phone="13922223333")
    MergedHotline.objects.create(
        number="12369", name="环保热线", mode="forwarded", default_category=city.category
    )
    response = event(
        event="ring",
        call_id="c-1",
        caller="13922223333",
        dialled="12369",
        agent="A007",
        at="2026-12-01T09:00:00+08:00",
    )
    assert response.json() == {"ok": True, "call_id": "c-1", "state": "ringing", "callback": ""}
    console = Client()
    console.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    call_now = Call.objects.get().rang_at
    from unittest import mock

    with mock.patch("hotline.channels.views.panels.now", return_value=call_now):
        first = console.get("/channels/panels/call")
        second = console.get("/channels/panels/call")
    trigger = json.loads(first["HX-Trigger"])["hotline:incoming-call"]
    assert trigger == {"phone": "13922223333", "call_id": "c-1", "hotline_number": "12369"}
    assert "HX-Trigger" not in second
    html = first.content.decode()
    assert "13922223333" in html and "12369" in html and "小区停水三天无人处理" in html
    assert f'"category": "{city.category.pk}"' in html


def test_call_end_links_the_record_to_the_order_taken_on_it(agent, city, now):
    event(event="ring", call_id="c-2", caller="13922223333", agent="agent")
    event(event="answer", call_id="c-2", agent="agent", at="2026-12-01T09:00:05+08:00")
    order = wo.workorder_intake(
        actor=agent,
        channel="phone",
        request_type="help",
        title="求助",
        content="家中老人走失",
        now=now,
        caller=wo.Caller(phone="13922223333"),
        intake_data={"call_id": "c-2"},
    )
    from hotline.channels.listeners import on_event

    on_event(order.events.get(action="intake"))
    response = event(
        event="end", call_id="c-2", at="2026-12-01T09:04:05+08:00", recording="rec/2026/12/c-2.wav"
    )
    call = Call.objects.get(call_id="c-2")
    assert response.json()["state"] == "ended" and call.order == order
    assert call.duration_seconds == 240 and call.recording_ref == "rec/2026/12/c-2.wav"
    assert event(event="ring", call_id="c-2", caller="13922223333").json()["state"] == "ended"  # never back


def test_an_abandoned_call_waits_for_a_call_back(agent, city, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event(event="ring", call_id="c-3", caller="13944445555")
        response = event(event="abandon", call_id="c-3", at="2026-12-01T09:00:20+08:00")
    assert response.json()["callback"] == "pending"
    assert "尽快回电" in sms_outbox[0]["text"] and sms_outbox[0]["to"] == "13944445555"
    page = Client()
    page.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    assert "13944445555" in page.get("/channels/missed-calls/").content.decode()
    call = Call.objects.get(call_id="c-3")
    done = page.post(
        f"/channels/missed-calls/{call.pk}/done", {"outcome": "done", "note": "已回电，改日再报"}
    )
    assert done.status_code == 302
    call.refresh_from_db()
    assert call.callback == "done" and call.callback_by == agent and call.callback_note == "已回电，改日再报"
    assert "13944445555" in page.get("/channels/missed-calls/").content.decode()  # the success message
    assert "13944445555" not in page.get("/channels/missed-calls/").content.decode()


def test_a_caller_who_gets_through_later_needs_no_call_back(city):
    event(event="ring", call_id="c-4", caller="13944445555", at="2026-12-01T09:00:00+08:00")
    event(event="end", call_id="c-4", at="2026-12-01T09:00:30+08:00")
    assert Call.objects.get(call_id="c-4").callback == "pending"
    event(event="ring", call_id="c-5", caller="13944445555", at="2026-12-01T09:10:00+08:00")
    event(event="answer", call_id="c-5", at="2026-12-01T09:10:05+08:00")
    assert Call.objects.get(call_id="c-4").callback == "done"


def test_bad_events_are_refused(city, unit_handler):
    assert event(event="explode", call_id="c-6", caller="1").json()["code"] == "invalid_event"
    raw = b'{"event": "ring"}'
    unsigned = Client().post("/channels/telephony/events", raw, content_type="application/json")
    assert unsigned.status_code == 401 and not Call.objects.exists()
    page = Client()
    page.force_login(unit_handler, backend="django.contrib.auth.backends.ModelBackend")
    assert page.get("/channels/missed-calls/").status_code == 403


def test_missed_calls_through_the_api(agent, unit_handler, city):
    from hotline.tokens.testing import ApiClient

    event(event="ring", call_id="c-7", caller="13944446666")
    event(event="abandon", call_id="c-7")
    listed = ApiClient(agent).get("channels/missed-calls").json()
    assert [row["caller"] for row in listed] == ["13944446666"]
    assert ApiClient(unit_handler).get("channels/missed-calls").status_code == 403
    done = ApiClient(agent).post(
        f"channels/missed-calls/{listed[0]['id']}/resolve", {"outcome": "unreachable"}
    )
    assert done.status_code == 200
    again = ApiClient(agent).post(f"channels/missed-calls/{listed[0]['id']}/resolve", {"outcome": "done"})
    assert again.status_code == 409 and again.json()["code"] == "already_called_back"
    assert ApiClient(agent).get("channels/missed-calls").json() == []

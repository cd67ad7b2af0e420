"""The HTTP gateway backend against a fake gateway on a loopback port that speaks the protocol of
``channels.backends.sms``: bearer key, signed body, ``client_ref`` as idempotency key."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hotline.channels import signing
from hotline.channels.models import OutboundMessage
from hotline.channels.services import outbound, sms_send

pytestmark = pytest.mark.django_db
KEY, SECRET = "gw-key", "gw-secret"


class FakeGateway:
    def __init__(self, *, fail_first: int = 0, refuse: bool = False):
        self.sent: dict[str, dict] = {}
        self.requests = 0
        self.fail_first, self.refuse = fail_first, refuse
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests += 1
                ok_sig = signing.verify(
                    SECRET,
                    timestamp=self.headers.get("X-Hotline-Timestamp", ""),
                    signature_value=self.headers.get("X-Hotline-Signature", ""),
                    body=body,
                )
                if (
                    self.path != "/messages"
                    or self.headers.get("Authorization") != f"Bearer {KEY}"
                    or not ok_sig
                ):
                    return self._answer(401, {"error": "unauthorized"})
                if outer.refuse:
                    return self._answer(422, {"error": "number blocked"})
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    return self._answer(503, {"error": "busy"})
                message = json.loads(body)
                outer.sent.setdefault(message["client_ref"], message)  # idempotent by client_ref
                return self._answer(202, {"id": f"gw-{message['client_ref']}"})

            def _answer(self, status, data):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def gateway(settings):
    def start(**options):
        found = FakeGateway(**options)
        settings.HOTLINE_CHANNELS_SMS_BACKEND = "http"
        settings.HOTLINE_CHANNELS_SMS_GATEWAY_URL = found.url
        settings.HOTLINE_CHANNELS_SMS_GATEWAY_KEY = KEY
        settings.HOTLINE_CHANNELS_SMS_GATEWAY_SECRET = SECRET
        started.append(found)
        return found

    started: list[FakeGateway] = []
    yield start
    for found in started:
        found.close()


def test_a_text_goes_through_the_gateway(gateway, now):
    fake = gateway()
    message = sms_send(to="13800001111", template="survey", context={"number": "20261201000001"}, now=now)
    assert outbound.deliver(message.pk, now=now) == OutboundMessage.State.SENT
    message.refresh_from_db()
    sent = fake.sent[f"hl-{message.pk}"]
    assert sent["to"] == "13800001111" and "20261201000001" in sent["text"] and sent["sender"] == "12345"
    assert message.gateway_ref == f"gw-hl-{message.pk}"


def test_a_busy_gateway_is_retried_and_the_text_is_sent_once(gateway, now):
    import datetime as dt

    fake = gateway(fail_first=1)
    message = sms_send(to="13800001111", template="survey", context={}, now=now)
    assert outbound.deliver(message.pk, now=now) == OutboundMessage.State.RETRY
    message.refresh_from_db()
    assert "503" in message.last_error
    assert outbound.deliver(message.pk, now=now + dt.timedelta(minutes=1)) == OutboundMessage.State.SENT
    assert len(fake.sent) == 1 and fake.requests == 2


def test_a_refused_number_is_not_retried(gateway, now):
    gateway(refuse=True)
    message = sms_send(to="13800001111", template="survey", context={}, now=now)
    assert outbound.deliver(message.pk, now=now) == OutboundMessage.State.FAILED


def test_a_wrong_key_fails_permanently_and_an_unreachable_gateway_is_retried(gateway, settings, now):
    gateway()
    settings.HOTLINE_CHANNELS_SMS_GATEWAY_KEY = "wrong"
    message = sms_send(to="13800001111", template="survey", context={}, now=now)
    assert outbound.deliver(message.pk, now=now) == OutboundMessage.State.FAILED
    settings.HOTLINE_CHANNELS_SMS_GATEWAY_URL = "http://127.0.0.1:9"  # discard port: nothing answers
    message = sms_send(to="13800001111", template="survey", context={}, now=now)
    assert outbound.deliver(message.pk, now=now) == OutboundMessage.State.RETRY

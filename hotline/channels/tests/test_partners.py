import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hotline.channels import signing
from hotline.channels.models import PartnerReference, WebhookDelivery
from hotline.channels.services import partners
from hotline.tokens.testing import ApiClient
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's webhook endpoint on a free loopback port; fails the first ``fail`` requests."""

    def __init__(self, fail: int = 0):
        self.received: list[tuple[dict, dict]] = []
        self.fail = fail
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail > 0:
                    outer.fail -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/12345"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


BODY = {
    "title": "燃气表漏气",
    "content": "12315转来：居民反映燃气表接口漏气。",
    "channel": "partner",
    "type": "help",
    "caller": {"name": "赵六", "phone": "13500001111", "confidential": True},
    "location": "东湖区幸福里3栋",
    "external_id": "P-2026-0001",
}


def test_a_push_is_idempotent_by_the_partners_reference(city, now, receiver):
    _partner, token = partners.partner_create(
        code="p12315", name="12315平台", webhook_url=receiver.url, now=now
    )
    client = ApiClient(token=token)
    first = client.post("workorders", BODY)
    again = client.post("workorders", BODY)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"] and again.json()["created"] is False
    order = WorkOrder.objects.get()
    assert order.source_system == "partner:p12315" and order.external_id == "P-2026-0001"
    assert order.status == "received" and order.confidential and order.created_by is None
    assert client.post("workorders", {**BODY, "external_id": ""}).json()["code"] == "reference_required"
    # the partner's account sees nothing through the gate
    assert client.get("workorders").json()["items"] == []
    assert client.get(f"workorders/{order.number}").status_code == 404


def test_status_changes_reach_the_partner_by_signed_webhooks_once(
    city, now, agent, receiver, django_capture_on_commit_callbacks
):
    partner, _ = partners.partner_create(code="p12315", name="12315平台", webhook_url=receiver.url, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        order, created = partners.partner_push(
            partner=partner,
            reference="R-1",
            title="t",
            content="c",
            caller=wo.Caller(),
            request_type="help",
            now=now,
        )
        wo.workorder_accept(order=order, actor=agent, now=now)
        wo.workorder_note(order=order, actor=agent, text="内部", public=False, now=now)
    assert created and len(receiver.received) == 2
    headers, body = receiver.received[1]
    assert signing.verify(
        partner.secret,
        timestamp=headers["X-Hotline-Timestamp"],
        signature_value=headers["X-Hotline-Signature"],
        body=body,
    )
    payload = json.loads(body)
    assert payload["reference"] == "R-1" and payload["order"]["status"] == "awaiting_dispatch"
    assert payload["event"]["action"] == "accept" and headers["X-Hotline-Delivery"] == str(
        payload["delivery_id"]
    )
    # running the job again for the same event queues nothing new
    event = order.events.get(action="accept")
    assert partners.webhooks_queue(event.pk, now=now)[0].state == "delivered"
    assert WebhookDelivery.objects.count() == 2


def test_a_failed_webhook_is_retried_until_delivered(city, now, django_capture_on_commit_callbacks):
    import datetime as dt

    receiver = Receiver(fail=2)
    try:
        partner, _ = partners.partner_create(code="p2", name="P2", webhook_url=receiver.url, now=now)
        with django_capture_on_commit_callbacks(execute=True):
            partners.partner_push(
                partner=partner,
                reference="R-9",
                title="t",
                content="c",
                caller=wo.Caller(),
                request_type="help",
                now=now,
            )
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == "pending" and delivery.attempts == 1 and delivery.response_status == 503
        assert partners.webhooks_due(now=now) == []
        later = delivery.next_attempt_at + dt.timedelta(seconds=1)
        assert partners.webhooks_due(now=later) == [delivery.pk]
        assert partners.webhook_deliver(delivery.pk, now=later) == "pending"
        delivery.refresh_from_db()
        assert partners.webhook_deliver(delivery.pk, now=delivery.next_attempt_at) == "delivered"
        assert len(receiver.received) == 1
        assert partners.webhook_deliver(delivery.pk, now=later + dt.timedelta(hours=1)) == "delivered"
        assert len(receiver.received) == 1
    finally:
        receiver.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql", reason="needs a server database"
)
def test_two_pushes_of_one_reference_at_once_make_one_order(city, now):
    from django.db import connection

    _partner, token = partners.partner_create(code="p3", name="P3", now=now)
    results = []
    barrier = threading.Barrier(2)

    def push():
        client = ApiClient(token=token)
        barrier.wait()
        results.append(client.post("workorders", BODY).json()["number"])
        connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and WorkOrder.objects.count() == 1 and PartnerReference.objects.count() == 1


def test_a_partner_reads_its_order_by_its_reference_only(city, now, agent):
    _, token = partners.partner_create(code="p4", name="P4", now=now)
    _, other_token = partners.partner_create(code="p5", name="P5", now=now)
    ApiClient(token=token).post("workorders", BODY)
    mine = ApiClient(token=token).get("channels/partner/orders/P-2026-0001")
    assert mine.status_code == 200 and mine.json()["status"] == "received" and mine.json()["status_text"]
    assert ApiClient(token=other_token).get("channels/partner/orders/P-2026-0001").status_code == 404
    assert ApiClient(agent).get("channels/partner/orders/P-2026-0001").json()["code"] == "partner_only"

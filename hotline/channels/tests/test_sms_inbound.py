import datetime as dt
import json

import pytest
from django.test import Client

from hotline.channels import inbound, signing
from hotline.channels.models import FirstResponse, InboundMessage, MergedHotline, OutboundMessage
from hotline.workorders.models import Attachment, WorkOrder

pytestmark = pytest.mark.django_db
SECRET = "dev-sms-inbound-secret"


def post_sms(client, body, *, secret=SECRET, at=None):
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = signing.signed_headers(secret, raw, at=at)
    return client.post("/channels/sms/inbound", raw, content_type="application/json", headers=headers)


def sms(gateway_id, text, phone="13911112222", to="12345"):
    return {
        "id": gateway_id,
        "from": phone,
        "to": to,
        "text": text,
        "received_at": "2026-12-01T09:00:00+08:00",
    }


def test_a_text_becomes_an_order_with_a_receipt(city, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(Client(), sms("g-1", "请问小区门口垃圾几天没人清运，能否尽快处理？"))
    assert response.status_code == 200 and response.json()["outcome"] == "order"
    order = WorkOrder.objects.get(number=response.json()["order"])
    assert order.channel.code == "sms" and order.status == "received" and order.caller_phone == "13911112222"
    assert order.request_type == "consult" and order.created_by is None
    assert order.number in sms_outbox[0]["text"] and sms_outbox[0]["to"] == "13911112222"
    assert FirstResponse.objects.get(order=order).via == "receipt"


def test_the_gateway_retrying_a_callback_acts_once(city, sms_outbox, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        first = post_sms(client, sms("g-1", "路灯坏了"))
        again = post_sms(client, sms("g-1", "路灯坏了"))
    assert first.json() == again.json()
    assert WorkOrder.objects.count() == 1 and len(sms_outbox) == 1


def test_signature_is_required_and_fresh(city):
    client = Client()
    assert post_sms(client, sms("g-1", "x"), secret="wrong").status_code == 401
    old = dt.datetime.now().timestamp() - 3600
    assert post_sms(client, sms("g-1", "x"), at=old).json()["code"] == "bad_signature"
    assert not InboundMessage.objects.exists()


def test_a_follow_up_is_added_to_the_callers_open_order(city, sms_outbox, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        number = post_sms(client, sms("g-1", "楼下烧烤油烟扰民")).json()["order"]
        added = post_sms(client, sms("g-2", "补充：每晚十点后最严重"))
    assert added.json() == {"ok": True, "outcome": "added", "order": number}
    attachment = Attachment.objects.get(order__number=number)
    assert attachment.file.read().decode() == "补充：每晚十点后最严重"
    assert any("已转入工单" in message["text"] for message in sms_outbox)


def test_an_order_number_asks_for_status_of_the_callers_own_order_only(
    city, make_order, sms_outbox, django_capture_on_commit_callbacks
):
    mine = make_order(phone="13911112222")
    theirs = make_order(phone="13600000000")
    with django_capture_on_commit_callbacks(execute=True):
        own = post_sms(Client(), sms("g-1", mine.number))
        other = post_sms(Client(), sms("g-2", theirs.number))
    assert own.json()["outcome"] == "query" and own.json()["order"] == mine.number
    assert "已受理，正在分派" in sms_outbox[0]["text"]
    assert other.json()["order"] is None and "未找到" in sms_outbox[1]["text"]
    assert theirs.title not in sms_outbox[1]["text"]


def test_handlers_of_other_apps_are_tried_first(city, monkeypatch):
    seen = []

    def survey_answer(message: inbound.InboundSms) -> bool:
        seen.append(message)
        return message.text.strip() in {"1", "2", "3"}

    monkeypatch.setattr(inbound, "sms_handlers", [survey_answer])
    monkeypatch.setattr("hotline.channels.services.sms.sms_handlers", inbound.sms_handlers)
    response = post_sms(Client(), sms("g-1", "1"))
    assert response.json()["outcome"] == "consumed" and not WorkOrder.objects.exists()
    assert seen[0].phone == "13911112222" and seen[0].gateway_id == "g-1"
    assert post_sms(Client(), sms("g-2", "垃圾没人收")).json()["outcome"] == "order"


def test_a_text_to_a_merged_hotline_is_tagged_with_its_default_category(city):
    MergedHotline.objects.create(
        number="12315", name="消费者投诉", mode="parallel", default_category=city.category
    )
    response = post_sms(Client(), sms("g-1", "超市卖过期食品", to="12315"))
    order = WorkOrder.objects.get(number=response.json()["order"])
    assert order.hotline_number == "12315" and order.category == city.category


def test_receipts_follow_intake_on_other_channels_but_not_for_old_events(
    make_order, settings, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(channel="phone")
    assert order.number in sms_outbox[0]["text"]
    settings.HOTLINE_CHANNELS_NOTICE_MAX_AGE_MINUTES = 60
    with django_capture_on_commit_callbacks(execute=True):
        make_order(channel="phone", at=dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC))
    assert len(sms_outbox) == 1
    assert OutboundMessage.objects.count() == 1


def test_progress_and_the_reviewed_reply_reach_the_caller(
    make_order, dispatcher, unit_handler, city, now, sms_outbox, django_capture_on_commit_callbacks
):
    from hotline.workorders import services as wo

    with django_capture_on_commit_callbacks(execute=True):
        order = make_order()
        wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
        wo.workorder_sign(order=order, actor=unit_handler, now=now)
        wo.workorder_note(order=order, actor=unit_handler, text="已派人勘察", now=now)
        wo.workorder_note(order=order, actor=unit_handler, text="内部备注", public=False, now=now)
        wo.workorder_reply(order=order, actor=unit_handler, text="管道已修复，恢复供水", solved=True, now=now)
        assert len(sms_outbox) == 0
        wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    mine = dict(
        OutboundMessage.objects.filter(
            order=order, template__in=["receipt", "progress", "reply"]
        ).values_list("template", "body")
    )
    assert (
        "受理" in mine["receipt"]
        and "已派人勘察" in mine["progress"]
        and "管道已修复，恢复供水" in mine["reply"]
    )
    assert not any("内部备注" in message["text"] for message in sms_outbox)
    assert {m.body for m in OutboundMessage.objects.filter(order=order)} <= {m["text"] for m in sms_outbox}

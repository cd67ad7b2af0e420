import datetime as dt

import pytest

from hotline.channels import services as channels
from hotline.channels.models import MessageTemplate, OutboundMessage
from hotline.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_sms_send_renders_the_template_and_the_worker_sends_it_after_commit(
    make_order, now, sms_outbox, django_capture_on_commit_callbacks
):
    order = make_order()
    with django_capture_on_commit_callbacks(execute=True):
        message = channels.sms_send(to="138 1234 1234", template="receipt", context={}, now=now, order=order)
        assert sms_outbox == []  # nothing leaves before commit
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENT and message.attempts == 1
    assert message.to == "13812341234"
    assert sms_outbox[0]["to"] == "13812341234"
    assert order.number in sms_outbox[0]["text"] and order.query_code in sms_outbox[0]["text"]
    assert sms_outbox[0]["text"].startswith("【海澄市12345】")


def test_unknown_template_and_bad_number_are_refused(now):
    with pytest.raises(ValidationFailed) as err:
        channels.sms_send(to="13812341234", template="nope", context={}, now=now)
    assert err.value.code == "unknown_template"
    with pytest.raises(ValidationFailed) as err:
        channels.sms_send(to="call me", template="receipt", context={}, now=now)
    assert err.value.code == "invalid_phone"
    assert not OutboundMessage.objects.exists()


def test_every_contract_template_is_seeded_and_an_admin_edit_is_used(now, sms_outbox):
    codes = set(MessageTemplate.objects.values_list("code", flat=True))
    contract = {
        "receipt",
        "progress",
        "reply",
        "survey",
        "survey_thanks",
        "reminder",
        "supervision_notice",
        "escalation",
        "kb_review_due",
        "early_warning",
    }
    assert contract <= codes
    MessageTemplate.objects.filter(code="early_warning").update(body="预警{{ text }}！")
    message = channels.sms_send(to="13800000000", template="early_warning", context={"text": "暴雨"}, now=now)
    assert message.body == "预警暴雨！"


def test_a_deleted_seed_template_comes_back(now):
    MessageTemplate.objects.filter(code="survey").delete()
    message = channels.sms_send(to="13800000000", template="survey", context={"number": "1"}, now=now)
    assert "满意" in message.body


def test_a_disabled_template_records_the_message_without_sending(
    now, sms_outbox, django_capture_on_commit_callbacks
):
    MessageTemplate.objects.filter(code="reminder").update(active=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = channels.sms_send(to="13800000000", template="reminder", context={}, now=now)
    assert message.state == OutboundMessage.State.SKIPPED and sms_outbox == []


def test_dedupe_key_queues_once(now):
    first = channels.sms_send(to="13800000000", template="survey", context={}, now=now, dedupe_key="k1")
    second = channels.sms_send(to="13800000000", template="survey", context={}, now=now, dedupe_key="k1")
    assert first.pk == second.pk and OutboundMessage.objects.count() == 1


def test_failures_are_retried_with_backoff_then_given_up(now, settings, monkeypatch):
    from hotline.channels.backends import DeliveryError
    from hotline.channels.backends.sms import MemorySms
    from hotline.channels.services import outbound

    settings.HOTLINE_CHANNELS_MAX_ATTEMPTS = 3
    calls = []

    def broken(self, *, to, text, ref):
        calls.append(ref)
        raise DeliveryError("timeout")

    monkeypatch.setattr(MemorySms, "send", broken)
    message = channels.sms_send(to="13800000000", template="survey", context={}, now=now)
    assert outbound.deliver(message.pk, now=now) == OutboundMessage.State.RETRY
    message.refresh_from_db()
    assert message.next_attempt_at == now + dt.timedelta(seconds=30)
    assert outbound.due_for_retry(now=now) == []  # not due yet
    later = now + dt.timedelta(seconds=31)
    assert outbound.due_for_retry(now=later) == [message.pk]
    assert outbound.deliver(message.pk, now=later) == OutboundMessage.State.RETRY
    message.refresh_from_db()
    assert message.next_attempt_at == later + dt.timedelta(seconds=60)
    assert outbound.deliver(message.pk, now=later + dt.timedelta(minutes=5)) == OutboundMessage.State.FAILED
    assert len(calls) == 3 and outbound.due_for_retry(now=later + dt.timedelta(hours=2)) == []
    # a delivered or given-up message is never sent again
    assert outbound.deliver(message.pk, now=later + dt.timedelta(hours=3)) == OutboundMessage.State.FAILED
    assert len(calls) == 3

"""The callback survey: by SMS through the inbound handler, by phone from the queue, the fallback after
the wait, exemptions, reopening once, and satisfaction per order and unit."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.channels.inbound import InboundSms
from hotline.channels.models import OutboundMessage
from hotline.channels.services.sms import sms_receive
from hotline.core.errors import Conflict, Forbidden
from hotline.feedback import services as fb
from hotline.feedback.models import Survey
from hotline.feedback.selectors import callback_queue, unit_satisfaction
from hotline.workorders import services as wo
from hotline.workorders.models import Event, WorkOrder

pytestmark = pytest.mark.django_db

PHONE = "13812341234"


def inbound(text: str, at: dt.datetime, gateway_id: str = "g1", phone: str = PHONE):
    return sms_receive(InboundSms(phone, text, at, gateway_id), now=at)


def test_accepted_reply_sends_the_survey_by_sms(replied, django_capture_on_commit_callbacks, now):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied()
    survey = Survey.objects.get(order=order)
    assert survey.state == Survey.State.AWAITING_SMS and survey.round == 1 and survey.phone == PHONE
    assert survey.answer_by == now + dt.timedelta(hours=24)
    message = OutboundMessage.objects.get(template="survey")
    assert message.to == PHONE and order.number in message.body


def test_survey_answered_by_sms_closes_the_order(replied, city, django_capture_on_commit_callbacks, later):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied()
    record = inbound("1 是", later)
    assert record.outcome == "consumed"
    order.refresh_from_db()
    assert order.status == "closed" and order.satisfaction == "satisfied" and order.solved is True
    event = Event.objects.get(order=order, action="callback")
    assert event.actor is None and event.data["channel"] == "sms"
    survey = Survey.objects.get(order=order)
    assert survey.state == Survey.State.ANSWERED and survey.channel == "sms" and survey.unit == city.water
    assert OutboundMessage.objects.filter(template="survey_thanks", to=PHONE).count() == 1
    # a second answer is taken as one and changes nothing
    assert inbound("3否", later, gateway_id="g2").outcome == "consumed"
    order.refresh_from_db()
    assert order.satisfaction == "satisfied"


def test_half_an_answer_waits_for_the_other_half(replied, django_capture_on_commit_callbacks, later):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied()
    assert inbound("2", later).outcome == "consumed"
    order.refresh_from_db()
    assert order.status == "awaiting_callback"
    survey = Survey.objects.get(order=order)
    assert survey.partial_satisfaction == "basically" and survey.partial_solved is None
    inbound("已解决", later + dt.timedelta(minutes=3), gateway_id="g2")
    order.refresh_from_db()
    assert order.status == "closed" and order.satisfaction == "basically" and order.solved is True


def test_a_message_that_is_not_an_answer_goes_on_to_channels(
    replied, django_capture_on_commit_callbacks, later
):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied()
    record = inbound("水还是没有来，请再派人看看", later)
    assert record.outcome != "consumed"
    order.refresh_from_db()
    assert order.status == "awaiting_callback"


def test_unanswered_sms_falls_back_to_the_phone_queue(
    replied, agent, django_capture_on_commit_callbacks, now
):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied()
    assert list(callback_queue(agent)) == []
    assert fb.feedback_sweep(now=now + dt.timedelta(hours=23))["to_phone"] == 0
    assert fb.feedback_sweep(now=now + dt.timedelta(hours=25))["to_phone"] == 1
    assert [o.pk for o in callback_queue(agent)] == [order.pk]
    assert Survey.objects.get(order=order).state == Survey.State.PHONE


def test_no_mobile_number_goes_straight_to_the_phone_queue(
    replied, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied(phone="0571-86001234")
    assert Survey.objects.get(order=order).state == Survey.State.PHONE
    assert not OutboundMessage.objects.filter(template="survey").exists()
    assert [o.pk for o in callback_queue(agent)] == [order.pk]


def test_phone_callback_recorded_from_the_queue(replied, agent, city, later):
    order = replied(phone="0571-86001234")  # no commit callbacks: the sweep or the queue starts it
    survey = fb.survey_record_phone(
        order=order, actor=agent, satisfaction="satisfied", solved=True, comment="很满意", now=later
    )
    assert survey.channel == "phone" and survey.answered_by == agent and survey.unit == city.water
    order.refresh_from_db()
    assert order.status == "closed"
    assert Event.objects.get(order=order, action="callback").actor == agent


def test_only_callback_staff_record(replied, unit_handler, dispatcher, later):
    order = replied()
    for actor in (unit_handler, dispatcher):
        with pytest.raises(Forbidden):
            fb.survey_record_phone(order=order, actor=actor, satisfaction="satisfied", solved=True, now=later)


def test_stale_version_is_refused(replied, agent, later):
    order = replied()
    with pytest.raises(Conflict):
        fb.survey_record_phone(
            order=order,
            actor=agent,
            satisfaction="satisfied",
            solved=True,
            now=later,
            version=order.version - 1,
        )
    assert not Event.objects.filter(order=order, action="callback").exists()


def test_dissatisfied_and_unsolved_is_reopened_once(
    replied, agent, city, dispatcher, unit_handler, django_capture_on_commit_callbacks, later
):
    with django_capture_on_commit_callbacks(execute=True):
        order = replied(solved=False)
    inbound("3 否", later)
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch" and order.reopen_count == 1
    first = Survey.objects.get(order=order, round=1)
    assert first.reopened and first.satisfaction == "dissatisfied" and first.solved is False
    reopen = Event.objects.get(order=order, action="reopen")
    assert reopen.actor is None
    # second round: dissatisfied again, and the result stands
    then = later + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=then)
        order = wo.workorder_sign(order=order, actor=unit_handler, now=then)
        order = wo.workorder_reply(order=order, actor=unit_handler, text="再次处理。", solved=False, now=then)
        order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=then)
    second = Survey.objects.get(order=order, round=2)
    assert second.state == Survey.State.AWAITING_SMS
    with django_capture_on_commit_callbacks(execute=True):
        fb.survey_record_phone(order=order, actor=agent, satisfaction="dissatisfied", solved=False, now=then)
    order.refresh_from_db()
    assert order.status == "closed" and order.reopen_count == 1 and order.satisfaction == "dissatisfied"
    second.refresh_from_db()
    assert not second.reopened and second.channel == "phone"
    assert Event.objects.filter(order=order, action="reopen").count() == 1


def test_dissatisfied_but_solved_is_not_reopened(replied, agent, later):
    order = replied()
    fb.survey_record_phone(order=order, actor=agent, satisfaction="dissatisfied", solved=True, now=later)
    order.refresh_from_db()
    assert order.status == "closed" and order.reopen_count == 0


def test_callback_recorded_elsewhere_is_kept_and_reopens(
    replied, agent, django_capture_on_commit_callbacks, later, monkeypatch
):
    from hotline.feedback import listeners

    monkeypatch.setattr(listeners, "now", lambda: later)
    order = replied()
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_callback(order=order, actor=agent, satisfaction="dissatisfied", solved=False, now=later)
    survey = Survey.objects.get(order=order, round=1)
    assert survey.state == Survey.State.ANSWERED and survey.answered_by == agent and survey.reopened
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch"


def test_unreachable_after_attempts(replied, agent, later):
    from hotline.feedback import conf

    order = replied(phone="0571-86001234")
    with pytest.raises(Conflict):
        fb.survey_close_unreachable(order=order, actor=agent, now=later)
    for _ in range(conf.max_call_attempts()):
        fb.survey_call_failed(order=order, actor=agent, now=later)
    survey = fb.survey_close_unreachable(order=order, actor=agent, now=later, comment="三次未接通")
    assert survey.state == Survey.State.UNREACHABLE and survey.attempts == 3
    assert Event.objects.get(order=order, action="close").reason == "unreachable"


def test_sweep_starts_missed_surveys_once(replied, now):
    order = replied()  # the commit callbacks did not run: no survey yet
    assert not Survey.objects.exists()
    assert fb.feedback_sweep(now=now)["started"] == 1
    assert fb.feedback_sweep(now=now)["started"] == 0
    assert Survey.objects.filter(order=order).count() == 1
    assert OutboundMessage.objects.filter(template="survey").count() == 1


def test_satisfaction_per_unit(replied, agent, city, now, later):
    for satisfaction, solved in [("satisfied", True), ("basically", True), ("dissatisfied", True)]:
        fb.survey_record_phone(
            order=replied(), actor=agent, satisfaction=satisfaction, solved=solved, now=later
        )
    [row] = unit_satisfaction(since=now, until=later + dt.timedelta(seconds=1))
    assert row.unit == city.water and row.answered == 3 and row.dissatisfied == 1
    assert round(row.satisfaction_rate, 3) == 0.667 and row.solved_rate == 1.0


def test_orders_are_only_surveyed_while_awaiting_callback(replied, now):
    order = replied(accept=False)
    assert fb.survey_start(order=order, now=now) is None
    assert WorkOrder.objects.get(pk=order.pk).status == "replied"


def test_a_rating_from_the_portal_is_kept_as_another_channel(
    replied, django_capture_on_commit_callbacks, later
):
    order = replied()
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_callback(
            order=order, actor=None, satisfaction="satisfied", solved=True, channel="portal", now=later
        )
    survey = Survey.objects.get(order=order)
    assert survey.state == Survey.State.ANSWERED and survey.channel == "other" and survey.answered_by is None

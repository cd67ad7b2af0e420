"""Escalating levels: reminder → supervision notice → escalation, the units' written responses, and the
notifications (in the app and by SMS to the unit's contacts) that go with each."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.channels.models import OutboundMessage
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.directory.models import Role, User
from hotline.notifications.models import Notification
from hotline.supervision import services as sv
from hotline.supervision.models import Level, Notice, SupervisionRule
from hotline.supervision.sweep import supervision_sweep
from hotline.workorders import services as wo
from hotline.workorders.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(make_order, city, dispatcher, now):
    return wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)


def sms(template: str) -> list[str]:
    return list(OutboundMessage.objects.filter(template=template).values_list("to", flat=True))


def test_manual_reminder_notifies_the_unit_in_the_app_and_by_sms(
    rules, contacts, dispatched, supervisor, unit_handler, now
):
    notice = sv.notice_remind(order=dispatched, actor=supervisor, now=now, text="请尽快签收办理。")
    assert notice.level == Level.REMIND and notice.issued_by == supervisor
    event = Event.objects.get(pk=notice.event_id)
    assert event.action == "remind" and event.actor == supervisor and event.reason == "manual"
    note = Notification.objects.get(recipient=unit_handler)
    assert note.kind == "reminder" and note.order_id == dispatched.pk and "请尽快签收办理" in note.body
    assert sms("reminder") == ["13900000001"]  # the water bureau's contact, not the urban one
    message = OutboundMessage.objects.get(template="reminder")
    assert dispatched.number in message.body


def test_only_center_supervisors_and_leaders_remind(rules, dispatched, agent, unit_handler, leader, now):
    with pytest.raises(Forbidden):
        sv.notice_remind(order=dispatched, actor=agent, now=now)
    with pytest.raises(Forbidden):
        sv.notice_remind(order=dispatched, actor=unit_handler, now=now)
    assert sv.notice_remind(order=dispatched, actor=leader, now=now).issued_by == leader
    assert Notice.objects.count() == 1


def test_no_reminder_for_an_order_no_unit_handles(rules, make_order, supervisor, now):
    with pytest.raises(Conflict):
        sv.notice_remind(order=make_order(), actor=supervisor, now=now)
    assert not Notice.objects.exists()


def test_supervision_notice_needs_text_and_a_future_deadline(rules, dispatched, supervisor, now):
    with pytest.raises(ValidationFailed):
        sv.notice_supervise(order=dispatched, actor=supervisor, now=now, text=" ")
    with pytest.raises(ValidationFailed):
        sv.notice_supervise(order=dispatched, actor=supervisor, now=now, text="督办", respond_by=now)
    assert not Event.objects.filter(order=dispatched, action="supervise").exists()


def test_unheeded_reminder_becomes_a_supervision_notice(rules, contacts, dispatched, now):
    SupervisionRule.objects.exclude(code="sign_overdue").update(active=False)
    late = dispatched.assignments.get().sign_due_at + dt.timedelta(minutes=1)
    supervision_sweep(now=late)
    reminder = Notice.objects.get(level=Level.REMIND)
    assert reminder.check_at is not None  # 4 working hours by default
    assert supervision_sweep(now=reminder.check_at - dt.timedelta(minutes=1))["escalated"] == 0
    after = reminder.check_at + dt.timedelta(minutes=1)
    assert supervision_sweep(now=after)["escalated"] == 1
    assert supervision_sweep(now=after + dt.timedelta(minutes=5))["escalated"] == 0
    notice = Notice.objects.get(level=Level.SUPERVISE)
    assert notice.parent == reminder and notice.cause == "sign_overdue" and notice.respond_by > after
    assert sms("supervision_notice") == ["13900000001"]
    actions = list(
        Event.objects.filter(order=dispatched, action__in=["remind", "supervise"]).values_list(
            "action", flat=True
        )
    )
    assert actions == ["remind", "supervise"]


def test_heeded_reminder_is_resolved(rules, dispatched, unit_handler, now):
    SupervisionRule.objects.exclude(code="sign_overdue").update(active=False)
    late = dispatched.assignments.get().sign_due_at + dt.timedelta(minutes=1)
    supervision_sweep(now=late)
    wo.workorder_sign(order=dispatched, actor=unit_handler, now=late + dt.timedelta(minutes=30))
    reminder = Notice.objects.get()
    result = supervision_sweep(now=reminder.check_at + dt.timedelta(minutes=1))
    assert result["resolved"] == 1 and result["escalated"] == 0
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None and not Notice.objects.filter(level=Level.SUPERVISE).exists()


def test_manual_reminder_ignored_after_work_by_the_unit_is_resolved(
    rules, dispatched, supervisor, unit_handler, now
):
    SupervisionRule.objects.exclude(code="manual").update(active=False)
    wo.workorder_sign(order=dispatched, actor=unit_handler, now=now)
    reminder = sv.notice_remind(order=dispatched, actor=supervisor, now=now)
    wo.workorder_note(order=dispatched, actor=unit_handler, text="正在处理", now=now + dt.timedelta(hours=1))
    assert supervision_sweep(now=reminder.check_at + dt.timedelta(minutes=1))["resolved"] == 1


def test_unanswered_notice_is_escalated_once_to_leaders(
    rules, contacts, make_order, city, dispatcher, street_handler, unit_leader, leader, supervisor, now
):
    SupervisionRule.objects.update(active=False)
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.street, now=now)
    notice = sv.notice_supervise(order=order, actor=supervisor, now=now, text="请书面说明办理情况。")
    late = notice.respond_by + dt.timedelta(minutes=1)
    assert supervision_sweep(now=late)["escalated"] == 1
    assert supervision_sweep(now=late + dt.timedelta(minutes=5))["escalated"] == 0
    escalation = Notice.objects.get(level=Level.ESCALATE)
    assert escalation.parent == notice and escalation.unit == city.street
    event = Event.objects.get(pk=escalation.event_id)
    assert event.action == "supervise" and event.data["level"] == "escalation" and event.actor is None
    # the street office's staff, its district government's leader, and the platform's leaders
    kinds = set(Notification.objects.filter(kind="escalation").values_list("recipient__username", flat=True))
    assert {"street_handler", "district_leader", "leader", "supervisor"} <= kinds


def test_supervisor_escalates_by_hand_once(rules, dispatched, supervisor, agent, now):
    notice = sv.notice_supervise(order=dispatched, actor=supervisor, now=now, text="督办")
    with pytest.raises(Forbidden):
        sv.notice_escalate(notice=notice, actor=agent, now=now)
    sv.notice_escalate(notice=notice, actor=supervisor, now=now, text="约谈单位负责人")
    with pytest.raises(Conflict):
        sv.notice_escalate(notice=notice, actor=supervisor, now=now)
    assert Notice.objects.filter(level=Level.ESCALATE).count() == 1


def test_unit_responds_in_writing_once(rules, dispatched, supervisor, unit_handler, other_handler, now):
    wo.workorder_sign(order=dispatched, actor=unit_handler, now=now)
    notice = sv.notice_supervise(order=dispatched, actor=supervisor, now=now, text="请书面说明。")
    with pytest.raises(NotFound):
        sv.notice_respond(notice=notice, actor=other_handler, text="与我无关", now=now)
    with pytest.raises(ValidationFailed):
        sv.notice_respond(notice=notice, actor=unit_handler, text="", now=now)
    response = sv.notice_respond(
        notice=notice, actor=unit_handler, text="已组织抢修，明日恢复供水。", now=now
    )
    assert response.on_time
    event = Event.objects.get(pk=response.event_id)
    assert event.action == "note" and event.data == {"public": False, "supervision_notice": notice.pk}
    assert Notification.objects.filter(recipient=supervisor, kind="supervision_response").exists()
    with pytest.raises(Conflict):
        sv.notice_respond(notice=notice, actor=unit_handler, text="再次回复", now=now)
    # a response stops the escalation
    assert supervision_sweep(now=notice.respond_by + dt.timedelta(days=1))["escalated"] == 0


def test_late_response_is_marked_late(rules, dispatched, supervisor, unit_handler, now):
    notice = sv.notice_supervise(order=dispatched, actor=supervisor, now=now, text="请书面说明。")
    late = notice.respond_by + dt.timedelta(hours=1)
    response = sv.notice_respond(notice=notice, actor=unit_handler, text="迟到的说明", now=late)
    assert not response.on_time


def test_reminders_need_no_response(rules, dispatched, supervisor, unit_handler, now):
    notice = sv.notice_remind(order=dispatched, actor=supervisor, now=now)
    with pytest.raises(ValidationFailed):
        sv.notice_respond(notice=notice, actor=unit_handler, text="收到", now=now)


def test_first_level_escalate_issues_notice_and_escalation(rules, dispatched, supervisor, now):
    from hotline.supervision.services import flag_order

    SupervisionRule.objects.exclude(code="media_exposed").update(active=False)
    SupervisionRule.objects.filter(code="media_exposed").update(level=Level.ESCALATE)
    flag_order(order=dispatched, actor=supervisor, kind="media", note="电视台曝光", now=now)
    supervision_sweep(now=now)
    assert list(Notice.objects.order_by("pk").values_list("level", flat=True)) == ["supervise", "escalate"]


def test_flags_are_for_center_staff_and_once(rules, dispatched, supervisor, unit_handler, now):
    with pytest.raises(Forbidden):
        sv.flag_order(order=dispatched, actor=unit_handler, kind="media", note="x", now=now)
    with pytest.raises(ValidationFailed):
        sv.flag_order(order=dispatched, actor=supervisor, kind="rumour", note="x", now=now)
    sv.flag_order(order=dispatched, actor=supervisor, kind="media", note="报道", now=now)
    with pytest.raises(Conflict):
        sv.flag_order(order=dispatched, actor=supervisor, kind="media", note="again", now=now)


def test_rule_update_validates_and_keeps_history(rules, supervisor, unit_handler, now):
    rule = SupervisionRule.objects.get(code="repeated_complaint")
    with pytest.raises(Forbidden):
        sv.rule_update(
            rule=rule,
            actor=unit_handler,
            now=now,
            active=True,
            level="supervise",
            thresholds={},
            respond_within="2wd",
            escalate_after="",
        )
    with pytest.raises(ValidationFailed) as bad:
        sv.rule_update(
            rule=rule,
            actor=supervisor,
            now=now,
            active=True,
            level="supervise",
            thresholds={"count": 1, "colour": 2},
            respond_within="2wd",
            escalate_after="",
        )
    assert len(bad.value.details["errors"]) == 2
    with pytest.raises(ValidationFailed):
        sv.rule_update(
            rule=rule,
            actor=supervisor,
            now=now,
            active=True,
            level="supervise",
            thresholds={},
            respond_within="soon",
            escalate_after="",
        )
    updated = sv.rule_update(
        rule=rule,
        actor=supervisor,
        now=now,
        active=False,
        level="remind",
        thresholds={"count": "4"},
        respond_within="3wd",
        escalate_after="1wd",
    )
    assert updated.thresholds == {"count": 4, "days": 30} and not updated.active
    change = updated.changes.get()
    assert change.before["active"] is True and change.after["level"] == "remind"
    assert change.changed_by == supervisor


def test_unit_leaders_include_the_parent_units(city, unit_leader):
    leader_of_water = User.objects.create_user("water_lead", role=Role.UNIT_LEADER, unit=city.water)
    assert set(sv.unit_leaders(city.street)) == {unit_leader}
    assert set(sv.unit_leaders(city.water)) == {leader_of_water}

"""The work-order lifecycle through the services, as the roles use it."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Assignment, Event, ExtensionRequest, WorkOrder

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def actions(order):
    return list(order.events.order_by("seq").values_list("action", flat=True))


def test_full_lifecycle_appends_one_event_per_step(make_order, city, dispatcher, unit_handler, agent, now):
    order = make_order()
    assert order.status == Status.AWAITING_DISPATCH
    assert len(order.number) == 14 and order.number.startswith("20261116")
    order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now + H)
    assert order.status == Status.DISPATCHED
    lead = order.assignments.get()
    # complaint: 7 working days from Monday 16 Nov ends Wednesday 25 Nov at closing time
    assert lead.due_at == dt.datetime(2026, 11, 25, 17, 30, tzinfo=now.tzinfo)
    assert lead.return_due_at == dt.datetime(2026, 11, 16, 17, 30, tzinfo=now.tzinfo)
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now + 2 * H)
    assert order.status == Status.IN_PROGRESS
    order = wo.workorder_note(order=order, actor=unit_handler, text="已安排抢修", now=now + 3 * H)
    assert order.progress_reported_at == now + 3 * H
    order = wo.workorder_reply(
        order=order, actor=unit_handler, text="已恢复供水", solved=True, now=now + 5 * H
    )
    assert order.status == Status.REPLIED
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now + 6 * H)
    assert order.status == Status.AWAITING_CALLBACK
    order = wo.workorder_callback(
        order=order, actor=agent, satisfaction="satisfied", solved=True, now=now + 7 * H
    )
    assert order.status == Status.CLOSED and order.closed_at == now + 7 * H
    assert actions(order) == [
        "intake",
        "accept",
        "dispatch",
        "sign",
        "note",
        "reply",
        "accept_reply",
        "callback",
    ]
    statuses = list(order.events.order_by("seq").values_list("from_status", "to_status"))
    assert statuses[0] == ("", "received") and statuses[-1] == ("awaiting_callback", "closed")
    first = order.events.first()
    assert first is not None and first.actor == agent


def test_transition_not_in_table_is_refused_and_changes_nothing(make_order, unit_handler, now):
    order = make_order()
    with pytest.raises(Forbidden) as exc:
        wo.workorder_sign(order=order, actor=unit_handler, now=now)
    assert exc.value.code == "not_assigned"  # no assignment yet: the unit has nothing to sign
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH and order.events.count() == 2


def test_reply_before_signing_is_refused(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    with pytest.raises(Conflict) as exc:
        wo.workorder_reply(order=order, actor=unit_handler, text="好了", solved=True, now=now)
    assert exc.value.code == "transition_not_allowed"
    assert Event.objects.filter(order=order).count() == 3


def test_stale_version_fails_for_the_second_of_two_people(make_order, city, dispatcher, now):
    order = make_order()
    seen = order.version
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now, version=seen)
    with pytest.raises(Conflict) as exc:
        wo.workorder_escalate(order=order, actor=dispatcher, comment="?", now=now, version=seen)
    assert exc.value.code == "stale_version"
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_role_may_not_take_foreign_actions(make_order, city, unit_handler, agent, now):
    order = make_order()
    with pytest.raises(Forbidden) as exc:
        wo.workorder_dispatch(order=order, actor=unit_handler, lead=city.water, now=now)
    assert exc.value.code == "action_not_permitted"
    with pytest.raises(Forbidden):
        wo.workorder_dispatch(order=order, actor=agent, lead=city.water, now=now)


def test_other_unit_cannot_act(make_order, city, dispatcher, other_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    with pytest.raises(Forbidden) as exc:
        wo.workorder_sign(order=order, actor=other_handler, now=now)
    assert exc.value.code == "not_assigned"


def test_direct_answer_and_rejection(make_order, agent, now):
    order = wo.workorder_answer(order=make_order(), actor=agent, answer="办理时间为工作日9点至17点", now=now)
    assert order.status == Status.CLOSED and order.answer
    with pytest.raises(ValidationFailed):
        wo.workorder_answer(order=make_order(), actor=agent, answer="  ", now=now)
    rejected = wo.workorder_reject(order=make_order(), actor=agent, reason_code="party_congress", now=now)
    assert rejected.status == Status.REJECTED and rejected.rejection_reason.code == "party_congress"


def test_emergency_is_transferred_never_just_rejected(make_order, agent, now):
    order = make_order()
    with pytest.raises(ValidationFailed) as exc:
        wo.workorder_reject(order=order, actor=agent, reason_code="emergency", now=now)
    assert exc.value.code == "transfer_required"
    order = wo.workorder_reject(order=order, actor=agent, reason_code="emergency", transfer_to="119", now=now)
    assert order.events.last().data == {"transfer_to": "119"}


def test_received_from_self_service_then_accepted(make_order, agent, now):
    order = make_order(accept=False, channel="web")
    assert order.status == Status.RECEIVED and order.query_code
    order = wo.workorder_accept(order=order, actor=agent, now=now)
    assert order.status == Status.AWAITING_DISPATCH


def test_return_then_redispatch(make_order, city, dispatcher, unit_handler, other_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.urban, now=now)
    order = wo.workorder_return(order=order, actor=other_handler, reason="供水不属城管职责", now=now + H)
    assert order.status == Status.RETURNED
    order = wo.workorder_review_return(order=order, actor=dispatcher, accept=True, now=now + 2 * H)
    assert order.status == Status.AWAITING_DISPATCH
    order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now + 3 * H)
    assert order.assignments.filter(state=Assignment.State.PENDING).get().unit == city.water
    assert order.assignments.get(unit=city.urban).state == Assignment.State.RETURNED
    wo.workorder_sign(order=order, actor=unit_handler, now=now + 4 * H)


def test_rejected_return_reinstates_the_unit(make_order, city, dispatcher, other_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.urban, now=now)
    order = wo.workorder_return(order=order, actor=other_handler, reason="不归我们", now=now + H)
    with pytest.raises(ValidationFailed):
        wo.workorder_review_return(order=order, actor=dispatcher, accept=False, now=now + 2 * H)
    order = wo.workorder_review_return(
        order=order, actor=dispatcher, accept=False, comment="属职责范围", now=now + 2 * H
    )
    assert order.status == Status.IN_PROGRESS
    assignment = order.assignments.get()
    assert assignment.state == Assignment.State.SIGNED
    assert order.events.last().data["within_duty"] is True


def test_return_after_the_same_working_day_is_refused(make_order, city, dispatcher, other_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.urban, now=now)
    with pytest.raises(Conflict) as exc:
        wo.workorder_return(order=order, actor=other_handler, reason="迟了", now=now + dt.timedelta(days=1))
    assert exc.value.code == "return_window_closed"


def test_extension_approved_moves_the_deadline(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
    old_due = order.assignments.get().due_at
    new_due = old_due + dt.timedelta(days=7)
    request = wo.workorder_request_extension(
        order=order, actor=unit_handler, until=new_due, reason="需协调施工单位", now=now + H
    )
    with pytest.raises(Conflict):
        wo.workorder_request_extension(order=order, actor=unit_handler, until=new_due, reason="再来", now=now)
    wo.workorder_decide_extension(request=request, actor=dispatcher, approve=True, now=now + 2 * H)
    assert order.assignments.get().due_at == new_due
    assert ExtensionRequest.objects.get().decision == "approved"
    with pytest.raises(Conflict):
        wo.workorder_decide_extension(request=request, actor=dispatcher, approve=False, now=now + 3 * H)


def test_extension_refused_keeps_the_deadline(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
    due = order.assignments.get().due_at
    request = wo.workorder_request_extension(
        order=order, actor=unit_handler, until=due + dt.timedelta(days=3), reason="忙", now=now
    )
    wo.workorder_decide_extension(request=request, actor=dispatcher, approve=False, comment="不批", now=now)
    assert order.assignments.get().due_at == due


def test_lead_replies_only_after_assistants_contribute(
    make_order, city, dispatcher, unit_handler, other_handler, now
):
    order = wo.workorder_dispatch(
        order=make_order(), actor=dispatcher, lead=city.water, assists=[city.urban], now=now
    )
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_sign(order=order, actor=other_handler, now=now)
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS
    with pytest.raises(Conflict) as exc:
        wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now + H)
    assert exc.value.code == "assistants_pending" and exc.value.details["units"] == ["市城管局"]
    wo.workorder_contribute(order=order, actor=other_handler, text="已清理路面", now=now + H)
    order = wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now + 2 * H)
    assert order.status == Status.REPLIED


def test_assistant_signing_first_leaves_order_dispatched(make_order, city, dispatcher, other_handler, now):
    order = wo.workorder_dispatch(
        order=make_order(), actor=dispatcher, lead=city.water, assists=[city.urban], now=now
    )
    order = wo.workorder_sign(order=order, actor=other_handler, now=now)
    assert order.status == Status.DISPATCHED


def test_commitment_reply_sets_deadline_and_keeps_order_open(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    until = now + dt.timedelta(days=40)
    order = wo.workorder_commit(
        order=order, actor=unit_handler, text="管网改造已立项", until=until, now=now + H
    )
    assert order.status == Status.IN_PROGRESS
    assignment = order.assignments.get()
    assert assignment.committed_until == until and assignment.due_at == until


def test_send_back_for_rework(make_order, city, dispatcher, unit_handler, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    order = wo.workorder_reply(order=order, actor=unit_handler, text="已阅", solved=False, now=now)
    order = wo.workorder_review_reply(
        order=order, actor=dispatcher, accept=False, comment="答复过简", now=now
    )
    assert order.status == Status.IN_PROGRESS
    assert order.assignments.get().state == Assignment.State.SIGNED
    order = wo.workorder_reply(order=order, actor=unit_handler, text="已维修并回访", solved=True, now=now + H)
    assert order.status == Status.REPLIED


def test_reopen_once_after_dissatisfied_unsolved_callback(
    make_order, city, dispatcher, unit_handler, agent, now
):
    def to_callback(order):
        order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
        wo.workorder_sign(order=order, actor=unit_handler, now=now)
        wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=False, now=now)
        return wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)

    order = to_callback(make_order())
    order = wo.workorder_callback(
        order=order, actor=agent, satisfaction="dissatisfied", solved=False, now=now
    )
    order = wo.workorder_reopen(order=order, actor=agent, comment="仍然停水", now=now)
    assert order.status == Status.AWAITING_DISPATCH and order.reopen_count == 1
    order = to_callback(order)
    assert order.assignments.filter(round=2).count() == 1
    order = wo.workorder_callback(
        order=order, actor=agent, satisfaction="dissatisfied", solved=False, now=now
    )
    with pytest.raises(Conflict) as exc:
        wo.workorder_reopen(order=order, actor=agent, now=now)
    assert exc.value.code == "already_reopened"


def test_satisfied_order_is_not_reopened(make_order, city, dispatcher, unit_handler, agent, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now)
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    order = wo.workorder_callback(order=order, actor=agent, satisfaction="satisfied", solved=True, now=now)
    with pytest.raises(Conflict) as exc:
        wo.workorder_reopen(order=order, actor=agent, now=now)
    assert exc.value.code == "reopen_not_warranted"


def test_anonymous_caller_is_exempt_from_callback(make_order, city, dispatcher, unit_handler, now):
    order = make_order(anonymous=True)
    assert order.caller_phone == ""
    order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now)
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    assert order.status == Status.CLOSED
    assert order.events.last().action == Action.CLOSE and order.events.last().reason == "anonymous"


def test_merge_duplicate_into_master(make_order, agent, now):
    master, duplicate = make_order(), make_order(phone="13900000000")
    merged = wo.workorder_merge(order=duplicate, master=master, actor=agent, now=now)
    assert merged.status == Status.MERGED and merged.master == master
    assert master.events.last().action == Action.ABSORB
    with pytest.raises(ValidationFailed):
        wo.workorder_merge(order=master, master=master, actor=agent, now=now)
    with pytest.raises(Conflict):
        wo.workorder_merge(order=make_order(), master=merged, actor=agent, now=now)


def test_leader_instruction_returns_escalated_order_to_dispatch(make_order, dispatcher, leader, now):
    order = wo.workorder_escalate(order=make_order(), actor=dispatcher, comment="职责不清", now=now)
    assert order.status == Status.AWAITING_INSTRUCTION
    order = wo.workorder_instruct(order=order, actor=leader, instruction="请水务局牵头办理", now=now)
    assert order.status == Status.AWAITING_DISPATCH
    assert order.events.last().comment == "请水务局牵头办理"


def test_invalid_input_is_refused_before_anything_is_written(agent, now, city):
    from hotline.workorders.models import WorkOrder

    with pytest.raises(ValidationFailed) as exc:
        wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="nonsense",
            title="t",
            content="c",
            caller=wo.Caller(),
            now=now,
        )
    assert exc.value.code == "invalid_request_type"
    with pytest.raises(ValidationFailed):
        wo.workorder_intake(
            actor=agent,
            channel="pigeon",
            request_type="help",
            title="t",
            content="c",
            caller=wo.Caller(),
            now=now,
        )
    with pytest.raises(ValidationFailed):
        wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="help",
            title=" ",
            content="c",
            caller=wo.Caller(),
            now=now,
        )
    assert WorkOrder.objects.count() == 0


def test_events_are_append_only(make_order):
    event = make_order().events.first()
    event.comment = "tampered"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_numbers_are_sequential_per_day(make_order, now):
    numbers = [make_order().number for _ in range(3)]
    assert numbers == ["20261116000001", "20261116000002", "20261116000003"]
    next_day = make_order(at=now + dt.timedelta(days=1)).number
    assert next_day == "20261117000001"


def test_reminder_and_supervision_notice_are_recorded(make_order, city, dispatcher, supervisor, now):
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    order = wo.workorder_remind(order=order, actor=supervisor, comment="请尽快签收", now=now + H)
    assert order.events.last().action == Action.REMIND
    assert order.events.last().data == {"unit": city.water.pk}
    order = wo.workorder_supervise(
        order=order,
        actor=supervisor,
        comment="超期未办，请书面说明",
        respond_by=now + 24 * H,
        now=now + 2 * H,
    )
    assert order.events.last().action == Action.SUPERVISE
    with pytest.raises(ValidationFailed):
        wo.workorder_supervise(order=order, actor=supervisor, comment="x", unit=city.urban, now=now)
    with pytest.raises(Conflict):  # nothing to remind before dispatch
        wo.workorder_remind(order=make_order(), actor=supervisor, now=now)


def test_a_unit_reads_the_order_and_its_open_assignments_in_one_locked_statement(
    make_order, city, dispatcher, unit_handler, other_handler, now
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hotline.workorders.services.handling import locked_with_open_assignments, open_assignments

    order = wo.workorder_dispatch(
        order=make_order(), actor=dispatcher, lead=city.water, assists=[city.urban], now=now
    )
    with CaptureQueriesContext(connection) as queries:
        locked, active = locked_with_open_assignments(order)
    assert len(queries.captured_queries) == 1
    if connection.features.has_select_for_update_of:
        assert "FOR UPDATE OF" in queries.captured_queries[0]["sql"]
    assert locked.pk == order.pk and locked.version == order.version
    assert sorted((a.unit.name, a.role) for a in active) == [("市城管局", "assist"), ("市水务局", "lead")]
    assert [a.pk for a in active] == [a.pk for a in open_assignments(order)]  # in the same order
    with CaptureQueriesContext(connection) as queries:
        wo.workorder_sign(order=order, actor=unit_handler, now=now)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    assert len(selects) == 1  # the lock and the assignments together; then an update and an insert
    # An order with no open assignment still comes back, locked, with none.
    order = make_order()
    locked, active = locked_with_open_assignments(order)
    assert locked.pk == order.pk and active == []
    with pytest.raises(WorkOrder.DoesNotExist):
        locked_with_open_assignments(WorkOrder(pk=order.pk + 1000))

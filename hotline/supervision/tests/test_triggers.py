"""Each supervision trigger fires exactly once per order and cause."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.supervision.models import Level, Notice, RuleHit, SupervisionRule
from hotline.supervision.sweep import supervision_sweep
from hotline.workorders import services as wo
from hotline.workorders.models import Event

pytestmark = pytest.mark.django_db


def only(rule: str, **changes) -> None:
    """Run only ``rule`` (the others would also fire on the same late orders)."""
    SupervisionRule.objects.exclude(code=rule).update(active=False)
    if changes:
        SupervisionRule.objects.filter(code=rule).update(**changes)


def events(order, action):
    return list(Event.objects.filter(order=order, action=action).values_list("reason", flat=True))


def test_sign_overdue_reminds_once(rules, make_order, city, dispatcher, now):
    only("sign_overdue")
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    assignment = order.assignments.get()
    assert supervision_sweep(now=now)["sign_overdue"] == 0
    late = assignment.sign_due_at + dt.timedelta(minutes=1)
    first = supervision_sweep(now=late)
    assert first["sign_overdue"] == 1 and first["issued"] == 1
    again = supervision_sweep(now=late + dt.timedelta(minutes=5))
    assert again["sign_overdue"] == 0 and again["issued"] == 0
    assert events(order, "remind") == ["sign_overdue"]
    notice = Notice.objects.get(order=order)
    assert notice.level == Level.REMIND and notice.unit == city.water and notice.issued_by is None
    assert order.number in notice.text


def test_handle_overdue_supervises_once_per_deadline(rules, make_order, city, dispatcher, unit_handler, now):
    only("handle_overdue")
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
    assignment = order.assignments.get()
    late = assignment.due_at + dt.timedelta(minutes=1)
    assert supervision_sweep(now=late)["handle_overdue"] == 1
    assert supervision_sweep(now=late + dt.timedelta(hours=1))["handle_overdue"] == 0
    notice = Notice.objects.get(order=order)
    assert notice.level == Level.SUPERVISE and notice.respond_by > late
    assert events(order, "supervise") == ["handle_overdue"]
    # an approved extension that is missed again is a new cause
    request = wo.workorder_request_extension(
        order=order, actor=unit_handler, until=late + dt.timedelta(days=7), reason="需协调", now=late
    )
    wo.workorder_decide_extension(request=request, actor=dispatcher, approve=True, now=late)
    assignment.refresh_from_db()
    again = assignment.due_at + dt.timedelta(minutes=1)
    assert supervision_sweep(now=again)["handle_overdue"] == 1
    assert RuleHit.objects.filter(order=order, rule__code="handle_overdue").count() == 2


def test_due_soon_warns_once(rules, make_order, city, dispatcher, unit_handler, now):
    only("due_soon")
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    assignment = order.assignments.get()
    assert supervision_sweep(now=assignment.warn_at - dt.timedelta(minutes=1))["due_soon"] == 0
    warn = assignment.warn_at + dt.timedelta(minutes=1)
    assert supervision_sweep(now=warn)["due_soon"] == 1
    assert supervision_sweep(now=warn + dt.timedelta(minutes=10))["due_soon"] == 0
    assert events(order, "remind") == ["due_soon"]


def test_rejected_return_reminds_the_unit_once(rules, make_order, city, dispatcher, unit_handler, now):
    only("return_rejected")
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    order = wo.workorder_return(order=order, actor=unit_handler, reason="不属于本单位", now=now)
    order = wo.workorder_review_return(
        order=order, actor=dispatcher, accept=False, comment="属于你单位职责", now=now
    )
    later = now + dt.timedelta(minutes=5)
    result = supervision_sweep(now=later)
    assert result["return_rejected"] == 1 and result["issued"] == 1
    assert supervision_sweep(now=later)["return_rejected"] == 0
    notice = Notice.objects.get(order=order)
    assert notice.unit == city.water and notice.cause == "return_rejected"


def test_order_passed_between_units_is_supervised_once(rules, make_order, city, dispatcher, now):
    from hotline.directory.models import Role, User

    only("passed_between")
    handlers = {
        city.water: User.objects.create_user("w", role=Role.UNIT_HANDLER, unit=city.water),
        city.urban: User.objects.create_user("u", role=Role.UNIT_HANDLER, unit=city.urban),
    }
    order = make_order()
    for unit, handler in handlers.items():
        order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=unit, now=now)
        order = wo.workorder_return(order=order, actor=handler, reason="不是我们的", now=now)
        order = wo.workorder_review_return(order=order, actor=dispatcher, accept=True, now=now)
    # found while nobody has it: the notice waits for the next unit
    first = supervision_sweep(now=now)
    assert first["passed_between"] == 1 and first["issued"] == 0
    order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.district_gov, now=now)
    second = supervision_sweep(now=now + dt.timedelta(minutes=5))
    assert second["passed_between"] == 0 and second["issued"] == 1
    notice = Notice.objects.get(order=order)
    assert notice.level == Level.SUPERVISE and notice.unit == city.district_gov
    assert "2" in notice.text
    assert supervision_sweep(now=now + dt.timedelta(minutes=10))["issued"] == 0


def _three_reports(make_order, now):
    return [make_order(at=now - dt.timedelta(days=days)) for days in (20, 10, 0)]


def test_repeated_complaints_fire_on_the_order_that_reaches_the_count(
    rules, make_order, city, dispatcher, now, django_capture_on_commit_callbacks
):
    """Uses smart dispatch's same-matter detection when it is installed, else caller and category."""
    only("repeated_complaint")
    with django_capture_on_commit_callbacks(execute=True):  # smart dispatch indexes orders after commit
        orders = _three_reports(make_order, now)
    result = supervision_sweep(now=now)
    hits = list(RuleHit.objects.filter(rule__code="repeated_complaint"))
    try:
        import hotline.routing.selectors as routing  # noqa: F401

        expected = "same_matter"
    except ImportError:
        expected = "caller_category"
    assert result["repeated_complaint"] >= 1
    newest = [hit for hit in hits if hit.order_id == orders[-1].pk]
    assert len(newest) == 1 and newest[0].data["method"] == expected and newest[0].data["count"] >= 3
    assert supervision_sweep(now=now + dt.timedelta(minutes=5))["repeated_complaint"] == 0
    wo.workorder_dispatch(order=orders[-1], actor=dispatcher, lead=city.water, now=now)
    supervision_sweep(now=now + dt.timedelta(minutes=10))
    notice = Notice.objects.get(order=orders[-1])
    assert notice.level == Level.SUPERVISE and "3" in notice.text


def test_repeated_complaints_fall_back_to_caller_and_category(rules, make_order, city, now, monkeypatch):
    import sys

    only("repeated_complaint")
    monkeypatch.setitem(sys.modules, "hotline.routing.selectors", None)  # importing it raises ImportError
    orders = _three_reports(make_order, now)
    make_order(phone="13900001111")  # another caller: not the same matter by this fallback
    supervision_sweep(now=now)
    hit = RuleHit.objects.get(rule__code="repeated_complaint")
    assert hit.order_id == orders[-1].pk and hit.data == {"count": 3, "days": 30, "method": "caller_category"}


def test_two_reports_are_not_yet_repeated(rules, make_order, now, monkeypatch):
    import sys

    only("repeated_complaint")
    monkeypatch.setitem(sys.modules, "hotline.routing.selectors", None)
    make_order(at=now - dt.timedelta(days=40))  # outside the 30 days
    make_order(at=now - dt.timedelta(days=3))
    make_order(at=now)
    assert supervision_sweep(now=now)["repeated_complaint"] == 0


def test_leader_instruction_supervises_the_unit_dispatched_afterwards(
    rules, make_order, city, dispatcher, leader, now
):
    only("leader_instruction")
    order = wo.workorder_escalate(order=make_order(), actor=dispatcher, comment="职责交叉", now=now)
    order = wo.workorder_instruct(
        order=order, actor=leader, instruction="请水务局牵头，三日内办结。", now=now
    )
    assert supervision_sweep(now=now)["leader_instruction"] == 1
    assert not Notice.objects.filter(order=order).exists()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    assert supervision_sweep(now=now + dt.timedelta(minutes=5))["issued"] == 1
    notice = Notice.objects.get(order=order)
    assert "请水务局牵头" in notice.text and notice.cause == "leader_instruction"
    again = supervision_sweep(now=now + dt.timedelta(minutes=10))
    assert again["leader_instruction"] == 0 and again["issued"] == 0


@pytest.mark.parametrize(("kind", "rule"), [("media", "media_exposed"), ("sudden", "sudden_event")])
def test_staff_flag_is_supervised_once(rules, make_order, city, dispatcher, supervisor, now, kind, rule):
    from hotline.supervision.services import flag_order

    only(rule)
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    flag_order(order=order, actor=supervisor, kind=kind, note="晚报报道", source="海澄晚报", now=now)
    assert supervision_sweep(now=now)[rule] == 1
    assert supervision_sweep(now=now + dt.timedelta(minutes=5))[rule] == 0
    notice = Notice.objects.get(order=order)
    assert notice.cause == rule and notice.level == Level.SUPERVISE


def test_progress_duty_flags_and_reminds_once(rules, make_order, city, dispatcher, unit_handler, now):
    only("progress_duty")
    silent = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=silent, actor=unit_handler, now=now)
    told = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=told, actor=unit_handler, now=now)
    wo.workorder_note(order=told, actor=unit_handler, text="已安排人员现场查看。", now=now)
    internal = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=internal, actor=unit_handler, now=now)
    wo.workorder_note(order=internal, actor=unit_handler, text="内部协调中", public=False, now=now)
    due = silent.progress_due_at
    assert supervision_sweep(now=due - dt.timedelta(minutes=1))["progress_duty"] == 0
    after = due + dt.timedelta(minutes=1)
    assert supervision_sweep(now=after)["progress_duty"] == 2  # a note the caller does not see is no progress
    assert supervision_sweep(now=after + dt.timedelta(days=2))["progress_duty"] == 0
    flagged = set(RuleHit.objects.filter(rule__code="progress_duty").values_list("order_id", flat=True))
    assert flagged == {silent.pk, internal.pk}
    assert events(silent, "remind") == ["progress_duty"]
    assert Notice.objects.filter(order=silent, level=Level.REMIND).count() == 1


def test_a_hit_lapses_when_the_order_closes_first(rules, make_order, dispatcher, leader, agent, now):
    only("leader_instruction")
    order = wo.workorder_escalate(order=make_order(), actor=dispatcher, comment="请示", now=now)
    order = wo.workorder_instruct(order=order, actor=leader, instruction="可直接答复", now=now)
    supervision_sweep(now=now)
    wo.workorder_answer(order=order, actor=agent, answer="已答复", now=now)
    assert supervision_sweep(now=now + dt.timedelta(minutes=5))["lapsed"] == 1
    assert RuleHit.objects.get(order=order).state == RuleHit.State.LAPSED


def test_inactive_rules_do_not_run(rules, make_order, city, dispatcher, now):
    SupervisionRule.objects.update(active=False)
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    late = order.assignments.get().due_at + dt.timedelta(days=1)
    assert supervision_sweep(now=late)["hits"] == 0
    assert not Notice.objects.exists()


def test_thresholds_are_data(rules, make_order, city, dispatcher, now):
    only("sign_overdue", thresholds={"grace_hours": 24})
    order = wo.workorder_dispatch(order=make_order(), actor=dispatcher, lead=city.water, now=now)
    due = order.assignments.get().sign_due_at
    assert supervision_sweep(now=due + dt.timedelta(hours=23))["sign_overdue"] == 0
    assert supervision_sweep(now=due + dt.timedelta(hours=25))["sign_overdue"] == 1

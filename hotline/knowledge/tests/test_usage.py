"""Use of entries on orders (from ANSWER events), reports from agents, gaps, and the review sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.knowledge import selectors
from hotline.knowledge import services as kb
from hotline.knowledge.models import EntryAction, EntryUse, ReportState, SearchGap, SearchSource
from hotline.notifications.models import Notification
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


def test_direct_answer_with_knowledge_ref_records_use(
    make_entry, make_order, agent, now, django_capture_on_commit_callbacks
):
    entry = make_entry()
    order = make_order(request_type="consult", title="停水了怎么办")
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_answer(
            order=order, actor=agent, answer=entry.published.answer_text, now=now, knowledge_ref=entry.ref
        )
    use = EntryUse.objects.get()
    assert (use.entry, use.order, use.version) == (entry, order, entry.published)
    entry.refresh_from_db()
    assert entry.use_count == 1 and entry.last_used_at == now


def test_use_is_recorded_once_per_event_and_ignores_bad_refs(
    make_entry, make_order, agent, now, django_capture_on_commit_callbacks
):
    entry = make_entry()
    order = make_order(request_type="consult")
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_answer(
            order=order, actor=agent, answer="见知识库", now=now, knowledge_ref=f"KB{entry.pk}"
        )
    event = order.events.get(action="answer")
    assert kb.record_use(event) is None  # the listener already recorded it
    other = make_order(request_type="consult")
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_answer(order=other, actor=agent, answer="口头答复", now=now, knowledge_ref="999999")
    assert EntryUse.objects.count() == 1
    assert kb.parse_ref("KB12") == 12 and kb.parse_ref("x") is None


def test_unanswered_question_becomes_a_gap(make_entry, make_order, now, django_capture_on_commit_callbacks):
    make_entry()
    with django_capture_on_commit_callbacks(execute=True):
        make_order(request_type="consult", title="护照加急办理需要多久")
        make_order(request_type="consult", title="停水了怎么办")  # answered by the entry
        make_order(request_type="complaint", title="楼上装修噪音扰民")  # complaints are not questions
    assert list(SearchGap.objects.values_list("query", "last_source")) == [
        ("护照加急办理需要多久", SearchSource.PANEL)
    ]


def test_gaps_count_and_reopen(editor, now):
    kb.record_gap(query="  护照 加急 ", source=SearchSource.STAFF, now=now)
    gap = kb.record_gap(query="护照 加急", source=SearchSource.PUBLIC, now=now + dt.timedelta(hours=1))
    assert gap.count == 2 and gap.last_source == SearchSource.PUBLIC
    kb.gap_close(gap=gap, actor=editor, now=now)
    assert not selectors.usage_summary(since=now - dt.timedelta(days=1), today=now.date()).gaps
    assert kb.record_gap(query="护照 加急", source=SearchSource.STAFF, now=now).closed_at is None
    assert kb.record_gap(query="x", source=SearchSource.STAFF, now=now) is None


def test_only_editors_close_gaps(agent, now):
    gap = kb.record_gap(query="护照加急", source=SearchSource.STAFF, now=now)
    with pytest.raises(Forbidden):
        kb.gap_close(gap=gap, actor=agent, now=now)


def test_usage_summary(
    make_entry, make_order, agent, now, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    used = make_entry()
    unused = make_entry("燃气开户需要什么材料", "房产证明和身份证。")
    for _ in range(2):
        order = make_order(request_type="consult")
        with django_capture_on_commit_callbacks(execute=True):
            wo.workorder_answer(order=order, actor=agent, answer="见知识库", now=now, knowledge_ref=used.ref)
    plain = make_order(request_type="consult")
    wo.workorder_answer(order=plain, actor=agent, answer="口头答复", now=now)
    with django_assert_max_num_queries(8):
        summary = selectors.usage_summary(since=now - dt.timedelta(days=30), today=now.date())
    assert summary.top == [(used, 2)]
    assert summary.never_used == [unused]
    assert (summary.answers, summary.answers_with_entry, summary.uses) == (3, 2, 2)


def test_report_notifies_owners_and_editors_and_is_settled(
    make_entry, agent, unit_handler, editor, make_order, now
):
    entry = make_entry()
    order = make_order(request_type="consult")
    with pytest.raises(ValidationFailed):
        kb.entry_report(entry=entry, actor=agent, kind="nonsense", now=now)
    with pytest.raises(ValidationFailed):
        kb.entry_report(entry=entry, actor=agent, kind="other", comment="", now=now)
    report = kb.entry_report(
        entry=entry, actor=agent, kind="outdated", comment="热线号码已变更", order=order, now=now
    )
    entry.refresh_from_db()
    assert entry.open_reports == 1
    assert Notification.objects.filter(recipient=unit_handler, kind="kb_report").exists()
    assert Notification.objects.filter(recipient=editor, kind="kb_report").exists()
    with pytest.raises(Forbidden):
        kb.report_settle(report=report, actor=agent, now=now, state=ReportState.RESOLVED)
    kb.report_settle(
        report=report, actor=unit_handler, now=now, state=ReportState.RESOLVED, resolution="已更新号码"
    )
    with pytest.raises(Conflict):
        kb.report_settle(report=report, actor=editor, now=now, state=ReportState.DISMISSED, resolution="重复")
    entry.refresh_from_db()
    assert entry.open_reports == 0
    assert list(
        entry.events.filter(action__in=[EntryAction.REPORT, EntryAction.RESOLVE]).values_list(
            "action", flat=True
        )
    ) == [
        EntryAction.REPORT,
        EntryAction.RESOLVE,
    ]


def test_a_draft_cannot_be_reported(make_entry, agent, now):
    with pytest.raises(Forbidden):
        kb.entry_report(entry=make_entry(publish=False), actor=agent, kind="wrong", now=now)


def test_review_sweep_flags_owners_once(make_entry, unit_handler, city, now):
    from hotline.channels.models import OutboundMessage
    from hotline.directory.models import UnitContact

    UnitContact.objects.create(unit=city.water, name="李科长", phone="13900001111")
    due = make_entry(review_cycle_days=10)
    expiring = make_entry(
        "2026年供暖补贴", "截至12月。", expires_on=now.date() + dt.timedelta(days=3), review_cycle_days=0
    )
    make_entry("长期有效的条目", "无需复审。", review_cycle_days=0)
    first = kb.review_sweep(now=now)  # the expiry is within the lead time, the review is not
    assert (first.review_due, first.expiring) == (0, 1)
    later = now + dt.timedelta(days=4)
    result = kb.review_sweep(now=later)
    assert (result.review_due, result.expiring) == (1, 0)
    assert kb.review_sweep(now=later + dt.timedelta(hours=1)).review_due == 0  # once per date
    notes = Notification.objects.filter(recipient=unit_handler)
    assert set(notes.values_list("kind", flat=True)) >= {"kb_review_due", "kb_expiry"}
    texts = list(OutboundMessage.objects.filter(to="13900001111").values_list("body", flat=True))
    assert len(texts) == 2 and any(due.published.question[:10] in t for t in texts)
    assert expiring.events.filter(action=EntryAction.EXPIRY).count() == 1
    # confirming the review moves the date; the next cycle is flagged again when it comes
    kb.entry_confirm_review(entry=due, actor=unit_handler, now=later)
    assert kb.review_sweep(now=later + dt.timedelta(days=4)).review_due == 1

"""The entry workflow: drafting by units (编报), review, publishing, withdrawal, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.knowledge import services as kb
from hotline.knowledge.models import EntryAction, EntryStatus, Visibility
from hotline.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _input(question="公积金怎么提取", answer="<p>携带身份证到公积金中心办理。</p>", **fields):
    return kb.EntryInput(question=question, answer=answer, **fields)


def test_unit_drafts_submits_center_publishes(unit_handler, editor, city, now):
    entry = kb.entry_create(actor=unit_handler, data=_input(), now=now)
    assert entry.status == EntryStatus.DRAFT
    assert entry.unit == city.water
    assert list(entry.latest.owner_units.all()) == [city.water]
    entry = kb.entry_submit(entry=entry, actor=unit_handler, now=now, comment="请审核")
    assert entry.status == EntryStatus.SUBMITTED
    assert Notification.objects.filter(recipient=editor, kind="kb_submitted").exists()
    entry = kb.entry_publish(entry=entry, actor=editor, now=now)
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.published_id == entry.latest_id
    assert entry.review_due_on == now.date() + dt.timedelta(days=180)
    assert Notification.objects.filter(recipient=unit_handler, kind="kb_published").exists()
    actions = list(entry.events.values_list("action", flat=True))
    assert actions == [EntryAction.CREATE, EntryAction.SUBMIT, EntryAction.PUBLISH]


def test_return_needs_a_comment_and_reaches_the_unit(unit_handler, editor, now):
    entry = kb.entry_create(actor=unit_handler, data=_input(), now=now, submit=True)
    with pytest.raises(ValidationFailed) as exc:
        kb.entry_return(entry=entry, actor=editor, now=now, comment=" ")
    assert exc.value.code == "comment_required"
    entry = kb.entry_return(entry=entry, actor=editor, now=now, comment="请补充办理地址")
    assert entry.status == EntryStatus.RETURNED
    note = Notification.objects.get(recipient=unit_handler, kind="kb_returned")
    assert note.body == "请补充办理地址"
    entry = kb.entry_update(
        entry=entry, actor=unit_handler, data=_input(answer="到市民中心三楼办理"), now=now
    )
    assert entry.status == EntryStatus.DRAFT and entry.latest.number == 2
    assert kb.entry_submit(entry=entry, actor=unit_handler, now=now).status == EntryStatus.SUBMITTED


def test_unit_edits_only_its_own_drafts(unit_handler, other_handler, editor, city, now):
    entry = kb.entry_create(actor=unit_handler, data=_input(), now=now)
    with pytest.raises(Forbidden) as exc:
        kb.entry_update(entry=entry, actor=other_handler, data=_input(answer="别的单位改的"), now=now)
    assert exc.value.code == "kb_edit_not_permitted"
    with pytest.raises(Forbidden):
        kb.entry_submit(entry=entry, actor=other_handler, now=now)
    entry = kb.entry_submit(entry=entry, actor=unit_handler, now=now)
    with pytest.raises(Forbidden):  # under review: the unit waits for the center
        kb.entry_update(entry=entry, actor=unit_handler, data=_input(answer="审核中再改"), now=now)
    # the center's editor may edit during review; the entry stays submitted
    entry = kb.entry_update(entry=entry, actor=editor, data=_input(answer="中心审核时修改"), now=now)
    assert entry.status == EntryStatus.SUBMITTED and entry.latest.number == 2


def test_unit_may_not_draft_for_another_unit(unit_handler, city, now):
    with pytest.raises(ValidationFailed) as exc:
        kb.entry_create(actor=unit_handler, data=_input(owner_units=[city.urban]), now=now)
    assert "owner_units" in exc.value.details


def test_only_editors_publish_and_withdraw(unit_handler, agent, editor, now):
    entry = kb.entry_create(actor=unit_handler, data=_input(), now=now, submit=True)
    for actor in (unit_handler, agent):
        with pytest.raises(Forbidden):
            kb.entry_publish(entry=entry, actor=actor, now=now)
    entry = kb.entry_publish(entry=entry, actor=editor, now=now)
    with pytest.raises(Forbidden):
        kb.entry_withdraw(entry=entry, actor=unit_handler, now=now, reason="过时")
    with pytest.raises(ValidationFailed):
        kb.entry_withdraw(entry=entry, actor=editor, now=now, reason="")
    entry = kb.entry_withdraw(entry=entry, actor=editor, now=now, reason="政策废止")
    assert entry.status == EntryStatus.WITHDRAWN
    with pytest.raises(Conflict):
        kb.entry_withdraw(entry=entry, actor=editor, now=now, reason="再次")


def test_agent_drafts_for_the_center(agent, editor, city, now):
    entry = kb.entry_create(actor=agent, data=_input(), now=now, submit=True)
    assert entry.unit == city.center and entry.status == EntryStatus.SUBMITTED


def test_revision_keeps_the_published_version_live(unit_handler, editor, now):
    entry = kb.entry_create(actor=unit_handler, data=_input(), now=now, submit=True)
    entry = kb.entry_publish(entry=entry, actor=editor, now=now)
    v1 = entry.published
    entry = kb.entry_update(entry=entry, actor=unit_handler, data=_input(answer="新地址：市民中心"), now=now)
    assert entry.status == EntryStatus.DRAFT
    assert entry.published == v1 and entry.latest.number == 2
    entry = kb.entry_submit(entry=entry, actor=unit_handler, now=now)
    entry = kb.entry_publish(entry=entry, actor=editor, now=now)
    assert entry.published.number == 2 and entry.published.answer_text == "新地址：市民中心"


def test_stale_edit_is_refused(unit_handler, now):
    entry = kb.entry_create(actor=unit_handler, data=_input(), now=now)
    kb.entry_update(
        entry=entry, actor=unit_handler, data=_input(answer="第二版"), now=now, expected_version=1
    )
    with pytest.raises(Conflict) as exc:
        kb.entry_update(
            entry=entry, actor=unit_handler, data=_input(answer="基于第一版"), now=now, expected_version=1
        )
    assert exc.value.code == "stale_version"
    assert entry.versions.count() == 2


def test_bad_input_changes_nothing(unit_handler, now):
    with pytest.raises(ValidationFailed) as exc:
        kb.entry_create(
            actor=unit_handler,
            data=_input(
                question="x",
                answer="<script>alert(1)</script>",
                visibility="secret",
                effective_from=dt.date(2026, 12, 1),
                expires_on=dt.date(2026, 11, 1),
                review_cycle_days=99999,
            ),
            now=now,
        )
    assert set(exc.value.details) == {"question", "answer", "visibility", "expires_on", "review_cycle_days"}
    from hotline.knowledge.models import Entry

    assert not Entry.objects.exists()


def test_publishing_an_expired_version_is_refused(editor, city, now):
    entry = kb.entry_create(
        actor=editor,
        data=_input(owner_units=[city.water], expires_on=now.date() - dt.timedelta(days=1)),
        now=now,
    )
    with pytest.raises(ValidationFailed) as exc:
        kb.entry_publish(entry=entry, actor=editor, now=now)
    assert exc.value.code == "kb_expired"


def test_confirm_review_moves_the_review_date(unit_handler, other_handler, editor, now, make_entry, city):
    entry = make_entry(review_cycle_days=30)
    assert entry.review_due_on == now.date() + dt.timedelta(days=30)
    later = now + dt.timedelta(days=29)
    with pytest.raises(Forbidden):
        kb.entry_confirm_review(entry=entry, actor=other_handler, now=later)
    entry = kb.entry_confirm_review(entry=entry, actor=unit_handler, now=later, comment="政策未变")
    assert entry.review_due_on == later.date() + dt.timedelta(days=30)


def test_visibility_and_dates_are_versioned(editor, city, now, make_entry):
    entry = make_entry(visibility=Visibility.PUBLIC)
    data = kb.entry_input_from_version(entry.latest, visibility=Visibility.INTERNAL)
    entry = kb.entry_update(entry=entry, actor=editor, data=data, now=now, publish=True)
    assert [v.visibility for v in entry.versions.order_by("number")] == ["public", "internal"]
    assert entry.published.visibility == "internal"

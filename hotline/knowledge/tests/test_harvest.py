"""Drafts built from past replies: real replies of the TipDM set (read at test time) and closed orders."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hotline.conftest import shared_file
from hotline.core.errors import Forbidden
from hotline.core.tables import read_table
from hotline.knowledge.harvest import Candidate, candidates_from_orders, candidates_from_rows, harvest
from hotline.knowledge.models import Entry, EntryStatus
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db
REPLIED = "tipdm2020/messages_replied.csv"


@pytest.fixture(scope="module")
def replied_rows():
    """The first 60 messages and every one with a short reply (among them the form replies)."""
    rows = read_table(shared_file(REPLIED))
    return rows[:60] + [r for r in rows[60:] if len(r["答复意见"]) < 60]


def test_real_replies_become_submitted_drafts(replied_rows, editor, city, now):
    result = harvest(candidates_from_rows(replied_rows, unit=city.water), actor=editor, now=now)
    assert result.created and result.too_short and result.form_replies
    entries = Entry.objects.filter(pk__in=result.created)
    assert {e.status for e in entries} == {EntryStatus.SUBMITTED}
    assert all(len(e.latest.answer_text) >= 40 for e in entries)
    assert len(result.created) + result.too_short + result.form_replies + result.duplicates <= len(
        replied_rows
    )
    # form replies such as 网友：您好！留言已收悉 never become entries
    assert not entries.filter(latest__answer_text="网友：您好！留言已收悉").exists()
    # a second run finds the questions already in the base
    again = harvest(candidates_from_rows(replied_rows, unit=city.water), actor=editor, now=now)
    assert again.created == [] and again.existing == len(result.created)


def test_personal_data_is_masked_and_duplicates_dropped(editor, city, now):
    reply = "您好，您反映的问题已核实：该路段路灯已于三日内修复，如仍有问题请联系13812345678。" * 2
    result = harvest(
        [
            Candidate("东湖路路灯不亮", reply, city.urban),
            Candidate("东湖路路灯不亮！", reply + "补充", city.urban),
        ],
        actor=editor,
        now=now,
    )
    assert len(result.created) == 1 and result.duplicates == 1
    entry = Entry.objects.get()
    assert "13812345678" not in entry.latest.answer_text and "<手机号>" in entry.latest.answer_text


def test_closed_orders_with_replies(make_order, dispatcher, unit_handler, agent, editor, city, now):
    order = make_order(request_type="consult", title="居民用水阶梯水价怎么计算")
    order = wo.workorder_dispatch(order=order, lead=city.water, actor=dispatcher, now=now)
    order = wo.workorder_sign(order=order, actor=unit_handler, now=now)
    reply = "居民用水实行阶梯水价：年用水量180立方米以内为第一阶梯，181至260立方米为第二阶梯，超过部分为第三阶梯。"
    order = wo.workorder_reply(order=order, actor=unit_handler, text=reply, solved=True, now=now)
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    order = wo.workorder_callback(order=order, actor=agent, satisfaction="satisfied", solved=True, now=now)
    assert order.status == "closed", order.status
    found = list(candidates_from_orders(since=now.replace(hour=0), until=now.replace(hour=23)))
    assert [(c.order, c.unit, c.answer) for c in found] == [(order, city.water, reply)]
    result = harvest(found, actor=editor, now=now)
    entry = Entry.objects.get(pk=result.created[0])
    assert entry.source_order == order and list(entry.latest.owner_units.all()) == [city.water]
    assert list(candidates_from_orders(since=now.replace(hour=0), until=now.replace(hour=23))) == []


def test_only_editors_harvest(unit_handler, now):
    with pytest.raises(Forbidden):
        harvest([], actor=unit_handler, now=now)


def test_harvest_command(editor, city, capsys):
    call_command(
        "kb",
        "harvest",
        "--csv",
        str(shared_file(REPLIED)),
        "--unit",
        city.water.code,
        "--limit",
        "5",
        "--user",
        editor.username,
    )
    assert "drafts submitted for review: 5" in capsys.readouterr().out

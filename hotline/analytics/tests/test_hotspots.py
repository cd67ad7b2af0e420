"""Hot-issue detection: planted issues come out on top and unrelated noise never merges into them; the
contract selector's shape; the real message-board set groups into coherent issues."""

from __future__ import annotations

import csv
import datetime as dt
import random

import pytest

from hotline.analytics import synthetic
from hotline.analytics.hotspots import grouping, signatures
from hotline.analytics.selectors import HotIssue, hot_issues
from hotline.conftest import shared_file
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


def _load(texts, *, agent, start, days, rng, prefix="139"):
    orders = []
    for index, text in enumerate(texts):
        at = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        order = wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="complaint",
            title=text.title,
            content=text.content,
            caller=wo.Caller(name=f"市民{index}", phone=f"{prefix}{rng.randrange(10**8):08d}"),
            location_text=text.location,
            now=at,
        )
        orders.append((order, text.kind))
    return orders


def test_planted_issues_come_out_on_top_without_noise(agent, now):
    rng = random.Random(7)
    start = now - dt.timedelta(days=30)
    texts = (
        synthetic.noise(rng, 320)
        + synthetic.planted(rng, "elevator", 12)
        + synthetic.planted(rng, "ride_hailing", 9)
        + synthetic.planted(rng, "night_work", 8)
    )
    # noise at the planted places, about other problems, must stay out of the planted issues
    texts += [
        synthetic.Text(
            "翠竹苑小区停车收费不合理",
            "翠竹苑小区物业突然提高停车费，没有经过业主大会同意。",
            "翠竹苑小区",
            "noise",
        ),
        synthetic.Text(
            "翠竹苑小区垃圾清运不及时", "翠竹苑小区垃圾桶满了好几天没人清运。", "翠竹苑小区", "noise"
        ),
        synthetic.Text(
            "临江路路灯不亮", "临江路附近路灯已经很久不亮了，晚上出行很不安全。", "临江路", "noise"
        ),
        synthetic.Text("银杏家园电梯故障", "银杏家园电梯坏了，物业一直没修。", "银杏家园", "noise"),
    ]
    kinds = {order.pk: kind for order, kind in _load(texts, agent=agent, start=start, days=29, rng=rng)}
    issues = hot_issues(since=start, until=now + dt.timedelta(hours=1), top=10)
    top = issues[:3]
    found = {}
    for issue in top:
        members = [kinds[o.pk] for o in issue.orders]
        assert "noise" not in members, (issue.place, issue.description, members)
        assert len(set(members)) == 1
        found[members[0]] = len(members)
    assert set(found) == {"elevator", "ride_hailing", "night_work"}
    assert found["elevator"] >= 11 and found["ride_hailing"] >= 8 and found["night_work"] >= 7
    elevator = next(i for i in top if kinds[i.orders[0].pk] == "elevator")
    assert "翠竹苑" in elevator.place
    assert "电梯" in elevator.keywords
    # every other group found is pure too
    for issue in issues[3:]:
        assert {kinds[o.pk] for o in issue.orders} == {"noise"}


def test_contract_shape(agent, now):
    rng = random.Random(3)
    start = now - dt.timedelta(days=10)
    kinds = {
        order.pk: kind
        for order, kind in _load(
            synthetic.noise(rng, 60) + synthetic.planted(rng, "elevator", 4),
            agent=agent,
            start=start,
            days=9,
            rng=rng,
        )
    }
    issues = hot_issues(since=start, until=now, top=5)
    issue = issues[0]
    assert isinstance(issue, HotIssue)
    assert issue.rank == 1 and isinstance(issue.score, float) and issue.score > 0
    assert issue.place.startswith("翠竹苑") and issue.description
    assert [kinds[o.pk] for o in issue.orders] == ["elevator"] * 4 and issue.first_at <= issue.last_at
    assert issue.first_at == issue.orders[0].received_at


def test_one_caller_repeating_is_not_a_hot_issue(agent, now):
    for hours in range(5):
        wo.workorder_intake(
            actor=agent, channel="phone", request_type="complaint", title="翠竹苑小区电梯频繁故障困人",
            content="翠竹苑小区电梯又坏了。", caller=wo.Caller(phone="13900000001"),
            location_text="翠竹苑小区", now=now - dt.timedelta(hours=hours),
        )  # fmt: skip
    assert hot_issues(since=now - dt.timedelta(days=1), until=now + dt.timedelta(hours=1)) == []


def _real_messages():
    path = shared_file("tipdm2020/messages_replied.csv")
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_real_messages_group_into_coherent_issues():
    """On the real message-board set (read at test time, never copied): the groups found are coherent —
    every member of a group shares the group's place or most of its problem words — and the known
    repeated topics are found."""
    rows = _real_messages()
    sigs = [signatures.build(title=r["留言主题"], content=r["留言详情"]) for r in rows]
    groups = grouping.group(
        grouping.Corpus([s.terms for s in sigs], [s.place for s in sigs], [s.district for s in sigs])
    )
    assert 40 <= len(groups.members) <= 400
    titles = {i: rows[i]["留言主题"] for i in range(len(rows))}
    for members in groups.members.values():
        places = {sigs[i].place for i in members if sigs[i].place}
        assert len(places) <= 1  # never two specific places in one issue
        centre = groups.matrix[members].sum(axis=0)
        closeness = (groups.matrix[members] @ centre.T).A.ravel() / max(
            float((centre @ centre.T)[0, 0]) ** 0.5, 1e-9
        )
        assert closeness.min() >= grouping.CORE_THRESHOLD - 1e-9, [titles[i] for i in members]

    def group_of(fragment):
        ids = [i for i, t in titles.items() if fragment in t]
        labels = {int(groups.labels[i]) for i in ids}
        return ids, labels

    # the same message posted again, and one problem raised by several people
    for fragment in ("国城国际开发商严重违反合同", "新生儿落地险", "东方水岸明珠6期"):
        ids, labels = group_of(fragment)
        assert len(ids) >= 2 and len(labels) == 1, fragment

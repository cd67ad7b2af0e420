"""The matter index: similar open orders while typing, same-matter orders for supervision, kept up to date
as orders come in, change and close; personal data never reaches it."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.directory.models import Division
from hotline.routing import similar
from hotline.routing.models import MatterDoc, MatterTerm, MatterTermStat
from hotline.routing.selectors import same_matter_orders, similar_open_orders
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db

OTHERS = [
    ("和平路路灯不亮", "东湖街道和平路一排路灯一个多月不亮，晚上出行不安全。"),
    ("咨询社保缴费", "灵活就业人员怎么在线缴纳养老保险和医疗保险？"),
    ("餐馆油烟扰民", "楼下餐馆没有油烟净化设备，油烟直排居民楼。"),
    ("公交车过站不停", "在人民广场站等车，公交车多次过站不停。"),
]


@pytest.fixture
def orders(make_order, now, run_commits, gazetteer):
    with run_commits():
        water = make_order(at=now - dt.timedelta(days=2))
        others = [
            make_order(title=t, content=c, phone=f"1390000000{i}", at=now - dt.timedelta(days=1))
            for i, (t, c) in enumerate(OTHERS)
        ]
    return water, others


def test_similar_open_orders_while_typing(orders, agent):
    water, _ = orders
    found = similar_open_orders(agent, title="幸福里停水", content="东湖街道幸福里小区停水好几天了还没来水")
    assert [item.order.number for item in found][:1] == [water.number]
    assert found[0].same_division and found[0].mergeable
    assert similar_open_orders(agent, title="", content="") == []
    assert similar_open_orders(agent, title="表扬", content="窗口工作人员态度很好") == []


def test_closed_orders_are_not_offered_but_count_as_the_same_matter(
    orders, agent, now, run_commits, make_order
):
    water, _ = orders
    with run_commits():
        wo.workorder_reject(order=water, actor=agent, reason_code="duplicate", now=now)
    assert not MatterDoc.objects.get(order_id=water.pk).is_open
    assert not MatterTerm.objects.filter(doc_id=water.pk, is_open=True).exists()
    assert similar_open_orders(agent, title="幸福里停水", content="东湖街道幸福里小区停水") == []
    with run_commits():
        again = make_order(
            title="幸福里小区还在停水",
            content="东湖街道幸福里小区停水一周了，物业说管网维修。",
            phone="13500001111",
        )
    assert same_matter_orders(again, since=now - dt.timedelta(days=7)) == [water]
    assert same_matter_orders(again, since=now - dt.timedelta(hours=1)) == []


def test_units_only_find_orders_of_their_own(orders, other_handler):
    assert similar_open_orders(other_handler, title="幸福里停水", content="幸福里小区停水") == []


def test_index_is_incremental_and_masks_personal_data(orders, agent, now, run_commits):
    water, _ = orders
    total = MatterTermStat.objects.get(term=similar.TOTAL_KEY).df
    assert total == 5
    doc = MatterDoc.objects.get(order_id=water.pk)
    assert len(doc.terms) <= 24 and doc.caller_key and "1381234" not in doc.caller_key
    assert similar.term_hash("13812341234") not in doc.terms
    with run_commits():
        wo.workorder_update(order=water, actor=agent, now=now, title="幸福里小区停电三天")
    doc.refresh_from_db()
    assert similar.term_hash("停电") in doc.terms
    assert MatterTermStat.objects.get(term=similar.TOTAL_KEY).df == total  # updated, not added twice
    assert MatterTerm.objects.filter(doc=doc).count() == len(set(doc.terms))


def test_matter_terms_keep_places_first(city, gazetteer):
    found = similar.matter_terms("幸福里停水", "电话13812345678，幸福里小区停水")
    assert found.places[0] in ("幸福里小区", "幸福里")
    assert found.terms[0] == found.places[0]
    assert not any("138" in term for term in found.terms)


def test_same_matter_needs_the_same_place(city, intake, run_commits, now):
    other_street = Division.objects.add_child(
        Division.objects.get(pk=city.district.pk),
        instance=Division(code="990101002000", name="望江街道", level=Division.Level.STREET),
    )
    with run_commits():
        here = intake(
            "小区停水三天", "小区自周一起停水，物业称管网维修，至今未恢复。", at=now - dt.timedelta(days=1)
        )
        there = intake(
            "小区停水三天",
            "小区自周一起停水，物业称管网维修，至今未恢复。",
            division=other_street,
            phone="13700009999",
        )
        again = intake("小区还在停水", "小区停水好几天了，物业说管网维修。", phone="13700008888")
    found = same_matter_orders(again, since=now - dt.timedelta(days=7))
    assert here in found and there not in found


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql", reason="a PostgreSQL table setting"
)
def test_postgresql_vacuums_the_postings_often_enough_for_index_only_lookups():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'routing_matterterm'")
        (options,) = cursor.fetchone()
    assert "autovacuum_vacuum_insert_scale_factor=0.01" in options

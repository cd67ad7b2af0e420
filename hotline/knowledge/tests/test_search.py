"""Search for short phone-style queries: synonyms, typos, near-duplicates, filters, expiry, public and
internal entries, and an index that follows every change."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.directory.models import Division
from hotline.knowledge import selectors
from hotline.knowledge import services as kb
from hotline.knowledge.models import IndexState, SynonymGroup, Visibility
from hotline.knowledge.search.engine import engine, write_snapshot
from hotline.taxonomy.models import Category

pytestmark = pytest.mark.django_db


def ids(query, now, **kwargs):
    filters = kwargs.pop("filters", None)
    outcome = selectors.search_entries(query, today=now.date(), filters=filters, **kwargs)
    return [r.entry.pk for r in outcome.results]


@pytest.fixture
def base(make_entry, city):
    """A small knowledge base of everyday questions."""
    return {
        "gjj": make_entry(
            "住房公积金怎么提取",
            "购房、租房、退休等情形可申请提取住房公积金，携带身份证到公积金中心窗口或在网上办理。",
            keywords="公积金提取",
            synonyms="取公积金,公积金提现",
        ),
        "sbk": make_entry(
            "社保卡丢了怎么补办", "社保卡遗失后先挂失，再到社保经办网点补办，补卡工本费按规定收取。"
        ),
        "water": make_entry(
            "突然停水怎么办", "先查看水务集团的停水通知；没有通知的停水，请拨打供水服务热线报修。"
        ),
        "gas": make_entry(
            "燃气开户需要什么材料", "燃气开户需提供房产证明和户主身份证，到燃气公司营业厅办理。"
        ),
        "yb": make_entry(
            "医疗保险门诊报销比例是多少", "职工医疗保险门诊报销比例按医院等级确定，一级医院较高。"
        ),
    }


def test_exact_question_comes_first(base, now):
    assert ids("公积金怎么提取", now)[0] == base["gjj"].pk
    assert ids("停水了怎么办", now)[0] == base["water"].pk


def test_entry_synonyms_match(base, now):
    assert ids("公积金提现", now)[0] == base["gjj"].pk


def test_synonym_groups_expand_the_query(base, now):
    assert base["yb"].pk not in ids("医保", now)
    SynonymGroup.objects.create(terms="医保，医疗保险")
    assert ids("医保", now)[0] == base["yb"].pk


def test_homophone_typo_from_a_pinyin_input_method(base, now):
    assert ids("公基金提取", now)[0] == base["gjj"].pk  # 基 for 积
    assert ids("然气开户", now)[0] == base["gas"].pk  # 然 for 燃


def test_one_wrong_character_still_matches(base, now):
    assert ids("社保卡丢了怎么补半", now)[0] == base["sbk"].pk  # 半 for 办
    assert ids("补办社保卡", now)[0] == base["sbk"].pk  # reordered


def test_unrelated_query_finds_nothing(base, now):
    outcome = selectors.search_entries("护照签证加急", today=now.date())
    assert outcome.found_nothing


def test_near_duplicates_are_folded(make_entry, now):
    first = make_entry(
        "东湖区停水怎么办", "东湖区停水请先查看水务集团的停水通知，没有通知的请拨打供水热线报修。"
    )
    second = make_entry(
        "东湖区停水了怎么办", "东湖区停水请先查看水务集团的停水通知，没有通知的请拨打供水热线报修！"
    )
    other = make_entry("停水后水质发黄怎么办", "恢复供水后水质发黄，放水几分钟即可；持续发黄请报修检测。")
    outcome = selectors.search_entries("东湖区停水", today=now.date())
    top = outcome.results[0]
    assert {top.entry.pk, *top.similar} == {first.pk, second.pk}
    assert other.pk in [r.entry.pk for r in outcome.results]


def test_filters_by_category_unit_and_visibility(make_entry, city, now):
    drainage = Category.objects.get_parent(Category.objects.get(pk=city.category.pk))
    supply = make_entry(
        "停水报修电话", "供水报修请拨打96345。", category=city.category, visibility=Visibility.PUBLIC
    )
    urban = make_entry("停水期间路面积水", "路面积水请联系城管。", owner_units=[city.urban])
    assert ids("停水", now, filters=selectors.SearchFilters(category=drainage)) == [
        supply.pk
    ]  # and descendants
    assert ids("停水", now, filters=selectors.SearchFilters(unit=city.urban)) == [urban.pk]
    assert ids("停水", now, filters=selectors.SearchFilters(visibility="internal")) == [urban.pk]
    assert ids("停水", now, filters=selectors.SearchFilters(visibility="public")) == [supply.pk]


def test_division_filter_keeps_citywide_and_local_entries(make_entry, city, now):
    other_district = Division.objects.add_child(
        Division.objects.get(pk=city.city.pk), instance=Division(code="990102000000", name="西江区", level=3)
    )
    citywide = make_entry("垃圾分类怎么投放", "按可回收物、有害垃圾、厨余垃圾和其他垃圾分类投放。")
    here = make_entry(
        "东湖区垃圾分类投放时间", "东湖区定时定点投放：早七点至九点。", divisions=[city.district]
    )
    there = make_entry("西江区垃圾分类投放时间", "西江区投放时间：晚六点至八点。", divisions=[other_district])
    street = Division.objects.get(pk=city.street_division.pk)
    found = ids("垃圾分类投放时间", now, filters=selectors.SearchFilters(division=street))
    assert set(found) == {citywide.pk, here.pk}
    assert there.pk in ids("垃圾分类投放时间", now)


def test_expired_and_future_entries_are_hidden(make_entry, now):
    old = make_entry("2026年供暖补贴申请", "补贴申请截至11月15日。", expires_on=dt.date(2026, 11, 30))
    soon = make_entry(
        "2027年供暖补贴申请", "2027年补贴将于12月开放申请。", effective_from=dt.date(2026, 12, 1)
    )
    assert ids("供暖补贴申请", now) == [old.pk]
    later = now + dt.timedelta(days=20)
    assert ids("供暖补贴申请", later) == [soon.pk]
    expired_too = selectors.SearchFilters(include_expired=True)
    assert set(ids("供暖补贴申请", later, filters=expired_too)) == {old.pk, soon.pk}


def test_internal_entries_never_reach_the_public(make_entry, now):
    public = make_entry("户口迁移需要哪些材料", "准迁证、户口簿和身份证。", visibility=Visibility.PUBLIC)
    make_entry("户口迁移内部口径", "内部办理口径：先核查再受理。", visibility=Visibility.INTERNAL)
    assert ids("户口迁移", now, public_only=True) == [public.pk]
    # even a filter asking for internal entries cannot widen the public search
    assert ids("户口迁移", now, public_only=True, filters=selectors.SearchFilters(visibility="internal")) == [
        public.pk
    ]


def test_index_follows_publish_revise_and_withdraw(make_entry, editor, now):
    entry = make_entry("电动车充电桩安装", "向物业申请并由供电公司勘察。", publish=False)
    assert ids("充电桩", now) == []
    entry = kb.entry_publish(entry=entry, actor=editor, now=now)
    assert ids("充电桩", now) == [entry.pk]
    revised = kb.entry_input_from_version(
        entry.latest, question="小区充电桩如何报装", answer="先向物业申请报装。"
    )
    kb.entry_update(entry=entry, actor=editor, data=revised, now=now)
    assert ids("电动车充电桩安装", now) == [entry.pk]  # the draft is not live yet
    kb.entry_publish(entry=entry, actor=editor, now=now)
    assert selectors.search_entries("报装", today=now.date()).results[0].version.number == 2
    kb.entry_withdraw(entry=entry, actor=editor, now=now, reason="并入其他条目")
    assert ids("充电桩报装", now) == []


def test_highlighting_marks_query_words(base, now):
    result = selectors.search_entries("社保卡补办", today=now.date()).results[0]
    assert "<mark>" in result.question_html and "<mark>补办</mark>" in result.snippet_html


def test_search_query_count_is_bounded(base, now, django_assert_max_num_queries):
    selectors.search_entries("公积金", today=now.date())  # the index is built once per process
    with django_assert_max_num_queries(4):
        outcome = selectors.search_entries("公积金提取怎么办", today=now.date())
        for result in outcome.results:
            list(result.version.owner_units.all())
    assert outcome.results


def test_shared_snapshot_is_mapped_and_caught_up(base, make_entry, settings, tmp_path, now):
    settings.HOTLINE_KNOWLEDGE_INDEX_DIR = str(tmp_path)
    path = write_snapshot()
    assert path is not None and (path / "post_docs.npy").exists()
    engine.reset()
    assert ids("燃气开户", now)[0] == base["gas"].pk
    assert engine.snapshot == path.name
    newer = make_entry("燃气表坏了找谁", "燃气表故障请拨打燃气公司抢修电话。")
    assert newer.pk in ids("燃气表", now)
    assert engine.snapshot == path.name  # caught up through the delta, without rebuilding


def test_a_new_database_rebuilds_the_index(base, now):
    assert ids("燃气开户", now)
    IndexState.objects.all().delete()
    IndexState.objects.create(pk=1, token="another", generation=0)
    assert ids("燃气开户", now)[0] == base["gas"].pk
    assert engine.token == "another"

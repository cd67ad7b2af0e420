"""Fixtures of the smart-dispatch tests: the city's catalogue, a gazetteer, a small model trained on the
city's own made-up orders, a sample of the real messages (read from ../shared/data at run time), and
on-commit callbacks that run."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import pytest

from hotline.conftest import shared_file
from hotline.core import refcache
from hotline.directory.models import Division, Unit
from hotline.routing import location
from hotline.routing.classifier import runtime
from hotline.routing.models import Place
from hotline.routing.services import RuleInput, catalogue_rule_save, examples_from_rows, model_train
from hotline.taxonomy.models import Category
from hotline.text import segment

REAL_MESSAGES = "tipdm2020/messages_labeled_train.csv"


@pytest.fixture(autouse=True)
def _fresh_caches():
    refcache.invalidate()
    runtime.forget()
    location.invalidate()
    yield
    refcache.invalidate()
    runtime.forget()


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def power(city):
    """A utility with a second leaf category: 城乡建设 > 供电 > 停电; and 城乡建设 > 市容 > 占道经营."""
    utility = Unit.objects.add_root(instance=Unit(code="U01", name="市供电公司", kind=Unit.Kind.UTILITY))
    root = Category.objects.get(code="01")
    supply = Category.objects.add_child(root, instance=Category(code="01002", name="停电"))
    root.refresh_from_db()
    stalls = Category.objects.add_child(root, instance=Category(code="01003", name="占道经营"))
    return {"unit": utility, "outage": supply, "stalls": stalls}


@pytest.fixture
def catalogue(city, power, now):
    """供水 → 市水务局 (competent department); 占道经营 → the street (territorial), 城管局 assisting;
    停电 → 供电公司."""
    city.street.divisions.add(city.street_division)
    city.district_gov.divisions.add(city.district)
    rules = {
        "water": catalogue_rule_save(
            data=RuleInput(category=city.category, division=None, lead=city.water, basis="三定方案：供水"),
            actor=None,
            now=now,
        ),
        "stalls": catalogue_rule_save(
            data=RuleInput(
                category=power["stalls"],
                division=None,
                lead=None,
                territorial=True,
                assists=[city.urban],
                basis="属地管理",
            ),
            actor=None,
            now=now,
        ),
        "outage": catalogue_rule_save(
            data=RuleInput(category=power["outage"], division=None, lead=power["unit"]), actor=None, now=now
        ),
    }
    refcache.invalidate()
    return rules


@pytest.fixture
def gazetteer(city):
    Place.objects.create(
        name="幸福里小区", kind=Place.Kind.ESTATE, division=city.street_division, aliases="幸福里"
    )
    Place.objects.create(name="和平路", kind=Place.Kind.ROAD, division=city.street_division)
    location.invalidate()
    segment.reload_dictionary()
    yield
    segment.reload_dictionary()


CITY_PHRASES = {
    "01001": [
        ("{p}停水", "{p}从早上开始停水，没有接到通知，家里老人小孩没水用，请尽快恢复供水。"),
        ("{p}自来水发黄", "{p}自来水发黄有异味，烧开后有沉淀，不敢饮用，请检测水质。"),
        ("{p}水压太低", "{p}高层水压不足，热水器打不着，早晚用水高峰基本没水。"),
    ],
    "01002": [
        ("{p}突然停电", "{p}整栋楼突然停电，冰箱里的东西都要坏了，请问供电什么时候恢复？"),
        ("{p}电压不稳", "{p}电压忽高忽低，空调冰箱都烧坏了，请供电公司检修线路。"),
    ],
    "01003": [
        ("{p}门口占道经营", "{p}门口每天傍晚流动摊贩占用人行道摆摊，行人只能走机动车道。"),
        ("{p}夜市摊贩占道", "{p}夜市摊位占满人行道，油烟和垃圾很多，请城管整治占道经营。"),
    ],
}
PLACES = ["幸福里小区", "长青苑", "滨江花园", "学府小区", "翠湖湾", "金桂园", "梧桐巷", "锦绣家园"]


def city_rows(count_per_label: int = 30, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for code, phrases in CITY_PHRASES.items():
        for n in range(count_per_label):
            title, content = phrases[n % len(phrases)]
            place = rng.choice(PLACES)
            rows.append({"title": title.format(p=place), "content": content.format(p=place), "label": code})
    rng.shuffle(rows)
    return rows


@pytest.fixture
def city_model(city, power, now):
    """A model trained on made-up orders of the city's three leaf categories, active."""
    examples = examples_from_rows(city_rows())
    return model_train(examples=examples, actor=None, now=now, source="city")


def real_sample(per_label: int, *, seed: int = 0, skip: int = 0) -> list[dict[str, str]]:
    """A stratified sample of the real messages: ``per_label`` of each class (after ``skip``)."""
    with shared_file(REAL_MESSAGES).open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    by_label: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_label[row["label"]].append(row)
    rng = random.Random(seed)
    sample = []
    for label in sorted(by_label):
        items = by_label[label][:]
        rng.shuffle(items)
        sample.extend(items[skip : skip + per_label])
    return sample


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def division_of(city):
    def get(name: str) -> Division:
        return Division.objects.get(name=name)

    return get


@pytest.fixture
def intake(city, agent, now):
    """An accepted phone intake with any category (``make_order`` always files under 供水)."""
    from hotline.workorders import services as wo

    def make(title: str, content: str, *, category=None, phone: str = "13811112222", division=None, at=None):
        return wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="help",
            title=title,
            content=content,
            caller=wo.Caller(name="李四", phone=phone),
            category=category,
            division=division or city.street_division,
            now=at or now,
        )

    return make

"""The demo city's knowledge base loads through the services and is searchable."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from hotline.knowledge import demo, selectors
from hotline.knowledge.models import Entry, EntryStatus, EntryUse, SearchGap, Visibility

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo_context():
    from hotline.demo import services as demo_services

    ctx = demo_services.DemoContext(now=dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC), rng=random.Random(1))
    demo_services.demo_city(ctx)
    return ctx


def test_demo_knowledge_base(demo_context, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(demo_context)
    live = Entry.objects.filter(selectors.live_filter(demo_context.now.date()))
    assert live.count() >= 30
    assert live.filter(published__visibility=Visibility.PUBLIC).count() >= 20
    assert Entry.objects.filter(status=EntryStatus.SUBMITTED).exists()
    assert Entry.objects.filter(status=EntryStatus.RETURNED).exists()
    assert EntryUse.objects.count() == 18
    assert SearchGap.objects.count() == 3
    outcome = selectors.search_entries("公基金怎么取", today=demo_context.now.date())
    assert outcome.results[0].version.question == "住房公积金提取需要什么条件和材料？"

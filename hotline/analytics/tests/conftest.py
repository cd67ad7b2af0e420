"""Fixtures of the analysis tests: on-commit callbacks run (the event listener keeps the aggregates), a
clean cache, and a second district with its own category for cross-dimension figures."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hotline.directory.models import Division
from hotline.taxonomy.models import Category


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    """Use as ``with run_commits():`` around actions whose after-commit listeners must run."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def west(city):
    """西江区 with 西江街道, and a level-1 category 环境保护 > 噪声."""
    district = Division.objects.add_child(
        Division.objects.get(pk=city.city.pk),
        instance=Division(code="990102000000", name="西江区", level=Division.Level.DISTRICT),
    )
    street = Division.objects.add_child(
        Division.objects.get(pk=district.pk),
        instance=Division(code="990102001000", name="西江街道", level=Division.Level.STREET),
    )
    root = Category.objects.add_root(instance=Category(code="04", name="环境保护"))
    noise = Category.objects.add_child(root, instance=Category(code="04001", name="噪声"))
    from hotline.core import refcache

    refcache.invalidate()
    return {"district": district, "street": street, "root": root, "noise": noise}


@pytest.fixture
def frozen(monkeypatch, now):
    """Pages and commands ask ``hotline.core.clock.now()``: pin it to the ``now`` fixture."""
    from hotline.core import clock

    monkeypatch.setattr(clock, "now", lambda: now)
    return now

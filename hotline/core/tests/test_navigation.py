"""The navigation registry: entries by role, unresolvable entries left out."""

from __future__ import annotations

import pytest

from hotline.core import navigation
from hotline.core.navigation import NavItem
from hotline.directory.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(navigation, "_items", {})
    navigation.register(
        NavItem("health", "健康", "healthz", order=2),
        NavItem("admin", "管理", "admin:index", roles=frozenset({Role.ADMIN}), order=1),
        NavItem("later", "以后", "nowhere:yet"),
    )


def test_entries_follow_the_role_and_skip_missing_pages(registry, agent, admin_user):
    assert [link.key for link in navigation.nav_for(agent)] == ["health"]
    links = navigation.nav_for(admin_user, path="/admin/login/")
    assert [(link.key, link.active) for link in links] == [("admin", True), ("health", False)]


def test_anonymous_users_get_no_navigation(registry):
    from django.contrib.auth.models import AnonymousUser

    assert navigation.nav_for(AnonymousUser()) == []

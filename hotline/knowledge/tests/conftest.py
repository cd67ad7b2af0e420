"""Fixtures of the knowledge-base tests: a fresh search index per test, and an entry factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from hotline.conftest import City
from hotline.directory.models import Role, User
from hotline.knowledge import services as kb
from hotline.knowledge.models import Entry
from hotline.knowledge.search.engine import engine


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    """Every test starts with an empty process index, and reads service messages in English (the
    source language; pages are rendered in the language of the request)."""
    engine.reset()
    with translation.override("en"):
        yield
    engine.reset()


@pytest.fixture
def editor(city: City) -> User:
    """The center's knowledge-base editor (a supervisor, by the default editor roles)."""
    return User.objects.create_user(
        username="kb_editor", password="pw", role=Role.SUPERVISOR, unit=city.center
    )


MakeEntry = Callable[..., Entry]


@pytest.fixture
def make_entry(city: City, editor: User, now: dt.datetime) -> MakeEntry:
    """Create (and by default publish) an entry through the services."""

    def make(
        question: str = "自来水停水怎么办",
        answer: str = "请先查看水务集团发布的停水通知；未通知的停水请拨打供水热线报修。",
        *,
        publish: bool = True,
        actor: User | None = None,
        at: dt.datetime | None = None,
        **fields: Any,
    ) -> Entry:
        fields.setdefault("owner_units", [city.water])
        entry = kb.entry_create(
            actor=actor or editor,
            data=kb.EntryInput(question=question, answer=answer, **fields),
            now=at or now,
        )
        if publish:
            entry = kb.entry_publish(entry=entry, actor=editor, now=at or now)
        return entry

    return make

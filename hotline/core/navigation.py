"""The staff navigation: each app registers its pages in its ``AppConfig.ready()``; the base template
shows a user the entries their role may open.

    navigation.register(NavItem("kb", _("Knowledge base"), "knowledge:search", roles=CENTER_ROLES, order=40))

An entry whose URL name does not resolve is left out, so an app can register before its pages exist.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django_stubs_ext import StrOrPromise

from hotline.directory.models import User


@dataclass(frozen=True)
class NavItem:
    key: str
    label: StrOrPromise
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in staff account
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    key: str
    label: StrOrPromise
    url: str
    active: bool


_lock = threading.Lock()
_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Add or replace entries by ``key``."""
    with _lock:
        for item in items:
            _items[item.key] = item


def nav_for(user: User, *, path: str = "") -> list[NavLink]:
    """The entries ``user`` may open, in order, each with its URL and whether ``path`` is under it."""
    if not user.is_authenticated:
        return []
    links: list[NavLink] = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.roles is not None and user.role not in item.roles and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        links.append(NavLink(item.key, item.label, url, active=_under(path, url)))
    return links


def _under(path: str, url: str) -> bool:
    return bool(path) and (path == url or (url != "/" and path.startswith(url)))


def registered() -> Iterable[NavItem]:
    return list(_items.values())


def context(request: HttpRequest) -> dict[str, object]:
    """Template context processor: ``nav_links`` for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    return {"nav_links": nav_for(user, path=request.path)}

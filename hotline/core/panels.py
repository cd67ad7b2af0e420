"""Panels: fragments that one app shows inside another app's page, without either importing the other.

A page has named slots; an app registers a panel for a slot in its ``AppConfig.ready()``, and the page
loads each panel's URL with htmx (``hx-get``) and shows the HTML fragment it answers:

- ``intake``: the agent console, while the agent types. The fragment URL gets the form's fields as
  query parameters: ``title``, ``content``, ``caller_phone``, ``category``, ``division``, ``location_text``.
  Smart dispatch shows suggested categories, units and risk flags; the knowledge base its answers.
- ``dispatch``: the dispatcher's dispatch form, with ``?order=<number>``: suggested units.
- ``order``: the order page, with ``?order=<number>``: supervision notices, survey state, knowledge used.

A fragment view checks the permission gate like any other view. A panel whose URL name does not resolve
is left out, so the page falls back to what it shows without it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django_stubs_ext import StrOrPromise

from hotline.directory.models import User

SLOTS = ("intake", "dispatch", "order")


@dataclass(frozen=True)
class Panel:
    key: str
    slot: str
    label: StrOrPromise
    url_name: str
    roles: frozenset[str] | None = None  # None: every staff role
    order: int = 100


@dataclass(frozen=True)
class PanelLink:
    key: str
    label: StrOrPromise
    url: str


_lock = threading.Lock()
_panels: dict[str, Panel] = {}


def register(*panels: Panel) -> None:
    with _lock:
        for panel in panels:
            if panel.slot not in SLOTS:
                raise ValueError(f"unknown panel slot {panel.slot!r}; slots are {SLOTS}")
            _panels[panel.key] = panel


def panels_for(user: User, slot: str) -> list[PanelLink]:
    """The panels of ``slot`` that ``user`` may see, in order, with their fragment URLs."""
    if not user.is_authenticated:
        return []
    links = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.slot != slot:
            continue
        if panel.roles is not None and user.role not in panel.roles and not user.is_superuser:
            continue
        try:
            url = reverse(panel.url_name)
        except NoReverseMatch:
            continue
        links.append(PanelLink(panel.key, panel.label, url))
    return links


def has_panel(key: str) -> bool:
    """Whether a panel is registered and its page exists (a page shows its own fallback otherwise)."""
    panel = _panels.get(key)
    if panel is None:
        return False
    try:
        reverse(panel.url_name)
    except NoReverseMatch:
        return False
    return True

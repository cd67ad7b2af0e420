"""Telling people about entries: the owning units (in the app, and by SMS for review dates) and the
center's editors, through the notifications app."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hotline.directory.models import Unit
from hotline.notifications import services as notifications

from .. import conf
from ..models import Entry, EntryVersion


def entry_url(entry: Entry) -> str:
    return reverse("knowledge:entry", args=[entry.pk])


def owner_units(entry: Entry) -> list[Unit]:
    version: EntryVersion | None = entry.published or entry.latest
    units = list(version.owner_units.all()) if version is not None else []
    if not units and entry.unit is not None:
        units = [entry.unit]
    return units


def notify_owners(
    entry: Entry,
    *,
    kind: str,
    title: str,
    body: str = "",
    now: dt.datetime,
    sms_due: dt.date | None = None,
) -> int:
    """Notify the staff of every owning unit; with ``sms_due``, also text their contacts the
    ``kb_review_due`` template."""
    version = entry.published or entry.latest
    question = version.question if version is not None else str(entry)
    sent = 0
    for unit in owner_units(entry):
        sent += notifications.notify_unit(
            unit=unit,
            kind=kind,
            title=title,
            body=body,
            url=entry_url(entry),
            now=now,
            sms_template="kb_review_due" if sms_due else "",
            sms_context={"title": question[:40], "due": sms_due.isoformat()} if sms_due else None,
        )
    return sent


def notify_editors(entry: Entry, *, kind: str, title: str, body: str = "", now: dt.datetime) -> int:
    sent = 0
    for role in sorted(conf.editor_roles()):
        sent += notifications.notify_role(
            role=role, kind=kind, title=title, body=body, url=entry_url(entry), now=now
        )
    return sent

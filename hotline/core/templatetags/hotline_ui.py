"""Template tags of the staff and citizen pages: working-time countdowns, status badges, safe data-fill
attributes, links that exist only when another app's page does, and panel slots.

    {% load hotline_ui %}
    {% countdown assignment.due_at %}            remaining working time, coloured when due soon or overdue
    {% status_badge order %}                      the order's status as a coloured badge
    <button data-fill="{% fill_json lead=unit.pk %}">  JSON for app.js's [data-fill], attribute-escaped
    {% url_if "knowledge:public_faq" as faq %}    "" when the page does not exist (yet)
    {% panels "intake" as panel_links %}          the panels of a slot the user may see
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline.core import panels as panel_registry
from hotline.core.clock import now as clock_now
from hotline.sla.clock import working_time_between
from hotline.sla.selectors import work_calendar

register = template.Library()


def working_time_text(remaining: dt.timedelta) -> str:
    """A duration of working time as people say it: working days of the calendar's day length, hours,
    minutes (the largest two units)."""
    day = work_calendar().day_length
    seconds = int(abs(remaining).total_seconds())
    day_seconds = max(int(day.total_seconds()), 1)
    days, rest = divmod(seconds, day_seconds)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[str] = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours and len(parts) < 2:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if not days and (minutes or not parts):
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


@register.simple_tag(takes_context=True)
def countdown(
    context: template.Context, due: dt.datetime | None, warn: dt.datetime | None = None
) -> SafeString | str:
    """Remaining working time until ``due`` (``hotline.sla.clock.working_time_between`` over the
    deployment's calendar), marked due soon from ``warn`` and overdue after ``due``."""
    if due is None:
        return ""
    now = context.get("now") or clock_now()
    remaining = working_time_between(work_calendar(), now, due)
    if due < now:
        css = "countdown countdown-over"
        text = _("overdue by %(time)s") % {"time": working_time_text(remaining)}
    else:
        css = "countdown countdown-soon" if warn is not None and warn <= now else "countdown"
        text = _("%(time)s left") % {"time": working_time_text(remaining)}
    return format_html(
        '<span class="{}" title="{}"><time datetime="{}">{}</time></span>',
        css,
        _("due %(at)s") % {"at": _local(due)},
        due.isoformat(),
        text,
    )


def _local(value: dt.datetime) -> str:
    from hotline.core.clock import localtime

    return f"{localtime(value):%Y-%m-%d %H:%M}"


@register.simple_tag
def status_badge(order: Any) -> SafeString:
    return format_html('<span class="badge status-{}">{}</span>', order.status, order.get_status_display())


@register.simple_tag
def fill_json(**values: Any) -> str:
    """JSON for a ``data-fill`` attribute; autoescaping makes it attribute-safe."""
    return json.dumps({key: value for key, value in values.items()}, ensure_ascii=False)


@register.simple_tag
def url_if(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str) -> list[panel_registry.PanelLink]:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    return panel_registry.panels_for(request.user, slot)  # type: ignore[arg-type]


@register.simple_tag
def idle_seconds() -> int:
    """How long a staff session may stay idle (app.js reloads the page after it, to show the login)."""
    from hotline.workbench.middleware import idle_limit

    return idle_limit()


@register.filter
def local_dt(value: dt.datetime | None) -> str:
    return _local(value) if value else ""


@register.filter
def status_label(value: str) -> str:
    from hotline.workorders.lifecycle import Status

    return str(Status(value).label) if value in Status.values else value


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)

"""Template helpers of the knowledge base's pages."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import Entry, EntryStatus, Visibility

register = template.Library()

STATUS_BADGES: dict[str, str] = {
    EntryStatus.DRAFT: "badge-grey",
    EntryStatus.SUBMITTED: "badge-blue",
    EntryStatus.RETURNED: "badge-amber",
    EntryStatus.PUBLISHED: "badge-green",
    EntryStatus.WITHDRAWN: "badge-red",
}


@register.filter
def entry_status(entry: Entry) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(entry.status, "badge-grey"),
        entry.get_status_display(),
    )


@register.filter
def visibility_badge(value: str) -> SafeString:
    label = Visibility(value).label if value in Visibility.values else value
    return format_html(
        '<span class="badge {}">{}</span>',
        "badge-blue" if value == Visibility.PUBLIC else "badge-grey",
        label,
    )


@register.simple_tag
def answer_fill(answer: str, ref: object) -> str:
    """The ``data-fill`` JSON that puts an entry's answer and reference into the agent console's form."""
    return json.dumps({"answer": answer, "knowledge_ref": str(ref)}, ensure_ascii=False)

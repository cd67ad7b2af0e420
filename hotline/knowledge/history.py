"""Comparing two versions of an entry, field by field, with a character-level diff of the texts
(Chinese has no spaces to diff words by)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .models import EntryVersion


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: StrOrPromise
    old: str
    new: str
    diff_html: SafeString


def inline_diff(old: str, new: str) -> SafeString:
    """``new`` against ``old`` with deletions in ``<del>`` and insertions in ``<ins>``."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(old[a0:a1]))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[a0:a1])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[b0:b1])}</ins>")
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every piece is escaped


def _names(values: list[str]) -> str:
    return "、".join(values)


def version_fields(version: EntryVersion) -> dict[str, tuple[StrOrPromise, str]]:
    return {
        "question": (_("question"), version.question),
        "answer": (_("answer"), version.answer_text),
        "keywords": (_("keywords"), version.keywords),
        "synonyms": (_("synonyms"), version.synonyms),
        "category": (_("category"), version.category.name if version.category else ""),
        "owner_units": (_("owning units"), _names(sorted(u.name for u in version.owner_units.all()))),
        "divisions": (_("applicable divisions"), _names(sorted(d.name for d in version.divisions.all()))),
        "effective_from": (
            _("effective from"),
            version.effective_from.isoformat() if version.effective_from else "",
        ),
        "expires_on": (_("expires on"), version.expires_on.isoformat() if version.expires_on else ""),
        "review_cycle_days": (_("review cycle (days)"), str(version.review_cycle_days)),
        "visibility": (_("visibility"), str(version.get_visibility_display())),
        "attachments": (_("attachments"), _names([a.get("name", "") for a in version.attachments])),
    }


def version_diff(old: EntryVersion, new: EntryVersion) -> list[FieldChange]:
    """The fields that differ between two versions, in form order."""
    before, after = version_fields(old), version_fields(new)
    changes = []
    for key, (label, new_value) in after.items():
        old_value = before[key][1]
        if old_value != new_value:
            changes.append(FieldChange(key, label, old_value, new_value, inline_diff(old_value, new_value)))
    return changes

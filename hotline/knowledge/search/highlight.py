"""Marking the query's words in results, and choosing the part of a long answer worth showing."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    terms = [t for t in terms if t]
    if not terms:
        return None
    return re.compile(
        "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)), re.IGNORECASE
    )


def mark(text: str, terms: Sequence[str]) -> SafeString:
    """``text`` escaped, with every occurrence of the terms in ``<mark>``."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet(text: str, terms: Sequence[str], *, width: int = 120) -> SafeString:
    """The ``width`` characters of ``text`` with the most matches, marked, with ellipses where cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return mark(text, terms)
    pattern = _pattern(terms)
    starts = [m.start() for m in pattern.finditer(text)] if pattern else []
    best, best_count = 0, 0
    j = 0
    for i, start in enumerate(starts):
        while j < len(starts) and starts[j] < start + width:
            j += 1
        if j - i > best_count:
            best, best_count = start, j - i
    begin = max(0, min(best - width // 6, len(text) - width))
    piece = text[begin : begin + width]
    prefix = "…" if begin > 0 else ""
    suffix = "…" if begin + width < len(text) else ""
    return mark_safe(prefix + mark(piece, terms) + suffix)  # noqa: S308 - mark() escapes

"""Text normalisation before anything is indexed, learned or compared: full-width to half-width (NFKC),
traditional to simplified Chinese, invisible characters dropped and whitespace folded."""

from __future__ import annotations

import re
import unicodedata

import zhconv

_SPACE = re.compile(r"\s+")
# Zero-width and other format characters pasted from chat apps and web pages, and control characters.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize(text: str) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = zhconv.convert(text, "zh-hans")
    return _SPACE.sub(" ", text).strip()

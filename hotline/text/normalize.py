"""Text normalisation before anything is indexed, learned or compared: full-width to half-width,
traditional to simplified Chinese, and whitespace folded."""

from __future__ import annotations

import re
import unicodedata

import zhconv

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-hans")
    return _SPACE.sub(" ", text).strip()

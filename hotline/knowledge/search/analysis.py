"""How text becomes search terms, for entries and for the short phone-style queries agents type.

Three kinds of term, each in its own namespace so they never collide:
- words: ``hotline.text.segment.tokens`` (jieba with the deployment's own names, stop words dropped);
- character bigrams (``#停水``) over runs of Chinese characters: they still match when the query is
  segmented differently, shortened (社保卡补办 / 补办社保卡) or has one wrong character;
- pinyin of words (``~gongjijin``) for the short fields (question, keywords, synonyms) and the query:
  agents type with a pinyin input method, so their typos are mostly homophones (公基金 for 公积金).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

from hotline.text import segment
from hotline.text.normalize import normalize

GRAM = "#"
PINYIN = "~"
MAX_TERM = 16  # longer tokens (serial numbers, URLs) are cut: they are rare and rarely typed in full

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPLIT_LIST = re.compile(r"[,，;；、\s]+")


def words(text: str) -> list[str]:
    return [w.lower()[:MAX_TERM] for w in segment.tokens(text)]


def bigrams(text: str, *, normalized: bool = False) -> list[str]:
    text = text if normalized else normalize(text)
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            out.append(GRAM + run)
        else:
            out.extend(GRAM + run[i : i + 2] for i in range(len(run) - 1))
    return out


@lru_cache(maxsize=200_000)
def _pinyin(word: str) -> str:
    return PINYIN + "".join(lazy_pinyin(word))[: MAX_TERM * 2]


def pinyins(tokens: Iterable[str]) -> list[str]:
    return [_pinyin(w) for w in tokens if len(w) >= 2 and _HAS_CJK.search(w)]


def split_list(value: str) -> list[str]:
    """A keywords or synonyms field as a list (commas, 、, semicolons or spaces)."""
    return [item for item in _SPLIT_LIST.split(value or "") if item]


def short_field_terms(text: str) -> Counter[str]:
    """Terms of a short field (question, keywords, synonyms): words, bigrams and pinyin."""
    tokens = words(text)
    terms = Counter(tokens)
    terms.update(bigrams(text))
    terms.update(pinyins(tokens))
    return terms


def long_field_terms(text: str) -> Counter[str]:
    """Terms of the answer: words and bigrams (pinyin of a long answer adds little but cost)."""
    normalized = normalize(text)
    terms = Counter(words(normalized))
    terms.update(bigrams(normalized, normalized=True))
    return terms


# How much a query term of each kind counts. A word match is the strongest evidence; bigrams and pinyin
# are there to recover what segmentation or a typo lost, so each of them counts less.
QUERY_WEIGHTS = {"word": 1.0, "gram": 0.5, "pinyin": 0.6}
SYNONYM_WEIGHT = 0.8  # a term added because it is in a synonym group of a query word


def query_terms(query: str, synonyms: dict[str, tuple[str, ...]] | None = None) -> dict[str, float]:
    """The weighted terms of a query. ``synonyms`` maps a word to the other words of its group."""
    normalized = normalize(query)
    tokens = words(normalized)
    weights: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        weights[term] = weights.get(term, 0.0) + weight

    for token in tokens:
        add(token, QUERY_WEIGHTS["word"])
    for gram in bigrams(normalized, normalized=True):
        add(gram, QUERY_WEIGHTS["gram"])
    for py in pinyins(tokens):
        add(py, QUERY_WEIGHTS["pinyin"])
    if synonyms:
        for token in set(tokens) | _phrases_in(normalized, synonyms):
            for other in synonyms.get(token, ()):
                for word in words(other) or [other.lower()]:
                    add(word, QUERY_WEIGHTS["word"] * SYNONYM_WEIGHT)
                for gram in bigrams(other):
                    add(gram, QUERY_WEIGHTS["gram"] * SYNONYM_WEIGHT)
    return weights


def _phrases_in(text: str, synonyms: dict[str, tuple[str, ...]]) -> set[str]:
    """Synonym-group members that occur in the text as they are, even when segmentation split them."""
    return {term for term in synonyms if len(term) >= 2 and term in text}


def highlight_terms(query: str) -> list[str]:
    """The strings to mark in results: the query's words and its two-character pieces."""
    normalized = normalize(query)
    found = {w for w in segment.tokens(normalized)}
    found.update(g[1:] for g in bigrams(normalized, normalized=True) if len(g) == 3)
    return sorted((t for t in found if t.strip()), key=len, reverse=True)

"""Chinese word segmentation with jieba and a user dictionary built from the deployment's own names:
divisions (and their aliases), units (and short names), categories (and their keywords), and whatever
other apps contribute through ``term_sources`` (smart dispatch adds its gazetteer of roads, estates and
landmarks), so that 东湖街道, 市水务局 or 幸福里小区 stay one token.

One tokenizer per process, built on first use; ``reload_dictionary()`` after the directory changes.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable

import jieba

from .normalize import normalize

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "我",
        "有",
        "和",
        "就",
        "不",
        "人",
        "都",
        "一",
        "一个",
        "上",
        "也",
        "很",
        "到",
        "说",
        "要",
        "去",
        "你",
        "会",
        "着",
        "没有",
        "看",
        "好",
        "自己",
        "这",
        "那",
        "他",
        "她",
        "它",
        "们",
        "我们",
        "你们",
        "他们",
        "请",
        "问",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "与",
        "及",
        "或",
        "等",
        "对",
        "把",
        "被",
        "让",
        "给",
        "从",
        "向",
        "为",
        "以",
        "于",
        "而",
        "但",
        "并",
        "所",
        "之",
        "其",
        "该",
        "此",
        "这个",
        "那个",
        "什么",
        "怎么",
        "如何",
        "哪里",
        "还",
        "又",
        "再",
        "已",
        "已经",
        "能",
        "可以",
        "可",
        "没",
        "无",
        "非",
        "由",
        "将",
        "因为",
        "所以",
        "如果",
        "虽然",
        "然而",
        "现在",
        "目前",
        "希望",
        "反映",
        "您好",
        "你好",
        "谢谢",
    ]
)

jieba.setLogLevel(logging.WARNING)

# More words for the user dictionary: apps append a callable returning names in their ``ready()``.
term_sources: list[Callable[[], Iterable[str]]] = []


def _split(values: Iterable[str]) -> Iterable[str]:
    for value in values:
        yield from (part.strip() for part in value.replace("，", ",").split(",") if part.strip())


def _deployment_terms() -> list[str]:
    from django.db import DatabaseError

    try:
        from hotline.directory.models import Division, Unit
        from hotline.taxonomy.models import Category

        terms = [
            *Division.objects.values_list("name", flat=True),
            *_split(Division.objects.exclude(aliases="").values_list("aliases", flat=True)),
            *Unit.objects.values_list("name", flat=True),
            *Unit.objects.exclude(short_name="").values_list("short_name", flat=True),
            *Category.objects.values_list("name", flat=True),
            *_split(Category.objects.exclude(keywords="").values_list("keywords", flat=True)),
        ]
        for source in term_sources:
            terms.extend(source())
        return terms
    except DatabaseError:  # before migrations: segment without the deployment's words
        return []


def _build(extra: Iterable[str] = ()) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in [*_deployment_terms(), *extra]:
        term = normalize(term)
        if 1 < len(term) <= 20:
            tokenizer.add_word(term, freq=20000)
    return tokenizer


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


def reload_dictionary(extra: Iterable[str] = ()) -> None:
    global _tokenizer
    with _lock:
        _tokenizer = _build(extra)


def invalidate() -> None:
    """Forget the tokenizer of this process; the next use builds it with the current dictionary."""
    global _tokenizer
    with _lock:
        _tokenizer = None


def tokens(
    text: str, *, keep_stopwords: bool = False, normalized: bool = False, hmm: bool = True
) -> list[str]:
    """Normalised words of ``text``: punctuation dropped, stop words dropped unless asked to keep them.
    ``normalized``: the caller has already passed ``text`` through ``normalize`` (which then costs a
    quarter of a prediction's time for nothing). ``hmm``: jieba guesses words its dictionary lacks
    (names, new coinages) with its hidden Markov model; without it, they stay single characters, at
    three quarters of the time."""
    words = (w.strip() for w in tokenizer().lcut(text if normalized else normalize(text), HMM=hmm))
    return [w for w in words if w and _WORD.search(w) and (keep_stopwords or w not in STOPWORDS)]

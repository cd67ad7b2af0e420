"""The matter index: finding orders about the same matter (same place, same problem) without scanning.

Each order is reduced to its key terms: the places it names and the words that say most about it (jieba's
TF-IDF over the masked, normalised text), at most ``index_terms_per_order`` of them. The terms are stored
hashed (``MatterDoc``) with one posting per term (``MatterTerm``) and a document frequency per term
(``MatterTermStat``), all kept incrementally as orders come in, change and close.

A search asks the postings for the rarest terms of the text only (an index lookup bounded by their
document frequencies), takes the best-scoring candidates, and ranks them by the IDF-weighted cosine
similarity of their whole term sets, with a bonus for the same division.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, FloatField, Sum, Value, When

from hotline.text.segment import tokens
from hotline.workorders.lifecycle import OPEN_STATUSES
from hotline.workorders.models import WorkOrder

from . import conf
from .classifier.features import clean
from .location import resolve
from .models import MatterDoc, MatterTerm, MatterTermStat

TOTAL_KEY = 0  # the MatterTermStat row whose df is the number of indexed orders
PROBE_TERMS = 8  # at most this many of the text's rarest terms are looked up
POSTING_BUDGET = 30_000  # and no more postings than this in all: the lookup's work stays bounded
CANDIDATES = 60
DIVISION_BONUS = 1.3  # the same place makes the same matter likelier: a factor on the text's similarity

_idf_lock = threading.Lock()
_idf: tuple[dict[str, float], float] | None = None


def _jieba_idf() -> tuple[dict[str, float], float]:
    global _idf
    if _idf is None:
        with _idf_lock:
            if _idf is None:
                import jieba.analyse

                table = jieba.analyse.default_tfidf
                _idf = (table.idf_freq, float(table.median_idf))
    return _idf


def term_hash(term: str) -> int:
    """A stable signed 64-bit hash of a term (0 is reserved for the total)."""
    value = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big", signed=True)
    return value or 1


def caller_key(phone: str) -> str:
    """The caller's phone as the index keeps it: a keyed hash, never the number."""
    phone = "".join(ch for ch in phone if ch.isdigit())[-11:]
    if not phone:
        return ""
    return hashlib.blake2b(phone.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16).hexdigest()


@dataclass(frozen=True)
class MatterTerms:
    terms: list[str]  # every key term, places included
    places: list[str]
    division_id: int | None


def matter_terms(
    title: str, content: str, location_text: str = "", *, limit: int | None = None
) -> MatterTerms:
    """The key terms of a request: the places named (resolved through the gazetteer), then the words
    with the highest TF-IDF, personal data masked first."""
    limit = limit or conf.index_terms_per_order()
    text = clean(f"{title} {location_text} {content}")
    matches = resolve(f"{location_text} {title} {content}")
    places = list(dict.fromkeys(m.matched for m in matches))
    idf, median = _jieba_idf()
    counts: dict[str, float] = {}
    title_words = set(tokens(clean(title)))
    for word in tokens(text):
        if len(word) < 2 or word.isdigit() or word in ("<", ">") or word.startswith("<"):
            continue
        counts[word] = counts.get(word, 0.0) + (2.0 if word in title_words else 1.0)
    ranked = sorted(counts, key=lambda w: (-(1 + math.log(counts[w])) * idf.get(w, median), w))
    terms = list(dict.fromkeys([*places, *ranked]))[: max(limit, len(places))]
    return MatterTerms(terms, places, matches[0].division_id if matches else None)


def _stats_add(hashes: Iterable[int], delta: int) -> None:
    hashes = list(hashes)
    if not hashes:
        return
    existing = set(MatterTermStat.objects.filter(term__in=hashes).values_list("term", flat=True))
    missing = [h for h in hashes if h not in existing]
    if missing and delta > 0:
        MatterTermStat.objects.bulk_create(
            [MatterTermStat(term=h, df=0) for h in missing], ignore_conflicts=True
        )
    MatterTermStat.objects.filter(term__in=hashes).update(df=F("df") + delta)
    if delta < 0:
        MatterTermStat.objects.filter(term__in=hashes, df__lte=0).exclude(term=TOTAL_KEY).delete()


def index_order(order: WorkOrder) -> MatterDoc:
    """Put ``order`` in the index or bring its entry up to date (idempotent)."""
    found = matter_terms(order.title, order.content, order.location_text)
    hashes = list(dict.fromkeys(term_hash(t) for t in found.terms))
    place_hashes = [term_hash(p) for p in found.places]
    is_open = order.status in OPEN_STATUSES
    with transaction.atomic():
        doc = MatterDoc.objects.select_for_update().filter(order_id=order.pk).first()
        old = set(doc.terms) if doc else set()
        if doc is None:
            doc = MatterDoc(order_id=order.pk)
            _stats_add([TOTAL_KEY], +1)
        doc.is_open = is_open
        doc.received_at = order.received_at
        doc.division_id = order.division_id or found.division_id
        doc.category_id = order.category_id
        doc.caller_key = caller_key(order.caller_phone)
        doc.terms = hashes
        doc.places = place_hashes
        doc.save()
        new = set(hashes)
        MatterTerm.objects.filter(doc=doc, term__in=old - new).delete()
        MatterTerm.objects.bulk_create(
            [MatterTerm(term=h, doc=doc, is_open=is_open, received_at=order.received_at) for h in new - old]
        )
        MatterTerm.objects.filter(doc=doc).exclude(is_open=is_open).update(is_open=is_open)
        _stats_add(old - new, -1)
        _stats_add(new - old, +1)
    return doc


def set_open(order_id: int, is_open: bool) -> None:
    """Follow an order's status: closed, rejected and merged orders are no longer offered for merging."""
    with transaction.atomic():
        if MatterDoc.objects.filter(order_id=order_id).exclude(is_open=is_open).update(is_open=is_open):
            MatterTerm.objects.filter(doc_id=order_id).update(is_open=is_open)


@dataclass(frozen=True)
class SimilarHit:
    order_id: int
    score: float
    shared: int  # how many key terms the texts share
    same_division: bool


def _weights(hashes: Sequence[int]) -> tuple[dict[int, float], int, dict[int, int]]:
    """IDF weight of each term, the number of indexed orders, and each term's document frequency."""
    stats = dict(MatterTermStat.objects.filter(term__in=[TOTAL_KEY, *hashes]).values_list("term", "df"))
    total = stats.pop(TOTAL_KEY, 0)
    return {h: math.log((total + 1) / (stats.get(h, 0) + 1)) + 1.0 for h in hashes}, total, stats


def search_terms(
    found: MatterTerms,
    *,
    division_id: int | None = None,
    open_only: bool = True,
    since: dt.datetime | None = None,
    exclude: int | None = None,
    min_score: float | None = None,
    limit: int = 5,
) -> list[SimilarHit]:
    """Indexed orders most like ``found``, best first, scoring at least ``min_score``."""
    return search_hashes(
        [term_hash(t) for t in found.terms],
        division_id=division_id or found.division_id,
        open_only=open_only,
        since=since,
        exclude=exclude,
        min_score=min_score,
        limit=limit,
    )


def search_hashes(
    term_hashes: Sequence[int],
    *,
    division_id: int | None = None,
    open_only: bool = True,
    since: dt.datetime | None = None,
    exclude: int | None = None,
    min_score: float | None = None,
    limit: int = 5,
    same_place: Sequence[int] | None = None,
) -> list[SimilarHit]:
    """Indexed orders whose key terms are most like ``term_hashes``, best first. With ``same_place`` (the
    place-term hashes of the text), only orders in the same division or naming one of those places."""
    hashes = list(dict.fromkeys(term_hashes))
    if not hashes:
        return []
    min_score = conf.similar_min_score() if min_score is None else min_score
    weight, total, stats = _weights(hashes)
    if total == 0:
        return []
    # The rarest terms find the candidates, as many as the posting budget allows; a term in a quarter of
    # all orders finds nothing useful at all.
    usable = sorted((h for h in hashes if 0 < stats.get(h, 0) <= max(50, total // 4)), key=lambda h: stats[h])
    probe: list[int] = []
    spent = 0
    for h in usable[:PROBE_TERMS]:
        if probe and spent + stats[h] > POSTING_BUDGET:
            break
        probe.append(h)
        spent += stats[h]
    if not probe:
        return []
    postings = MatterTerm.objects.filter(term__in=probe)
    if open_only:
        postings = postings.filter(is_open=True)
    if since is not None:
        postings = postings.filter(received_at__gte=since)
    if exclude is not None:
        postings = postings.exclude(doc_id=exclude)
    scored = (
        postings.values("doc_id")
        .annotate(
            s=Sum(
                Case(
                    *[When(term=h, then=Value(weight[h])) for h in probe],
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            )
        )
        .order_by("-s", "-doc_id")[:CANDIDATES]
    )
    candidate_ids = [row["doc_id"] for row in scored]
    if not candidate_ids:
        return []
    docs = list(
        MatterDoc.objects.filter(order_id__in=candidate_ids).values(
            "order_id", "terms", "division_id", "places"
        )
    )
    if same_place is not None:
        places = set(same_place)
        docs = [
            d
            for d in docs
            if (division_id is not None and d["division_id"] == division_id) or places & set(d["places"])
        ]
    other_terms = {h for d in docs for h in d["terms"]} - set(hashes)
    if other_terms:
        weight.update(_weights(list(other_terms))[0])
    query = set(hashes)
    hits = []
    for doc in docs:
        terms = set(doc["terms"])
        shared = query & terms
        score = _cosine(query, terms, weight)
        same_division = division_id is not None and doc["division_id"] == division_id
        if same_division:
            score = min(1.0, score * DIVISION_BONUS)
        if score >= min_score:
            hits.append(SimilarHit(doc["order_id"], round(score, 4), len(shared), same_division))
    hits.sort(key=lambda hit: (-hit.score, -hit.order_id))
    return hits[:limit]


def search(
    *,
    title: str,
    content: str,
    location_text: str = "",
    division_id: int | None = None,
    open_only: bool = True,
    since: dt.datetime | None = None,
    exclude: int | None = None,
    min_score: float | None = None,
    limit: int = 5,
) -> list[SimilarHit]:
    return search_terms(
        matter_terms(title, content, location_text),
        division_id=division_id,
        open_only=open_only,
        since=since,
        exclude=exclude,
        min_score=min_score,
        limit=limit,
    )


def indexed_terms(order_id: int) -> list[int]:
    return list(MatterDoc.objects.filter(order_id=order_id).values_list("terms", flat=True).first() or [])


def docs_for_caller(key: str, *, since: dt.datetime, exclude: int | None = None) -> list[dict[str, Any]]:
    """The indexed orders of one caller since ``since``: id, terms, division and received time."""
    if not key:
        return []
    rows = MatterDoc.objects.filter(caller_key=key, received_at__gte=since)
    if exclude is not None:
        rows = rows.exclude(order_id=exclude)
    found = rows.values("order_id", "terms", "division_id", "received_at").order_by("-received_at")[:200]
    return [dict(row) for row in found]


def _cosine(a: set[int], b: set[int], weight: dict[int, float]) -> float:
    """IDF-weighted cosine similarity of two term sets (each term counted once)."""
    norm = math.sqrt(sum(weight.get(h, 1.0) ** 2 for h in a) * sum(weight.get(h, 1.0) ** 2 for h in b))
    return sum(weight.get(h, 1.0) ** 2 for h in a & b) / norm if norm else 0.0


def term_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """IDF-weighted cosine similarity of two term sets."""
    set_a, set_b = set(a), set(b)
    if not set_a or not set_b:
        return 0.0
    return _cosine(set_a, set_b, _weights(list(set_a | set_b))[0])

"""The search index: an immutable main part in compressed sparse arrays, plus a small delta of entries
changed since it was built.

Ranking is BM25F: each entry has three fields (question, keywords with synonyms, answer), each with its
own weight and length normalisation; a term's within-entry frequencies are combined over the fields
before BM25's saturation. The weight of every (term, entry) pair is computed when the index is built,
so a query only adds up precomputed weights: one ``numpy.bincount`` over the postings of its terms.

Terms are kept as 64-bit hashes in a sorted array (a Python dict of a million strings would cost more
memory than the postings); the main part can be saved to a directory of ``.npy`` files and memory-mapped,
so every web process of a machine shares one copy through the page cache.

An entry keeps at most ``max_terms`` of its heaviest terms (static index pruning), which bounds the
postings of very long answers. Near-duplicate entries are recognised by MinHash signatures of their
term sets and folded into the best-ranked one in results.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from . import analysis

K1 = 1.2
# field name, weight, BM25 length normalisation b
FIELDS: tuple[tuple[str, float, float], ...] = (
    ("question", 3.0, 0.5),
    ("keywords", 2.0, 0.3),
    ("answer", 1.0, 0.75),
)
# An entry must match this share of the query's term weight to be a result, but never more than the
# weight of one word (or two character pairs): a long query may rightly match on one rare word.
MIN_SHOULD_MATCH = 0.25
MIN_MATCH_CAP = 1.0
# Near-duplicates: entries whose term sets overlap this much (Jaccard similarity, estimated by MinHash
# signatures of SIGNATURE_SIZE multiply-shift hashes) are folded into the best-ranked one.
NEAR_DUPLICATE = 0.8
SIGNATURE_SIZE = 32
_seed = np.random.default_rng(20261201)
_MUL = _seed.integers(1, 2**63, SIGNATURE_SIZE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
_ADD = _seed.integers(0, 2**63, SIGNATURE_SIZE, dtype=np.uint64)
_EMPTY = np.iinfo(np.uint32).max
NO_DATE = 0

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


def term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class IndexDoc:
    """What the index knows of one live entry (its published version)."""

    entry_id: int
    question: str
    keywords: str  # keywords and synonyms
    answer: str
    category_id: int | None = None
    unit_ids: tuple[int, ...] = ()
    division_ids: tuple[int, ...] = ()
    public: bool = False
    effective: int = NO_DATE  # date ordinals; NO_DATE: no limit
    expires: int = NO_DATE


@dataclass(frozen=True)
class Filters:
    """Restrictions on results. ``category_ids``: the category and its descendants; ``division_ids``:
    the division and its ancestors (an entry for the whole city applies in every street);
    ``today``: entries not yet effective or already expired are left out."""

    today: int
    category_ids: frozenset[int] | None = None
    unit_id: int | None = None
    division_ids: frozenset[int] | None = None
    public_only: bool = False
    internal_only: bool = False
    include_expired: bool = False


@dataclass
class Hit:
    entry_id: int
    score: float
    coverage: float
    similar: list[int] = field(default_factory=list)


def _analyze(doc: IndexDoc) -> list[Counter[str]]:
    return [
        analysis.short_field_terms(doc.question),
        analysis.short_field_terms(doc.keywords),
        analysis.long_field_terms(doc.answer),
    ]


def _analyzed(docs: Iterable[IndexDoc], processes: int) -> Iterator[tuple[IndexDoc, list[Counter[str]]]]:
    if processes <= 1:
        for doc in docs:
            yield doc, _analyze(doc)
        return
    import multiprocessing

    from hotline.text import segment

    segment.tokenizer()  # built once here, inherited by the forked processes (it reads the database)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        docs = list(docs)
        yield from zip(docs, pool.imap(_analyze, docs, chunksize=256), strict=True)


def _filter_keys(doc: IndexDoc) -> list[str]:
    keys = [f"u:{u}" for u in doc.unit_ids]
    keys.extend(f"d:{d}" for d in doc.division_ids)
    if not doc.division_ids:
        keys.append("d:*")
    return keys


def _idf(df: float, n: float) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _saturate(tfn: Any) -> Any:
    return tfn * (K1 + 1.0) / (K1 + tfn)


class MainIndex:
    """The immutable main part. Build with ``MainIndex.build(docs)`` or ``MainIndex.load(path)``."""

    ARRAYS = (
        "term_hashes",
        "indptr",
        "post_docs",
        "post_weights",
        "doc_entry",
        "doc_public",
        "doc_category",
        "doc_effective",
        "doc_expires",
        "doc_signature",
        "filter_hashes",
        "filter_indptr",
        "filter_docs",
    )

    term_hashes: npt.NDArray[np.uint64]
    indptr: npt.NDArray[np.int64]
    post_docs: IntArray
    post_weights: npt.NDArray[np.float16]
    doc_entry: npt.NDArray[np.int64]
    doc_public: npt.NDArray[np.bool_]
    doc_category: IntArray
    doc_effective: IntArray
    doc_expires: IntArray
    doc_signature: npt.NDArray[np.uint32]
    filter_hashes: npt.NDArray[np.uint64]
    filter_indptr: npt.NDArray[np.int64]
    filter_docs: IntArray

    def __init__(self, arrays: dict[str, Any], meta: dict[str, Any]):
        for name in self.ARRAYS:
            setattr(self, name, arrays[name])
        self.meta = meta
        self.n_docs = int(meta["n_docs"])
        self.avg_lengths: list[float] = list(meta["avg_lengths"])
        self.generation = int(meta.get("generation", 0))
        self.dead = np.zeros(self.n_docs, dtype=bool)  # entries changed or removed since the build
        self.position = {int(e): i for i, e in enumerate(self.doc_entry)}

    # -- building ------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls, docs: Iterable[IndexDoc], *, max_terms: int = 0, generation: int = 0, processes: int = 1
    ) -> MainIndex:
        """Build from ``docs``; with ``processes`` > 1 the text analysis (segmentation is most of the time)
        runs in that many forked processes."""
        vocab: dict[str, int] = {}
        p_doc, p_term, p_field, p_tf = array("i"), array("i"), array("b"), array("f")
        lengths: list[array[int]] = [array("i") for _ in FIELDS]
        entry_ids, public, category, effective, expires = (
            array("q"),
            array("b"),
            array("i"),
            array("i"),
            array("i"),
        )
        filters: dict[str, list[int]] = {}
        n = 0
        for doc, fields in _analyzed(docs, processes):
            for f, terms in enumerate(fields):
                lengths[f].append(sum(terms.values()))
                p_term.extend([vocab.setdefault(term, len(vocab)) for term in terms])
                p_tf.extend(terms.values())
                p_doc.extend([n] * len(terms))
                p_field.extend([f] * len(terms))
            for key in _filter_keys(doc):
                filters.setdefault(key, []).append(n)
            entry_ids.append(doc.entry_id)
            public.append(doc.public)
            category.append(doc.category_id or 0)
            effective.append(doc.effective)
            expires.append(doc.expires)
            n += 1
        lens = [np.frombuffer(lengths[f], dtype=np.int32).astype(np.float64) for f in range(len(FIELDS))]
        avg = [float(x.mean()) if len(x) and x.mean() > 0 else 1.0 for x in lens]
        docs_a = np.frombuffer(p_doc, dtype=np.int32)
        terms_a = np.frombuffer(p_term, dtype=np.int32)
        fields_a = np.frombuffer(p_field, dtype=np.int8)
        tf_a = np.frombuffer(p_tf, dtype=np.float32).astype(np.float64)
        contribution = np.zeros(len(docs_a))
        for f, (_name, weight, b) in enumerate(FIELDS):
            mask = fields_a == f
            if not mask.any():
                continue
            norm = 1.0 - b + b * lens[f][docs_a[mask]] / avg[f]
            contribution[mask] = weight * tf_a[mask] / norm
        # combine the fields of one (entry, term) pair
        v = max(len(vocab), 1)
        keys = docs_a.astype(np.int64) * v + terms_a
        pair_keys, inverse = np.unique(keys, return_inverse=True)
        tfn = np.bincount(inverse, weights=contribution, minlength=len(pair_keys))
        pair_docs = (pair_keys // v).astype(np.int32)
        pair_terms = (pair_keys % v).astype(np.int32)
        df = np.bincount(pair_terms, minlength=len(vocab)).astype(np.float64)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        weights = idf[pair_terms] * _saturate(tfn)
        if max_terms and len(weights):
            order = np.lexsort((-weights, pair_docs))
            sorted_docs = pair_docs[order]
            starts = np.searchsorted(sorted_docs, np.arange(n))
            rank = np.arange(len(order)) - starts[sorted_docs]
            keep = np.sort(order[rank < max_terms])
            pair_docs, pair_terms, weights = pair_docs[keep], pair_terms[keep], weights[keep]
        # postings by term, terms ordered by hash for lookup with searchsorted
        hashes = np.array([term_hash(t) for t in vocab], dtype=np.uint64) if vocab else np.zeros(0, np.uint64)
        signatures = _signatures(pair_docs, hashes[pair_terms] if len(pair_terms) else hashes, n)
        term_order = np.argsort(hashes, kind="stable")
        rank_of_term = np.empty(len(vocab), dtype=np.int64)
        rank_of_term[term_order] = np.arange(len(vocab))
        post_rank = rank_of_term[pair_terms] if len(pair_terms) else np.zeros(0, np.int64)
        post_order = np.lexsort((pair_docs, post_rank))
        counts = np.bincount(post_rank, minlength=len(vocab)) if len(vocab) else np.zeros(0, np.int64)
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        filter_keys = sorted(filters, key=term_hash)
        filter_counts = [len(filters[k]) for k in filter_keys]
        filter_indptr = np.zeros(len(filter_keys) + 1, dtype=np.int64)
        np.cumsum(filter_counts, out=filter_indptr[1:])
        arrays = {
            "term_hashes": hashes[term_order],
            "indptr": indptr,
            "post_docs": pair_docs[post_order].astype(np.int32),
            # half precision: three significant digits rank as well and halve the largest array
            "post_weights": weights[post_order].astype(np.float16),
            "doc_entry": np.frombuffer(entry_ids, dtype=np.int64).copy(),
            "doc_public": np.frombuffer(public, dtype=np.int8).astype(bool),
            "doc_category": np.frombuffer(category, dtype=np.int32).copy(),
            "doc_effective": np.frombuffer(effective, dtype=np.int32).copy(),
            "doc_expires": np.frombuffer(expires, dtype=np.int32).copy(),
            "doc_signature": signatures,
            "filter_hashes": np.array([term_hash(k) for k in filter_keys], dtype=np.uint64),
            "filter_indptr": filter_indptr,
            "filter_docs": np.array([d for k in filter_keys for d in filters[k]], dtype=np.int32),
        }
        meta = {"n_docs": n, "avg_lengths": avg, "generation": generation, "n_terms": len(vocab)}
        return cls(arrays, meta)

    # -- persistence ---------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the arrays to ``path`` (a new directory), atomically: a reader sees all or nothing."""
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name in self.ARRAYS:
            np.save(tmp / f"{name}.npy", getattr(self, name), allow_pickle=False)
        (tmp / "meta.json").write_text(json.dumps(self.meta))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> MainIndex:
        meta = json.loads((path / "meta.json").read_text())
        arrays = {
            name: np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in cls.ARRAYS
        }
        return cls(arrays, meta)

    @property
    def nbytes(self) -> int:
        return int(sum(getattr(self, name).nbytes for name in self.ARRAYS))

    # -- statistics for the delta ---------------------------------------------------------------------

    def df(self, term: str) -> int:
        h = np.uint64(term_hash(term))
        pos = int(np.searchsorted(self.term_hashes, h))
        if pos < len(self.term_hashes) and self.term_hashes[pos] == h:
            return int(self.indptr[pos + 1] - self.indptr[pos])
        return 0

    # -- querying ------------------------------------------------------------------------------------

    def score(self, terms: dict[str, float]) -> tuple[FloatArray, FloatArray]:
        """Scores and matched query weight of every entry (dense arrays over the main part)."""
        empty: FloatArray = np.zeros(self.n_docs)
        if not terms or self.n_docs == 0 or len(self.term_hashes) == 0:
            return empty, empty.copy()
        items = list(terms.items())
        hashes = np.array([term_hash(t) for t, _ in items], dtype=np.uint64)
        pos = np.searchsorted(self.term_hashes, hashes)
        pos_clipped = np.minimum(pos, len(self.term_hashes) - 1)
        found = self.term_hashes[pos_clipped] == hashes
        doc_parts: list[IntArray] = []
        weight_parts: list[Any] = []
        match_parts: list[FloatArray] = []
        for (_term, qw), p, ok in zip(items, pos_clipped, found, strict=True):
            if not ok:
                continue
            start, end = int(self.indptr[p]), int(self.indptr[p + 1])
            if start == end:
                continue
            doc_parts.append(self.post_docs[start:end])
            weight_parts.append(self.post_weights[start:end].astype(np.float64) * qw)
            match_parts.append(np.full(end - start, qw))
        if not doc_parts:
            return empty, empty.copy()
        docs = np.concatenate(doc_parts)
        scores = np.asarray(
            np.bincount(docs, weights=np.concatenate(weight_parts), minlength=self.n_docs), dtype=np.float64
        )
        matched = np.asarray(
            np.bincount(docs, weights=np.concatenate(match_parts), minlength=self.n_docs), dtype=np.float64
        )
        return scores, matched

    def docs_for(self, key: str) -> IntArray:
        h = np.uint64(term_hash(key))
        pos = int(np.searchsorted(self.filter_hashes, h))
        if pos < len(self.filter_hashes) and self.filter_hashes[pos] == h:
            return self.filter_docs[int(self.filter_indptr[pos]) : int(self.filter_indptr[pos + 1])]
        return np.zeros(0, dtype=np.int32)

    def allowed(self, candidates: IntArray, filters: Filters) -> npt.NDArray[np.bool_]:
        keep = ~self.dead[candidates]
        if not filters.include_expired:
            eff = self.doc_effective[candidates]
            exp = self.doc_expires[candidates]
            keep &= (eff == NO_DATE) | (eff <= filters.today)
            keep &= (exp == NO_DATE) | (exp >= filters.today)
        if filters.public_only:
            keep &= self.doc_public[candidates]
        if filters.internal_only:
            keep &= ~self.doc_public[candidates]
        if filters.category_ids is not None:
            keep &= np.isin(
                self.doc_category[candidates], np.array(sorted(filters.category_ids), dtype=np.int32)
            )
        if filters.unit_id is not None:
            keep &= np.isin(candidates, self.docs_for(f"u:{filters.unit_id}"))
        if filters.division_ids is not None:
            keys = ["d:*", *(f"d:{d}" for d in sorted(filters.division_ids))]
            keep &= np.isin(candidates, np.concatenate([self.docs_for(k) for k in keys]))
        return keep


@dataclass
class DeltaDoc:
    doc: IndexDoc
    weights: dict[str, float]
    signature: npt.NDArray[np.uint32]


class DeltaIndex:
    """Entries changed since the main part was built, scored with the main part's statistics."""

    def __init__(self) -> None:
        self.docs: dict[int, DeltaDoc] = {}
        self.postings: dict[str, dict[int, float]] = {}

    def __len__(self) -> int:
        return len(self.docs)

    def put(self, doc: IndexDoc, main: MainIndex | None, *, max_terms: int = 0) -> None:
        self.remove(doc.entry_id)
        n = float((main.n_docs if main else 0) + len(self.docs) + 1)
        avg = main.avg_lengths if main else None
        tfn: dict[str, float] = {}
        for f, terms in enumerate(_analyze(doc)):
            _name, weight, b = FIELDS[f]
            length = sum(terms.values())
            average = avg[f] if avg else max(length, 1)
            norm = 1.0 - b + b * length / average
            for term, tf in terms.items():
                tfn[term] = tfn.get(term, 0.0) + weight * tf / norm
        weights = {}
        for term, value in tfn.items():
            df = (main.df(term) if main else 0) + len(self.postings.get(term, ())) + 1
            weights[term] = _idf(df, n) * float(_saturate(value))
        if max_terms and len(weights) > max_terms:
            weights = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:max_terms])
        for term, w in weights.items():
            self.postings.setdefault(term, {})[doc.entry_id] = w
        self.docs[doc.entry_id] = DeltaDoc(doc, weights, signature_of(weights))

    def remove(self, entry_id: int) -> None:
        old = self.docs.pop(entry_id, None)
        if old is None:
            return
        for term in old.weights:
            bucket = self.postings.get(term)
            if bucket is not None:
                bucket.pop(entry_id, None)
                if not bucket:
                    del self.postings[term]

    def score(self, terms: dict[str, float]) -> dict[int, tuple[float, float]]:
        found: dict[int, list[float]] = {}
        for term, qw in terms.items():
            for entry_id, w in self.postings.get(term, {}).items():
                acc = found.setdefault(entry_id, [0.0, 0.0])
                acc[0] += w * qw
                acc[1] += qw
        return {e: (s, m) for e, (s, m) in found.items()}

    def allowed(self, entry_id: int, filters: Filters, units: frozenset[int] | None = None) -> bool:
        doc = self.docs[entry_id].doc
        if not filters.include_expired:
            if doc.effective != NO_DATE and doc.effective > filters.today:
                return False
            if doc.expires != NO_DATE and doc.expires < filters.today:
                return False
        if filters.public_only and not doc.public:
            return False
        if filters.internal_only and doc.public:
            return False
        if filters.category_ids is not None and (doc.category_id or 0) not in filters.category_ids:
            return False
        if filters.unit_id is not None and filters.unit_id not in doc.unit_ids:
            return False
        return not (
            filters.division_ids is not None
            and doc.division_ids
            and not (set(doc.division_ids) & filters.division_ids)
        )


class Searcher:
    """The main part and the delta together: what one process searches."""

    def __init__(self, main: MainIndex | None = None, *, max_terms: int = 0):
        self.main = main
        self.delta = DeltaIndex()
        self.max_terms = max_terms

    @property
    def size(self) -> int:
        main = (self.main.n_docs - int(self.main.dead.sum())) if self.main else 0
        return main + len(self.delta)

    def put(self, doc: IndexDoc) -> None:
        self._bury(doc.entry_id)
        self.delta.put(doc, self.main, max_terms=self.max_terms)

    def remove(self, entry_id: int) -> None:
        self._bury(entry_id)
        self.delta.remove(entry_id)

    def _bury(self, entry_id: int) -> None:
        if self.main is not None:
            pos = self.main.position.get(entry_id)
            if pos is not None:
                self.main.dead[pos] = True

    def search(
        self,
        terms: dict[str, float],
        filters: Filters,
        *,
        limit: int = 10,
        min_should_match: float = MIN_SHOULD_MATCH,
        collapse: bool = True,
    ) -> list[Hit]:
        """The best entries for the weighted query ``terms``, best first, near-duplicates folded."""
        total = sum(terms.values())
        if total <= 0:
            return []
        floor = min(total * min_should_match, MIN_MATCH_CAP)
        pool = limit * 3 if collapse else limit
        hits: list[tuple[float, float, int, Any]] = []  # score, matched, entry id, signature
        if self.main is not None and self.main.n_docs:
            scores, matched = self.main.score(terms)
            candidates = np.flatnonzero(matched >= max(floor, 1e-9)).astype(np.int32)
            if len(candidates):
                candidates = candidates[self.main.allowed(candidates, filters)]
            if len(candidates) > pool:
                best = np.argpartition(-scores[candidates], pool - 1)[:pool]
                candidates = candidates[best]
            for pos in candidates:
                hits.append(
                    (
                        float(scores[pos]),
                        float(matched[pos]),
                        int(self.main.doc_entry[pos]),
                        self.main.doc_signature[pos],
                    )
                )
        for entry_id, (score, match) in self.delta.score(terms).items():
            if match >= floor and self.delta.allowed(entry_id, filters):
                hits.append((score, match, entry_id, self.delta.docs[entry_id].signature))
        hits.sort(key=lambda h: (-h[0], h[2]))
        result: list[Hit] = []
        kept: list[Any] = []
        for score, match, entry_id, signature in hits:
            if collapse:
                twin = next(
                    (i for i, other in enumerate(kept) if similarity(signature, other) >= NEAR_DUPLICATE),
                    None,
                )
                if twin is not None:
                    result[twin].similar.append(entry_id)
                    continue
            if len(result) >= limit:
                if collapse:
                    continue
                break
            result.append(Hit(entry_id, score, match / total))
            kept.append(signature)
        return result


def _signatures(docs: IntArray, hashes: npt.NDArray[np.uint64], n: int) -> npt.NDArray[np.uint32]:
    """MinHash signature of every entry's term set (``docs`` sorted, ``hashes`` one per posting)."""
    result = np.full((n, SIGNATURE_SIZE), _EMPTY, dtype=np.uint32)
    if n == 0 or len(docs) == 0:
        return result
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    owners = docs[starts]
    with np.errstate(over="ignore"):
        for i in range(SIGNATURE_SIZE):
            values = ((hashes * _MUL[i] + _ADD[i]) >> np.uint64(32)).astype(np.uint32)
            result[owners, i] = np.minimum.reduceat(values, starts)
    return result


def signature_of(terms: Iterable[str]) -> npt.NDArray[np.uint32]:
    """MinHash signature of one set of terms."""
    hashes = np.array([term_hash(t) for t in set(terms)], dtype=np.uint64)
    if len(hashes) == 0:
        return np.full(SIGNATURE_SIZE, _EMPTY, dtype=np.uint32)
    with np.errstate(over="ignore"):
        values = ((hashes[:, None] * _MUL[None, :] + _ADD[None, :]) >> np.uint64(32)).astype(np.uint32)
    return values.min(axis=0)


def similarity(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """Estimated Jaccard similarity of the term sets behind two signatures."""
    return float(np.mean(a == b))


def build_searcher(
    docs: Sequence[IndexDoc] | Iterable[IndexDoc], *, max_terms: int = 0, generation: int = 0
) -> Searcher:
    return Searcher(MainIndex.build(docs, max_terms=max_terms, generation=generation), max_terms=max_terms)

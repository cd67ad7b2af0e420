"""Grouping orders into issues: the same problem at the same place, or the same problem of one group of
people (no place, or only a district). Pure computation over arrays, no database.

1. Each order's problem words become a TF-IDF vector (title words count twice; ``(1 + ln tf) · idf``,
   idf = ``ln((1 + N) / (1 + df)) + 1``), cut to its ``TOP_TERMS`` heaviest words and L2-normalised.
2. Candidate pairs come from blocks, so that a million orders never means a million squared comparisons:
   orders at the same specific place, and orders sharing two of their four most distinctive words
   ("anchors"). Within a block, orders are in time order and each is compared with the next ``BAND``
   ones, so a large block costs linear time; an issue spread over many orders stays linked through its
   members.
3. A pair is linked when the cosine similarity of the problem words reaches ``PLACE_THRESHOLD`` for the
   same place (and a compatible district), or ``FREE_THRESHOLD`` otherwise, and their titles share a
   word (the title says what the problem is; boilerplate in the text does not make two problems one).
   Two orders at different specific places (or at one place name in two districts) are never linked;
   orders without a specific place link across districts: a group of people lives all over the city.
4. Linked orders form groups (connected components). A group that spans several specific places (a
   place being its name and district) is split by place, its orders without a place leaving it. At one
   place, a group joins the most similar larger group when their centroids (mean vectors) reach
   ``ABSORB_THRESHOLD`` and their titles share a word, one level only, so it never chains: a caller who
   words the problem differently shares little with each other caller but a lot with what they say
   together.
5. A group is then checked against its own centre: members whose similarity to the group's centroid is
   below ``CORE_THRESHOLD`` leave it, so that noise never rides into an issue on a chain of weak links.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

TOP_TERMS = 20
ANCHORS = 4
BAND = 24
PLACE_THRESHOLD = 0.22
FREE_THRESHOLD = 0.35
CORE_THRESHOLD = 0.22
ABSORB_THRESHOLD = PLACE_THRESHOLD
MAX_ANCHOR_DF = 0.05  # a word in more than 5 % of the orders is too common to block on
PAIR_BATCH = 400_000

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class Corpus:
    """The orders to group, in time order: one entry per order in each list/array."""

    terms: list[str]  # "title words | content words"
    places: list[str]  # specific place key or ""
    districts: list[str]  # district name or ""


@dataclass
class Groups:
    labels: IntArray  # group of each order (a singleton has a label of its own)
    matrix: sparse.csr_matrix  # the orders' normalised vectors
    vocabulary: list[str]
    members: dict[int, IntArray] = field(default_factory=dict)  # groups of two or more: label -> rows


def vectorize(terms: list[str]) -> tuple[sparse.csr_matrix, list[str], IntArray, sparse.csr_matrix]:
    """The TF-IDF matrix (rows normalised, at most ``TOP_TERMS`` per row), the vocabulary, the document
    frequency of each word, and which words each title has (0/1)."""
    vocab: dict[str, int] = {}
    lengths = array("l")
    indices = array("l")
    counts = array("f")
    title_lengths = array("l")
    title_indices = array("l")
    for text in terms:
        title, _, content = text.partition(" | ")
        row: dict[int, float] = {}
        for word in title.split():
            index = vocab.setdefault(word, len(vocab))
            row[index] = row.get(index, 0.0) + 2.0
        title_indices.extend(row)
        title_lengths.append(len(row))
        for word in content.split():
            index = vocab.setdefault(word, len(vocab))
            row[index] = row.get(index, 0.0) + 1.0
        indices.extend(row)
        counts.extend(row.values())
        lengths.append(len(row))
    n = len(terms)
    cols = np.frombuffer(indices, dtype=np.int64) if len(indices) else np.empty(0, dtype=np.int64)
    tf = np.frombuffer(counts, dtype=np.float32) if len(counts) else np.empty(0, dtype=np.float32)
    sizes = np.frombuffer(lengths, dtype=np.int64) if n else np.empty(0, dtype=np.int64)
    pointers = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    df = np.bincount(cols, minlength=len(vocab)).astype(np.int64)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    data = (1.0 + np.log(tf)) * idf[cols] if len(cols) else tf
    rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
    # keep each row's TOP_TERMS heaviest words
    order = np.lexsort((-data, rows))
    rank = np.arange(len(order), dtype=np.int64) - pointers[rows[order]]
    keep = order[rank < TOP_TERMS]
    del order, rank
    matrix = sparse.csr_matrix(
        (data[keep].astype(np.float32), (rows[keep], cols[keep])), shape=(n, len(vocab)), dtype=np.float32
    )
    del rows, keep, data
    matrix.sort_indices()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.csr_matrix(sparse.diags((1.0 / norms).astype(np.float32)) @ matrix)
    title_cols = (
        np.frombuffer(title_indices, dtype=np.int64) if len(title_indices) else np.empty(0, dtype=np.int64)
    )
    title_rows = np.repeat(
        np.arange(n, dtype=np.int64), np.frombuffer(title_lengths, dtype=np.int64) if n else []
    )
    titles = sparse.csr_matrix(
        (np.ones(len(title_cols), dtype=np.float32), (title_rows, title_cols)),
        shape=(n, len(vocab)),
        dtype=np.float32,
    )
    words = [""] * len(vocab)
    for word, index in vocab.items():
        words[index] = word
    return matrix, words, df, titles


def _codes(values: list[str]) -> IntArray:
    """Integer codes for strings; "" is 0."""
    table: dict[str, int] = {"": 0}
    return np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64, count=len(values))


def _anchor_keys(matrix: sparse.csr_matrix, df: IntArray) -> tuple[IntArray, IntArray]:
    """(row, key) for the anchor pairs of each row: its ``ANCHORS`` heaviest words that at least one
    other order has and at most ``MAX_ANCHOR_DF`` of them."""
    n, width = matrix.shape
    coo = matrix.tocoo()
    limit = max(20, int(MAX_ANCHOR_DF * n))
    usable = (df[coo.col] >= 2) & (df[coo.col] <= limit)
    rows, cols, data = coo.row[usable].astype(np.int64), coo.col[usable].astype(np.int64), coo.data[usable]
    order = np.lexsort((-data, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n, dtype=np.int64))
    rank = np.arange(len(rows), dtype=np.int64) - starts[rows]
    top = rank < ANCHORS
    rows, cols, rank = rows[top], cols[top], rank[top]
    anchors = np.full((n, ANCHORS), -1, dtype=np.int64)
    anchors[rows, rank] = cols
    key_rows, keys = [], []
    for a, b in itertools.combinations(range(ANCHORS), 2):
        first, second = anchors[:, a], anchors[:, b]
        ok = (first >= 0) & (second >= 0)
        low, high = np.minimum(first[ok], second[ok]), np.maximum(first[ok], second[ok])
        key_rows.append(np.nonzero(ok)[0])
        keys.append(low * width + high)
    lonely = (anchors[:, 0] >= 0) & (anchors[:, 1] < 0)
    key_rows.append(np.nonzero(lonely)[0])
    keys.append(anchors[lonely, 0] * width + anchors[lonely, 0])
    return np.concatenate(key_rows), np.concatenate(keys)


def _band_pairs(rows: IntArray, keys: IntArray) -> Iterator[tuple[IntArray, IntArray]]:
    """Pairs of rows with the same key, each row with the next ``BAND`` rows of its block in time order
    (rows are numbered in time order); one distance at a time, so memory stays linear."""
    order = np.lexsort((rows, keys))
    rows, keys = rows[order], keys[order]
    for distance in range(1, BAND + 1):
        if distance >= len(rows):
            break
        same = keys[:-distance] == keys[distance:]
        if not same.any():
            break  # no block is longer than this distance
        yield rows[:-distance][same], rows[distance:][same]


def _similarities(matrix: sparse.csr_matrix, left: IntArray, right: IntArray) -> FloatArray:
    result = np.empty(len(left), dtype=np.float64)
    for start in range(0, len(left), PAIR_BATCH):
        end = start + PAIR_BATCH
        product = matrix[left[start:end]].multiply(matrix[right[start:end]])
        result[start:end] = np.asarray(product.sum(axis=1)).ravel()
    return result


def group(corpus: Corpus) -> Groups:
    n = len(corpus.terms)
    matrix, vocabulary, df, titles = vectorize(corpus.terms)
    untitled = np.diff(titles.indptr) == 0
    place = _codes(corpus.places)
    district = _codes(corpus.districts)
    edges_left: list[IntArray] = []
    edges_right: list[IntArray] = []

    def link(pairs: Iterator[tuple[IntArray, IntArray]], threshold: float, same_place: bool) -> None:
        for left, right in pairs:
            near = (district[left] == district[right]) | (district[left] == 0) | (district[right] == 0)
            if same_place:
                fits = near  # one place name in two districts is two places
            else:
                # both at a specific place: the same place, in a compatible district; a group of people
                # with no specific place is one group wherever its members live
                both_placed = (place[left] > 0) & (place[right] > 0)
                fits = ~both_placed | ((place[left] == place[right]) & near)
            left, right = left[fits], right[fits]
            if not len(left):
                continue
            close = _similarities(matrix, left, right) >= threshold
            left, right = left[close], right[close]
            # the titles say what the problem is: two orders whose titles share no word are two problems,
            # however much of their text is the same boilerplate
            same_subject = (_similarities(titles, left, right) > 0) | untitled[left] | untitled[right]
            edges_left.append(left[same_subject])
            edges_right.append(right[same_subject])

    placed = np.nonzero(place > 0)[0]
    link(_band_pairs(placed, place[placed]), PLACE_THRESHOLD, same_place=True)
    anchor_rows, anchor_keys = _anchor_keys(matrix, df)
    link(_band_pairs(anchor_rows, anchor_keys), FREE_THRESHOLD, same_place=False)

    left = np.concatenate(edges_left) if edges_left else np.empty(0, dtype=np.int64)
    right = np.concatenate(edges_right) if edges_right else np.empty(0, dtype=np.int64)
    graph = sparse.coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    # a place name in two districts is two places: split and absorb by (place, district)
    site = _codes([f"{p}|{d}" if p else "" for p, d in zip(corpus.places, corpus.districts, strict=True)])
    labels = _split_by_place(labels, site)
    labels = _absorb_by_place(labels, site, matrix, titles)
    labels = _keep_core(labels, matrix)
    labels = _keep_core(labels, matrix)
    sizes = np.bincount(labels)
    members: dict[int, IntArray] = {}
    big = np.nonzero(sizes[labels] >= 2)[0]
    if len(big):
        order = np.argsort(labels[big], kind="stable")
        rows = big[order]
        bounds = np.flatnonzero(np.diff(labels[rows])) + 1
        for chunk in np.split(rows, bounds):
            members[int(labels[chunk[0]])] = chunk
    return Groups(labels=labels, matrix=matrix, vocabulary=vocabulary, members=members)


def _member_similarity(labels: IntArray, matrix: sparse.csr_matrix, rows: IntArray) -> FloatArray:
    """Each row's cosine similarity to the centroid of its label: ``x · Σ / |Σ|`` computed over the rows'
    own words (memory linear in the non-zeros, whatever the size of the groups)."""
    n = matrix.shape[0]
    count = int(labels.max()) + 1
    membership = sparse.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(count, n))
    sums = sparse.csr_matrix(membership @ matrix)
    sums.sort_indices()
    norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    sub = matrix[rows].tocoo()
    values = np.asarray(sums[labels[rows][sub.row], sub.col]).ravel()
    dots = np.bincount(sub.row, weights=sub.data * values, minlength=len(rows))
    return np.asarray(dots / norms[labels[rows]], dtype=np.float64)


def _keep_core(labels: IntArray, matrix: sparse.csr_matrix) -> IntArray:
    """Members of groups of three or more that are far from their group's centroid become singletons."""
    n = len(labels)
    if not n:
        return labels
    sizes = np.bincount(labels)
    grouped = np.nonzero(sizes[labels] >= 3)[0]
    if not len(grouped):
        return labels
    similarity = _member_similarity(labels, matrix, grouped)
    outliers = grouped[similarity < CORE_THRESHOLD]
    labels = labels.copy()
    labels[outliers] = labels.max() + 1 + np.arange(len(outliers))
    return labels


def _split_by_place(labels: IntArray, place: IntArray) -> IntArray:
    """A group that holds orders at two or more specific places becomes one group per place; its orders
    with no specific place leave it."""
    placed = place > 0
    if not placed.any():
        return labels
    pairs = np.unique(np.stack([labels[placed], place[placed]], axis=1), axis=0)
    label_ids, counts = np.unique(pairs[:, 0], return_counts=True)
    mixed = np.zeros(int(labels.max()) + 1, dtype=bool)
    mixed[label_ids[counts > 1]] = True
    if not mixed.any():
        return labels
    labels = labels.copy()
    in_mixed = mixed[labels]
    next_label = int(labels.max()) + 1
    rows = np.nonzero(in_mixed & placed)[0]
    _, inverse = np.unique(np.stack([labels[rows], place[rows]], axis=1), axis=0, return_inverse=True)
    labels[rows] = next_label + inverse.ravel()
    loose = np.nonzero(in_mixed & ~placed)[0]
    labels[loose] = int(labels.max()) + 1 + np.arange(len(loose))
    return labels


def _absorb_by_place(
    labels: IntArray, place: IntArray, matrix: sparse.csr_matrix, titles: sparse.csr_matrix
) -> IntArray:
    """At each specific place, a group (a single order included) joins the most similar larger group
    there when their centroids reach ``ABSORB_THRESHOLD`` and their titles share a word. Only into a group
    that does not move itself: one level, so absorbing never chains different problems together."""
    placed = np.nonzero(place > 0)[0]
    if not len(placed):
        return labels
    pairs, inverse = np.unique(np.stack([place[placed], labels[placed]], axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    places_with_many = np.nonzero(np.bincount(pairs[:, 0]) >= 2)[0]
    if not len(places_with_many):
        return labels
    shape = (len(pairs), matrix.shape[0])
    membership = sparse.csr_matrix((np.ones(len(placed), dtype=np.float32), (inverse, placed)), shape=shape)
    sizes = np.bincount(inverse, minlength=len(pairs))
    centre = sparse.csr_matrix(membership @ matrix)
    norms = np.sqrt(np.asarray(centre.multiply(centre).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    centre = sparse.csr_matrix(sparse.diags((1.0 / norms).astype(np.float32)) @ centre)
    subject = sparse.csr_matrix(membership @ titles)
    untitled = np.diff(subject.indptr) == 0
    target = np.full(len(pairs), -1, dtype=np.int64)
    starts = np.searchsorted(pairs[:, 0], places_with_many)
    ends = np.searchsorted(pairs[:, 0], places_with_many, side="right")
    for start, end in zip(starts, ends, strict=True):
        block_sizes = sizes[start:end]
        if block_sizes.max() < 2:
            continue  # only single orders here: pairs were compared already
        close = (centre[start:end] @ centre[start:end].T).tocoo()
        shared = (subject[start:end] @ subject[start:end].T).tocoo()
        shares = set(zip(shared.row.tolist(), shared.col.tolist(), strict=True))
        best: dict[int, tuple[float, int]] = {}
        for a, b, value in zip(close.row.tolist(), close.col.tolist(), close.data.tolist(), strict=True):
            # b absorbs a: b is larger (ties: the earlier one), close enough, about the same subject
            if a == b or value < ABSORB_THRESHOLD or (block_sizes[b], -b) <= (block_sizes[a], -a):
                continue
            if (a, b) not in shares and not (untitled[start + a] or untitled[start + b]):
                continue
            if value > best.get(a, (0.0, -1))[0]:
                best[a] = (value, b)
        for a, (_, b) in best.items():
            target[start + a] = start + b
    moving = np.nonzero(target >= 0)[0]
    moving = moving[target[target[moving]] < 0]  # only into groups that stay where they are
    if not len(moving):
        return labels
    lookup = np.arange(int(labels.max()) + 1, dtype=np.int64)
    lookup[pairs[moving, 1]] = pairs[target[moving], 1]
    return lookup[labels]

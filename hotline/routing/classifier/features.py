"""What the category model reads from a request: four blocks of TF-IDF features, each L2-normalised
and weighted, then joined side by side.

- ``word``: the words of title and content (jieba with the deployment's dictionary, stop words out),
  and with ``word_max_n`` 2 the pairs of consecutive words too (``停车 收费``: a term a word alone is not);
- ``title``: the words of the title alone (a title says what the matter is; the content tells the story);
- ``char``: character n-grams (1–2 by default, ``char_max_n``) of title and content, which keep what
  segmentation splits or misses;
- ``title_char``: character n-grams of the title alone.

Personal data is masked and digits folded before anything is counted, so no phone number, ID or plate
can become a feature of a stored model.

The features are those of scikit-learn's ``TfidfVectorizer`` (sublinear TF, smoothed IDF, ``min_df``,
L2 norm; a test compares the two), counted here instead, because on 5,342 real messages its character
analyzer spent 7 s and 300 MB per fit building every n-gram as a Python string, a fit was repeated for
each cross-validation fold, and its checks cost about 2 ms per block and call for a single document.
Here a character n-gram is one integer (its code points, 21 bits each) counted with numpy; a set of
documents is counted once (``count``) and each fit chooses its vocabulary and IDF from its own rows
(``Featurizer.fit``), exactly as a vectorizer refitted on those rows would.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from hotline.text.normalize import normalize
from hotline.text.pii import mask_pii

BLOCKS = ("word", "title", "char", "title_char")
CHAR_BLOCKS = frozenset({"char", "title_char"})
MAX_CHAR_N = 3  # three characters of 21 bits fill one 64-bit integer
_BITS = np.uint64(21)  # a code point (plus one, so that no character is 0) fits in 21 bits
_MASK = np.uint64((1 << 21) - 1)
_DIGITS = re.compile(r"\d+")
# What a request is about is said in its title and first few hundred characters; the rest tells the
# story. Cutting there bounds the cost of a prediction (segmentation grows with the text, and a few
# messages run past 10,000 characters): at 800 characters macro-F1 moved by less than 0.001 in
# cross-validation on 5,342 real messages (13 % of them longer), at 600 (19 % longer) by -0.0006 (seeds
# 1 to 4), and the slowest predictions took a quarter less. Titles are cut only against a message pasted
# into the title.
CONTENT_CHARS = 600
TITLE_CHARS = 100
_ROWS_AT_A_TIME = 512  # documents featurised at once in training: bounds the memory of the copies


@dataclass(frozen=True)
class Prepared:
    """One request made ready for counting."""

    words: list[str]
    title_words: list[str]
    chars: str
    title_chars: str


def clean(text: str) -> str:
    """Normalised, personal data masked, digit runs folded to one ``0`` (numbers rarely say the matter)."""
    return _DIGITS.sub("0", mask_pii(normalize(text)))


def prepare(title: str, content: str, tokenize: Callable[[str], list[str]]) -> Prepared:
    """The cleaned title and the start of the cleaned content, segmented."""
    # Cut after cleaning, so that personal data at the cut is masked whole, not half kept. Cleaning reads
    # a prefix a quarter longer (cleaning was a fifth of the slowest predictions' time): what is cut there
    # lies past the part kept unless cleaning shortened the text by a fifth (whitespace folded, digit runs
    # to one 0), and a number cut there is folded to 0 like any other.
    title = clean(title[: 2 * TITLE_CHARS])[:TITLE_CHARS]
    content = clean(content[: CONTENT_CHARS + CONTENT_CHARS // 4])[:CONTENT_CHARS]
    # Interned: the same word in thousands of training texts is then one string, not thousands (20 MB
    # instead of 63 for 5,342 messages).
    title_words = [sys.intern(w) for w in tokenize(title)] if title else []
    content_words = [sys.intern(w) for w in tokenize(content)] if content else []
    return Prepared(
        words=title_words + content_words,
        title_words=title_words,
        chars=f"{title} {content}".strip(),
        title_chars=title,
    )


def char_grams(text: str, max_n: int) -> np.ndarray:
    """The character 1…``max_n``-grams of ``text``, repeats included, each as one ``uint64``: the code
    points plus one, 21 bits each, first character highest. The n-grams of ``analyzer="char"``."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64) + 1
    grams = [points]
    for n in range(2, max_n + 1):
        size = len(points) - n + 1
        if size <= 0:
            break
        gram = points[:size].copy()
        for k in range(1, n):
            gram = (gram << _BITS) | points[k : k + size]
        grams.append(gram)
    return np.concatenate(grams)


def gram_terms(codes: np.ndarray, max_n: int) -> np.ndarray:
    """The n-grams ``codes`` stand for, as strings (dtype ``<U{max_n}``)."""
    length = np.ones(len(codes), dtype=np.uint64)
    for n in range(1, max_n):
        length += codes >= np.uint64(1 << (21 * n))
    points = np.zeros((len(codes), max_n), dtype=np.uint32)
    for k in range(max_n):
        present = length > k
        shift = (length[present] - np.uint64(k + 1)) * _BITS
        points[present, k] = ((codes[present] >> shift) & _MASK) - np.uint64(1)
    return points.view(f"<U{max_n}").reshape(len(codes))


def gram_codes(terms: np.ndarray) -> np.ndarray:
    """The codes of n-gram strings: the inverse of ``gram_terms``."""
    width = max(1, terms.dtype.itemsize // 4)
    points = np.ascontiguousarray(terms, dtype=f"<U{width}").view(np.uint32).reshape(len(terms), width)
    codes = np.zeros(len(terms), dtype=np.uint64)
    for k in range(width):
        present = points[:, k] > 0  # strings shorter than the width end in zeros
        codes[present] = (codes[present] << _BITS) | (points[present, k].astype(np.uint64) + np.uint64(1))
    return codes


def _char_max_n(params: dict[str, Any]) -> int:
    max_n = int(params.get("char_max_n", 3))
    if not 1 <= max_n <= MAX_CHAR_N:
        raise ValueError(f"char_max_n must be between 1 and {MAX_CHAR_N}")
    return max_n


def _word_max_n(params: dict[str, Any]) -> int:
    max_n = int(params.get("word_max_n", 1))  # models stored before pairs were counted have none
    if max_n not in (1, 2):
        raise ValueError("word_max_n must be 1 or 2")
    return max_n


def word_pairs(words: Sequence[str]) -> list[str]:
    """The pairs of consecutive words, each a term of the word block (words never hold a space)."""
    return [f"{first} {second}" for first, second in itertools.pairwise(words)]


def _min_df(block: str, params: dict[str, Any]) -> int:
    if block in CHAR_BLOCKS:
        return int(params.get(f"{block}_min_df", 2 if block == "char" else 1))
    return int(params.get("word_min_df", 2 if block == "word" else 1))


def _weights(params: dict[str, Any]) -> dict[str, float]:
    return {block: float(params.get(f"{block}_weight", 1.0)) for block in BLOCKS}


def _block_input(block: str, doc: Prepared) -> str | list[str]:
    if block == "char":
        return doc.chars
    if block == "title_char":
        return doc.title_chars
    if block == "title":
        return doc.title_words
    return doc.words


@dataclass
class BlockCounts:
    """The terms of a set of documents in one block, before any vocabulary is chosen."""

    terms: np.ndarray  # column → term
    tf: sparse.csr_matrix  # documents × columns: 1 + log(count), float32
    codes: np.ndarray | None = None  # column → n-gram code, ascending (character blocks)


def count(docs: Sequence[Prepared], params: dict[str, Any]) -> dict[str, BlockCounts]:
    """Every term of every document in each block of positive weight, but for the terms in fewer than
    ``min_df`` documents: no subset of the documents can make them a term."""
    max_n = _char_max_n(params)
    counted: dict[str, BlockCounts] = {}
    for block, weight in _weights(params).items():
        if weight <= 0:
            continue
        if block in CHAR_BLOCKS:
            counts = _count_grams([str(_block_input(block, d)) for d in docs], max_n)
        else:
            pairs = block == "word" and _word_max_n(params) == 2
            counts = _count_words([list(_block_input(block, d)) for d in docs], pairs, _min_df(block, params))
        counted[block] = _frequent(counts, _min_df(block, params))
    return counted


@dataclass
class _Rows:
    """Documents one after the other: the distinct keys of each, their TF, and how many each has."""

    keys: np.ndarray
    tf: np.ndarray
    lengths: list[int]


def _distinct(groups: Iterable[np.ndarray], size: int, dtype: type[np.integer[Any]]) -> _Rows:
    """The distinct keys of each group with their sublinear TF (1 + log count), one group after the other.

    They are written into two buffers of ``size`` (an upper bound) rather than kept as thousands of small
    arrays: those fragment the heap, which then holds on to some 30 MB it never gives back."""
    keys = np.empty(size, dtype=dtype)
    tf = np.empty(size, dtype=np.float32)
    lengths = []
    end = 0
    for group in groups:
        unique, times = np.unique(group, return_counts=True)
        keys[end : end + len(unique)] = unique
        tf[end : end + len(unique)] = 1 + np.log(times)
        end += len(unique)
        lengths.append(len(unique))
    return _Rows(keys[:end], tf[:end].copy(), lengths)


def _count_grams(texts: list[str], max_n: int) -> BlockCounts:
    size = sum(max(0, len(text) - n + 1) for text in texts for n in range(1, max_n + 1))
    rows = _distinct((char_grams(text, max_n) for text in texts), size, np.uint64)
    # Sorting a copy and searching it is twice as fast as ``np.unique`` (which hashes) with an inverse.
    ordered = np.sort(rows.keys)
    vocabulary = ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]
    del ordered
    columns = np.empty(len(rows.keys), dtype=np.int32)
    for start in range(0, len(columns), 1 << 20):  # in slices: the search answers in int64
        columns[start : start + (1 << 20)] = np.searchsorted(vocabulary, rows.keys[start : start + (1 << 20)])
    matrix = _matrix(rows.lengths, columns, rows.tf, len(vocabulary))
    return BlockCounts(gram_terms(vocabulary, max_n), matrix, vocabulary)


def _count_words(texts: list[list[str]], pairs: bool = False, min_df: int = 1) -> BlockCounts:
    index: dict[str, int] = {}
    if not pairs:
        groups = (
            np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int32, count=len(words))
            for words in texts
        )
        rows = _distinct(groups, sum(len(words) for words in texts), np.int32)
        matrix = _matrix(rows.lengths, rows.keys, rows.tf, len(index))
        return BlockCounts(_strings(list(index)), matrix)

    # A pair is counted as one integer (the first word's number plus one, shifted past the second's), not
    # as a string: 5,342 messages hold 440,000 distinct pairs, of which 65,000 are in two or more.
    def keys(words: list[str]) -> np.ndarray:
        ids = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))
        return np.concatenate([ids, ((ids[:-1] + 1) << 32) | ids[1:]])

    size = sum(max(0, 2 * len(words) - 1) for words in texts)
    rows = _distinct((keys(words) for words in texts), size, np.int64)
    vocabulary = np.unique(rows.keys)
    columns = np.searchsorted(vocabulary, rows.keys).astype(np.int32)
    matrix = _matrix(rows.lengths, columns, rows.tf, len(vocabulary))
    del rows, columns
    keep = np.bincount(matrix.indices, minlength=len(vocabulary)) >= min_df  # before any term is a string
    words = list(index)
    terms = [
        words[key] if key < 1 << 32 else f"{words[(key >> 32) - 1]} {words[key & 0xFFFFFFFF]}"
        for key in vocabulary[keep].tolist()
    ]
    return BlockCounts(_strings(terms), matrix[:, np.flatnonzero(keep)])


def _strings(terms: list[str]) -> np.ndarray:
    """Terms as an array of the strings themselves: a ``<U`` array takes the width of the longest term
    for each (one word of 28 letters made 25,000 words 2.9 MB, pairs of words 18 MB), and the vocabulary
    of a fit, its lookup and the counts then share one string per term. Stored models keep ``<U``."""
    array = np.empty(len(terms), dtype=object)
    array[:] = terms
    return array


def _matrix(lengths: list[int], columns: np.ndarray, data: np.ndarray, width: int) -> sparse.csr_matrix:
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return sparse.csr_matrix((data, columns, indptr), shape=(len(lengths), width))


def _frequent(counts: BlockCounts, min_df: int) -> BlockCounts:
    """``counts`` without the terms of fewer than ``min_df`` documents."""
    df = np.bincount(counts.tf.indices, minlength=len(counts.terms))
    keep = df >= min_df
    if keep.all():
        return counts
    matrix = counts.tf[:, np.flatnonzero(keep)]
    codes = counts.codes[keep] if counts.codes is not None else None
    return BlockCounts(counts.terms[keep], matrix, codes)


def _row_sums(flags: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """How many of each CSR row's entries are flagged."""
    running = np.zeros(len(flags) + 1, dtype=np.int32)
    np.cumsum(flags, dtype=np.int32, out=running[1:])
    return np.diff(running[indptr])


def _document_frequency(tf: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """In how many of the documents ``rows`` each column occurs."""
    chosen = np.zeros(tf.shape[0], dtype=bool)
    chosen[rows] = True
    if chosen.all():
        return np.bincount(tf.indices, minlength=tf.shape[1])
    return np.bincount(tf.indices[np.repeat(chosen, np.diff(tf.indptr))], minlength=tf.shape[1])


class Vocabulary:
    """The terms of one block in column order, their IDF, and how a term finds its column."""

    def __init__(self, block: str, terms: np.ndarray, idf: np.ndarray):
        self.block = block
        self.terms = terms
        self.idf = idf.astype(np.float32)
        self._columns: dict[str, int] = {}
        self._order: np.ndarray = np.zeros(0, dtype=np.intp)  # columns by ascending code
        self._sorted: np.ndarray = np.zeros(0, dtype=np.uint64)  # the codes in that order
        if block in CHAR_BLOCKS:
            codes = gram_codes(terms)
            self._order = np.argsort(codes, kind="stable")
            self._sorted = codes[self._order]
        else:
            self._columns = {term: i for i, term in enumerate(terms.tolist())}

    def __len__(self) -> int:
        return len(self.terms)

    def find_codes(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``codes`` of the n-grams that are terms, their columns)."""
        if len(self._sorted) == 0:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        positions = np.searchsorted(self._sorted, codes)
        positions[positions == len(self._sorted)] = 0
        hit = self._sorted[positions] == codes
        return np.flatnonzero(hit), self._order[positions[hit]]

    def find_words(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``words`` of the words that are terms, their columns)."""
        lookup = self._columns.get
        columns = np.fromiter((lookup(word, -1) for word in words), dtype=np.int64, count=len(words))
        positions = np.flatnonzero(columns >= 0)
        return positions, columns[positions]

    def find(self, counted: BlockCounts) -> np.ndarray:
        """The column of each of ``counted``'s terms, -1 where it is not a term here."""
        mapping = np.full(len(counted.terms), -1, dtype=np.int32)
        if counted.codes is not None:
            positions, columns = self.find_codes(counted.codes)
        else:
            positions, columns = self.find_words(counted.terms.tolist())
        mapping[positions] = columns
        return mapping


def _normalise(values: np.ndarray, indptr: np.ndarray, weight: float) -> None:
    """Each row of a CSR matrix's ``values`` to unit length, times ``weight``, in place."""
    lengths = np.diff(indptr)
    filled = lengths > 0
    squares = np.zeros(len(lengths))
    if filled.any():  # the sums of the rows that have values (``reduceat`` would misread empty rows)
        squares[filled] = np.add.reduceat(np.square(values, dtype=np.float64), indptr[:-1][filled])
    scale = np.divide(weight, np.sqrt(squares), out=np.zeros_like(squares), where=squares > 0)
    values *= np.repeat(scale.astype(values.dtype), lengths)


class Featurizer:
    """The vocabularies of one model, and the weight of each block."""

    def __init__(
        self,
        vocabularies: dict[str, Vocabulary],
        weights: dict[str, float],
        max_n: int,
        word_max_n: int = 1,
    ):
        self.vocabularies = vocabularies
        self.weights = weights
        self.max_n = max_n
        self.word_max_n = word_max_n
        self.blocks: list[tuple[str, int, int]] = []  # block, first column, last column + 1
        start = 0
        for block, vocabulary in vocabularies.items():
            self.blocks.append((block, start, start + len(vocabulary)))
            start += len(vocabulary)
        self.size = start

    @classmethod
    def fit(
        cls,
        counts: dict[str, BlockCounts],
        rows: np.ndarray,
        params: dict[str, Any],
    ) -> tuple[Featurizer, sparse.csr_matrix]:
        """The vocabularies and IDF of the documents ``rows`` of ``counts``, and their features."""
        vocabularies: dict[str, Vocabulary] = {}
        for block, counted in counts.items():
            df = _document_frequency(counted.tf, rows)
            keep = np.flatnonzero(df >= _min_df(block, params))
            if len(keep) == 0:  # an empty vocabulary: the texts have no titles, say
                continue
            idf = np.log((1 + len(rows)) / (1 + df[keep])) + 1
            vocabularies[block] = Vocabulary(block, counted.terms[keep], idf)
        featurizer = cls(vocabularies, _weights(params), _char_max_n(params), _word_max_n(params))
        return featurizer, featurizer.transform_counted(counts, rows)

    def transform_counted(self, counts: dict[str, BlockCounts], rows: np.ndarray) -> sparse.csr_matrix:
        """The features of documents already counted (the held-out rows of a cross-validation, say)."""
        # Memory: a fit peaks here and in the classifier. The joined matrix is written in place, a slice
        # of rows at a time, once its row lengths are known; building every block and then joining them
        # (``sparse.hstack``) held three copies of the features at once.
        mappings = {block: self.vocabularies[block].find(counts[block]) for block, _, _ in self.blocks}
        indptr = np.zeros(len(rows) + 1, dtype=np.int32)
        for first in range(0, len(rows), _ROWS_AT_A_TIME):
            chunk = rows[first : first + _ROWS_AT_A_TIME]
            for block, mapping in mappings.items():
                tf = counts[block].tf[chunk]
                indptr[first + 1 : first + 1 + len(chunk)] += _row_sums(mapping[tf.indices] >= 0, tf.indptr)
        np.cumsum(indptr, out=indptr)
        all_columns = np.empty(indptr[-1], dtype=np.int32)
        all_values = np.empty(indptr[-1], dtype=np.float32)
        for first in range(0, len(rows), _ROWS_AT_A_TIME):
            chunk = rows[first : first + _ROWS_AT_A_TIME]
            parts = []
            for block, start, end in self.blocks:
                vocabulary = self.vocabularies[block]
                tf = counts[block].tf[chunk]
                columns = mappings[block][tf.indices]
                kept = columns >= 0
                block_indptr = np.concatenate([[0], np.cumsum(kept, dtype=np.int32)])[tf.indptr]
                columns = columns[kept]
                values = tf.data[kept]
                values *= vocabulary.idf[columns]
                _normalise(values, block_indptr, self.weights[block])
                parts.append(
                    sparse.csr_matrix((values, columns, block_indptr), shape=(len(chunk), end - start))
                )
            joined = sparse.hstack(parts, format="csr", dtype=np.float32)
            where = slice(indptr[first], indptr[first + len(chunk)])
            all_columns[where] = joined.indices
            all_values[where] = joined.data
        matrix = sparse.csr_matrix((all_values, all_columns, indptr), shape=(len(rows), self.size))
        matrix.sort_indices()
        return matrix

    def transform_one(self, doc: Prepared) -> tuple[np.ndarray, np.ndarray]:
        """The features of one document as (columns ascending, values): the path of a prediction."""
        all_columns, all_values = [], []
        for block, start, _end in self.blocks:
            vocabulary = self.vocabularies[block]
            data = _block_input(block, doc)
            if isinstance(data, str):
                codes, times = np.unique(char_grams(data, self.max_n), return_counts=True)
                positions, columns = vocabulary.find_codes(codes)
            else:
                if block == "word" and self.word_max_n == 2:
                    data = [*data, *word_pairs(data)]
                counter = Counter(data)
                positions, columns = vocabulary.find_words(list(counter))
                times = np.fromiter(counter.values(), dtype=np.int64, count=len(counter))
            values = (1 + np.log(times[positions])).astype(np.float32) * vocabulary.idf[columns]
            _normalise(values, np.array([0, len(values)]), self.weights[block])
            all_columns.append(columns + start)
            all_values.append(values)
        if not all_columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns, values = np.concatenate(all_columns), np.concatenate(all_values)
        order = np.argsort(columns)
        return columns[order], values[order]

    def transform(self, docs: Sequence[Prepared]) -> sparse.csr_matrix:
        rows = [self.transform_one(doc) for doc in docs]
        indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in rows], dtype=np.int64)])
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.float32)
        return sparse.csr_matrix((values, columns, indptr), shape=(len(rows), self.size), dtype=np.float32)

    def feature_name(self, column: int) -> tuple[str, str]:
        """(block, term) of a column."""
        for block, start, end in self.blocks:
            if start <= column < end:
                return block, str(self.vocabularies[block].terms[column - start])
        raise IndexError(column)

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for block, vocabulary in self.vocabularies.items():
            arrays[f"{block}_terms"] = vocabulary.terms.astype(str)
            arrays[f"{block}_idf"] = vocabulary.idf.astype(np.float32)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], params: dict[str, Any]) -> Featurizer:
        vocabularies = {
            block: Vocabulary(block, arrays[f"{block}_terms"], arrays[f"{block}_idf"])
            for block in BLOCKS
            if f"{block}_terms" in arrays
        }
        return cls(vocabularies, _weights(params), _char_max_n(params), _word_max_n(params))

"""What the category model reads from a request: four blocks of TF-IDF features, each L2-normalised
and weighted, then joined side by side.

- ``word``: the words of title and content (jieba with the deployment's dictionary, stop words out);
- ``title``: the words of the title alone (a title says what the matter is; the content tells the story);
- ``char``: character 1–3-grams of title and content, which keep what segmentation splits or misses;
- ``title_char``: character 1–3-grams of the title alone.

Personal data is masked and digits folded before anything is counted, so no phone number, ID or plate
can become a feature of a stored model. The vectorizers are scikit-learn's; a stored model rebuilds them
from its vocabulary and IDF arrays (``from_arrays``), which reproduces the training transform exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from hotline.text.normalize import normalize
from hotline.text.pii import mask_pii

BLOCKS = ("word", "title", "char", "title_char")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Prepared:
    """One request made ready for the vectorizers."""

    words: list[str]
    title_words: list[str]
    chars: str
    title_chars: str


def clean(text: str) -> str:
    """Normalised, personal data masked, digit runs folded to one ``0`` (numbers rarely say the matter)."""
    return _DIGITS.sub("0", mask_pii(normalize(text)))


def prepare(title: str, content: str, tokenize: Callable[[str], list[str]]) -> Prepared:
    title, content = clean(title), clean(content)
    title_words = tokenize(title) if title else []
    content_words = tokenize(content) if content else []
    return Prepared(
        words=title_words + content_words,
        title_words=title_words,
        chars=f"{title} {content}".strip(),
        title_chars=title,
    )


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _vectorizer(
    block: str, params: dict[str, Any], vocabulary: dict[str, int] | None = None
) -> TfidfVectorizer:
    common: dict[str, Any] = {"sublinear_tf": True, "lowercase": False, "dtype": np.float32}
    if vocabulary is not None:
        common["vocabulary"] = vocabulary
    if block in ("char", "title_char"):
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, int(params.get("char_max_n", 3))),
            min_df=int(params.get(f"{block}_min_df", 2 if block == "char" else 1))
            if vocabulary is None
            else 1,
            max_features=params.get("char_max_features"),
            **common,
        )
    return TfidfVectorizer(
        analyzer=_identity,
        min_df=int(params.get("word_min_df", 2 if block == "word" else 1)) if vocabulary is None else 1,
        max_features=params.get("word_max_features"),
        **common,
    )


def _block_input(block: str, docs: Sequence[Prepared]) -> list[Any]:
    if block == "char":
        return [d.chars for d in docs]
    if block == "title_char":
        return [d.title_chars for d in docs]
    if block == "title":
        return [d.title_words for d in docs]
    return [d.words for d in docs]


class Featurizer:
    """The fitted vectorizers of one model, and the weight of each block."""

    def __init__(self, vectorizers: dict[str, TfidfVectorizer], weights: dict[str, float]):
        self.vectorizers = vectorizers
        self.weights = weights
        self.names: list[str] = []
        self.blocks: list[tuple[str, int, int]] = []  # block, first column, last column + 1
        start = 0
        for block, vectorizer in vectorizers.items():
            size = len(vectorizer.vocabulary_)
            self.blocks.append((block, start, start + size))
            start += size
        self.size = start

    @classmethod
    def fit(cls, docs: Sequence[Prepared], params: dict[str, Any]) -> tuple[Featurizer, sparse.csr_matrix]:
        vectorizers: dict[str, TfidfVectorizer] = {}
        matrices = []
        weights = {block: float(params.get(f"{block}_weight", 1.0)) for block in BLOCKS}
        for block in BLOCKS:
            if weights[block] <= 0:
                continue
            vectorizer = _vectorizer(block, params)
            try:
                matrix = vectorizer.fit_transform(_block_input(block, docs))
            except ValueError:  # an empty vocabulary: the texts have no titles, say
                continue
            matrices.append(matrix * weights[block])
            vectorizers[block] = vectorizer
        return cls(vectorizers, weights), sparse.hstack(matrices, format="csr", dtype=np.float32)

    def transform(self, docs: Sequence[Prepared]) -> sparse.csr_matrix:
        matrices = [
            vectorizer.transform(_block_input(block, docs)) * self.weights[block]
            for block, vectorizer in self.vectorizers.items()
        ]
        return sparse.hstack(matrices, format="csr", dtype=np.float32)

    def feature_name(self, column: int) -> tuple[str, str]:
        """(block, term) of a column."""
        if not self.names:
            for vectorizer in self.vectorizers.values():
                terms = [""] * len(vectorizer.vocabulary_)
                for term, index in vectorizer.vocabulary_.items():
                    terms[index] = term
                self.names.extend(terms)
        for block, start, end in self.blocks:
            if start <= column < end:
                return block, self.names[column]
        raise IndexError(column)

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for block, vectorizer in self.vectorizers.items():
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            arrays[f"{block}_terms"] = np.array(terms, dtype=str)
            arrays[f"{block}_idf"] = vectorizer.idf_.astype(np.float32)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], params: dict[str, Any]) -> Featurizer:
        vectorizers: dict[str, TfidfVectorizer] = {}
        weights = {block: float(params.get(f"{block}_weight", 1.0)) for block in BLOCKS}
        for block in BLOCKS:
            if f"{block}_terms" not in arrays:
                continue
            terms = arrays[f"{block}_terms"].tolist()
            vectorizer = _vectorizer(block, params, vocabulary={t: i for i, t in enumerate(terms)})
            vectorizer.idf_ = arrays[f"{block}_idf"].astype(np.float64)
            vectorizers[block] = vectorizer
        return cls(vectorizers, weights)

"""Predictions of the active category model, loaded once per process.

Which version is active is looked up through the reference cache (so a switch in the admin reaches every
process within a minute); its weights are read and checked once, then kept in memory. Each prediction
comes with its calibrated confidence and its reasons: the terms of the text that weighed most for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hotline.core import refcache

from .features import Prepared, prepare
from .store import LoadedModel, loads
from .training import softmax


@dataclass(frozen=True)
class LabelScore:
    label: str
    confidence: float


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    ranked: list[LabelScore]
    reasons: list[str]
    version_id: int | None = None
    version_name: str = ""


def tokenizer_for(params: dict[str, Any]) -> Callable[[str], list[str]]:
    """The segmentation of a model's ``params``, for texts ``prepare`` has cleaned (and so normalised):
    jieba, with its hidden Markov model only for models stored before ``segment_hmm`` was recorded."""
    from hotline.text.segment import tokens

    hmm = bool(params.get("segment_hmm", True))

    def tokenize(text: str) -> list[str]:
        return tokens(text, normalized=True, hmm=hmm)

    return tokenize


class Predictor:
    def __init__(
        self,
        model: LoadedModel,
        *,
        tokenize: Callable[[str], list[str]] | None = None,
        version_id: int | None = None,
        version_name: str = "",
    ):
        self.model = model
        self.tokenize = tokenize or tokenizer_for(model.params)
        self.version_id = version_id
        self.version_name = version_name

    @property
    def labels(self) -> list[str]:
        return self.model.labels

    def prepare(self, title: str, content: str) -> Prepared:
        return prepare(title, content, self.tokenize)

    def predict(self, title: str, content: str, *, top: int = 3, reasons: int = 5) -> Prediction:
        weights = self.model.weights
        indices, values = weights.featurizer.transform_one(self.prepare(title, content))
        scores = weights.score_one(indices, values)
        probabilities = softmax(scores[np.newaxis, :].astype(np.float64), self.model.temperature)[0]
        ranked = np.argsort(-probabilities)[:top]
        best = int(ranked[0])
        return Prediction(
            label=self.labels[best],
            confidence=float(probabilities[best]),
            ranked=[LabelScore(self.labels[i], float(probabilities[i])) for i in ranked],
            reasons=self._reasons(best, indices, values, reasons),
            version_id=self.version_id,
            version_name=self.version_name,
        )

    def _reasons(self, label: int, indices: np.ndarray, values: np.ndarray, count: int) -> list[str]:
        """The words that pushed the text towards ``label`` most, against the other labels on average."""
        coef = self.model.weights.coef
        if len(indices) == 0:
            return []
        mine = coef[label, indices]
        others = (coef[:, indices].sum(axis=0) - mine) / max(1, coef.shape[0] - 1)
        contribution = values * (mine - others)
        words: list[str] = []
        grams: list[str] = []
        featurizer = self.model.weights.featurizer
        for position in np.argsort(-contribution):
            if contribution[position] <= 0 or len(words) >= count:
                break
            block, term = featurizer.feature_name(int(indices[position]))
            term = term.strip()
            if len(term) < 2 or not term.isalnum() or term.isdigit():
                continue  # single characters, spans across words or punctuation, masks, numbers
            target = grams if block.endswith("char") else words
            if not any(term in kept or kept in term for kept in words + grams):
                target.append(term)
        # Words read better than character n-grams; the n-grams fill in when few words speak.
        return (words + grams)[:count]

    def predict_many(self, docs: Sequence[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
        """Labels and confidences of many (title, content) pairs at once (evaluation)."""
        weights = self.model.weights
        matrix = weights.featurizer.transform([self.prepare(t, c) for t, c in docs])
        probabilities = softmax(weights.scores(matrix).astype(np.float64), self.model.temperature)
        best = probabilities.argmax(axis=1)
        return [self.labels[i] for i in best], probabilities.max(axis=1)


_lock = threading.Lock()
_loaded: Predictor | None = None


def _active_version() -> tuple[int, str, str] | None:
    from ..models import ModelVersion

    def load() -> tuple[int, str, str] | None:
        row = ModelVersion.objects.filter(active=True).values_list("pk", "name", "weights_sha256").first()
        return (row[0], row[1], row[2]) if row else None

    return refcache.cached("routing:active_model", load)


def active_predictor() -> Predictor | None:
    """The active model's predictor, or None when no model is active."""
    global _loaded
    active = _active_version()
    if active is None:
        return None
    current = _loaded
    if current is not None and current.version_id == active[0]:
        return current
    with _lock:
        if _loaded is None or _loaded.version_id != active[0]:
            from ..models import ModelVersion

            data = ModelVersion.objects.filter(pk=active[0]).values_list("weights", flat=True).first()
            if data is None:
                return None
            _loaded = Predictor(
                loads(bytes(data), expected_sha256=active[2]), version_id=active[0], version_name=active[1]
            )
        return _loaded


def forget() -> None:
    """Drop the loaded model of this process (after a switch made here)."""
    global _loaded
    with _lock:
        _loaded = None
    refcache.invalidate()

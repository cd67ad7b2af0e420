"""Training the category model: one-vs-rest ridge regression (a least-squares linear classifier) over
TF-IDF features (``features.py``) with balanced class weights, validated by stratified k-fold
cross-validation, and a softmax temperature fitted on the out-of-fold scores so that its confidence is
calibrated (a confidence of 0.9 is right about 9 times in 10).

The hyper-parameters are fixed and principled (see ``DEFAULT_PARAMS``), chosen once by cross-validation
on public data (5,342 real messages; 5-fold splits of seeds 1 and 2, confirmed on seeds 3 and 4, never
the benchmark's seed 0), not tuned per deployment or per split: titles at half weight and character
n-grams up to two (instead of three) added +0.004 to +0.007 macro-F1 to the linear SVM used before, and
ridge instead of the SVM another +0.002 on each pair of seeds. Ridge fits as fast, on the float32
features as they are, where liblinear copied them to float64 and once more into its own format.

scikit-learn is imported inside the functions that train: with what it pulls in (pandas among others) it
weighs about 90 MB, and every process of the platform imports this module (for ``softmax`` and the
services) while only the one that trains needs it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from hotline.core.errors import ValidationFailed

from .features import BlockCounts, Featurizer, Prepared, count
from .metrics import evaluate

ALGORITHM = "tfidf word+title/2+char 1-2+title char 1-2/2 / ridge, balanced / softmax temperature"
DEFAULT_PARAMS: dict[str, Any] = {
    "word_weight": 1.0,
    "title_weight": 0.5,
    "char_weight": 1.0,
    "title_char_weight": 0.5,
    "char_max_n": 2,
    "char_min_df": 2,
    "word_min_df": 2,
    "alpha": 1.0,
    "class_weight": "balanced",
    "folds": 5,
    "seed": 0,
}
MIN_PER_LABEL = 2  # a label with fewer examples cannot be learned or validated


@dataclass
class Weights:
    featurizer: Featurizer
    coef: np.ndarray  # classes × features, float32
    intercept: np.ndarray  # classes, float32

    def scores(self, matrix: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(matrix @ self.coef.T) + self.intercept


@dataclass
class TrainedModel:
    labels: list[str]
    params: dict[str, Any]
    weights: Weights
    temperature: float
    metrics: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit(
    featurizer: Featurizer,
    matrix: sparse.csr_matrix,
    y: np.ndarray,
    labels: list[str],
    params: dict[str, Any],
) -> Weights:
    """The classifier of the features ``matrix`` whose labels are ``y``."""
    from sklearn.linear_model import RidgeClassifier  # here: see the note on imports at the top

    # Conjugate gradients work on the sparse float32 matrix as it is (no dense or float64 copy).
    # ``copy_X=False``: the matrix is sparse, so ridge never centres it in place; the copy was 20 MB.
    ridge = RidgeClassifier(
        alpha=float(params["alpha"]),
        class_weight=params.get("class_weight"),
        solver="sparse_cg",
        copy_X=False,
    )
    ridge.fit(matrix, y)
    coef = np.atleast_2d(ridge.coef_).astype(np.float32)
    intercept = np.atleast_1d(ridge.intercept_).astype(np.float32)
    if len(labels) == 2:  # scikit-learn keeps one row for two classes: the score of the second
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32)
    return Weights(featurizer, np.ascontiguousarray(coef), intercept)


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature that minimises the negative log-likelihood of the true labels."""
    from scipy import optimize

    def nll(log_t: float) -> float:
        probabilities = softmax(scores, float(np.exp(log_t)))
        return float(-np.log(np.clip(probabilities[np.arange(len(y)), y], 1e-12, None)).mean())

    result = optimize.minimize_scalar(nll, bounds=(np.log(1e-3), np.log(1e2)), method="bounded")
    return float(np.exp(result.x))


def _check(labels_in: Sequence[str]) -> tuple[list[str], dict[str, int]]:
    counts = Counter(labels_in)
    kept = sorted(label for label, n in counts.items() if n >= MIN_PER_LABEL)
    if len(kept) < 2:
        raise ValidationFailed(
            "Training needs at least two labels with two or more examples each.",
            code="too_few_labels",
            details={"labels": dict(counts)},
        )
    return kept, dict(counts)


def cross_validate(
    counts: dict[str, BlockCounts],
    y: np.ndarray,
    labels: list[str],
    params: dict[str, Any],
    *,
    on_fold: Callable[[int, float], None] | None = None,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Out-of-fold scores for every document, and the figures of each fold."""
    from sklearn.model_selection import StratifiedKFold

    folds = max(2, min(int(params["folds"]), int(np.bincount(y).min())))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=int(params["seed"]))
    scores = np.zeros((len(y), len(labels)), dtype=np.float64)
    per_fold: list[dict[str, Any]] = []
    for index, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y)):
        started = time.perf_counter()
        featurizer, matrix = Featurizer.fit(counts, train_idx, params)
        weights = fit(featurizer, matrix, y[train_idx], labels, params)
        elapsed = time.perf_counter() - started
        del matrix  # memory: not kept beside the held-out features
        fold_scores = weights.scores(weights.featurizer.transform_counted(counts, test_idx))
        scores[test_idx] = fold_scores
        predicted = fold_scores.argmax(axis=1)
        fold = evaluate(
            [labels[i] for i in y[test_idx]],
            [labels[i] for i in predicted],
            np.zeros(len(test_idx)),
            labels,
        )
        per_fold.append({"accuracy": fold["accuracy"], "macro_f1": fold["macro_f1"], "seconds": elapsed})
        if on_fold is not None:
            on_fold(index, elapsed)
        del featurizer, weights, fold_scores  # memory: not kept while the next fold fits
    return scores, per_fold


def train(
    docs: Sequence[Prepared],
    labels_in: Sequence[str],
    params: dict[str, Any] | None = None,
    *,
    validate: bool = True,
) -> TrainedModel:
    """Cross-validate (metrics and the temperature come from the out-of-fold scores), then fit on all
    the data. Labels with fewer than two examples are left out and reported in the summary."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    if len(docs) != len(labels_in):
        raise ValueError("docs and labels differ in length")
    labels, counts = _check(labels_in)
    index = {label: i for i, label in enumerate(labels)}
    keep = [i for i, label in enumerate(labels_in) if label in index]
    kept_docs = [docs[i] for i in keep]
    y = np.array([index[labels_in[i]] for i in keep])
    counted = count(kept_docs, params)  # once: each fit chooses its vocabulary from its own rows
    metrics: dict[str, Any] = {}
    temperature = 1.0
    if validate:
        started = time.perf_counter()
        scores, per_fold = cross_validate(counted, y, labels, params)
        temperature = fit_temperature(scores, y)
        probabilities = softmax(scores, temperature)
        predicted = probabilities.argmax(axis=1)
        metrics = evaluate(
            [labels[i] for i in y], [labels[i] for i in predicted], probabilities.max(axis=1), labels
        )
        f1s = [fold["macro_f1"] for fold in per_fold]
        accs = [fold["accuracy"] for fold in per_fold]
        metrics["cv"] = {
            "folds": len(per_fold),
            "macro_f1_mean": round(float(np.mean(f1s)), 4),
            "macro_f1_std": round(float(np.std(f1s)), 4),
            "accuracy_mean": round(float(np.mean(accs)), 4),
            "accuracy_std": round(float(np.std(accs)), 4),
            "seconds": round(time.perf_counter() - started, 2),
        }
        metrics["temperature"] = round(temperature, 5)
    started = time.perf_counter()
    featurizer, matrix = Featurizer.fit(counted, np.arange(len(y)), params)
    del counted  # memory: the fit is the peak, and the counts are done with
    weights = fit(featurizer, matrix, y, labels, params)
    summary = {
        "rows": len(docs),
        "used": len(kept_docs),
        "label_counts": {label: counts[label] for label in sorted(counts)},
        "left_out_labels": sorted(label for label in counts if label not in index),
        "features": weights.featurizer.size,
        "fit_seconds": round(time.perf_counter() - started, 2),
    }
    return TrainedModel(labels, params, weights, temperature, metrics, summary)

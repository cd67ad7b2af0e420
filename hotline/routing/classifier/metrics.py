"""How good a category model is: accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix,
calibration, and the precision/coverage curve (how precise the model is on the share of orders it is most
confident about — what an auto-dispatch threshold trades)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

COVERAGES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def precision_at_coverage(
    correct: np.ndarray, confidence: np.ndarray, coverage: float
) -> tuple[float, float]:
    """(precision, confidence threshold) on the ``coverage`` share of items with the highest confidence."""
    if len(correct) == 0:
        return 0.0, 1.0
    order = np.argsort(-confidence, kind="stable")
    keep = max(1, round(coverage * len(order)))
    chosen = order[:keep]
    return float(correct[chosen].mean()), float(confidence[chosen].min())


def expected_calibration_error(correct: np.ndarray, confidence: np.ndarray, bins: int = 10) -> float:
    """The mean gap between confidence and accuracy over equal-width confidence bins, weighted by size."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def _scores(true: np.ndarray, pred: np.ndarray, labels: Sequence[str]) -> dict[str, np.ndarray]:
    """Per label of ``labels``: true positives, predictions and true occurrences."""
    index = {label: i for i, label in enumerate(labels)}
    t = np.array([index.get(label, -1) for label in true.tolist()], dtype=np.int64)
    p = np.array([index.get(label, -1) for label in pred.tolist()], dtype=np.int64)
    size = len(index)
    hit = (t == p) & (t >= 0)
    return {
        "tp": np.bincount(t[hit], minlength=size),
        "predicted": np.bincount(p[p >= 0], minlength=size),
        "true": np.bincount(t[t >= 0], minlength=size),
    }


def _f1(counts: dict[str, np.ndarray]) -> np.ndarray:
    denominator = counts["true"] + counts["predicted"]
    return np.divide(2 * counts["tp"], denominator, out=np.zeros(len(denominator)), where=denominator > 0)


def macro_f1(y_true: Sequence[str] | np.ndarray, y_pred: Sequence[str] | np.ndarray) -> float:
    """The mean F1 over the labels that occur in either (scikit-learn's ``f1_score(average="macro")``)."""
    true, pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    return float(_f1(_scores(true, pred, sorted(set(true.tolist()) | set(pred.tolist())))).mean())


def evaluate(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    confidence: Sequence[float] | np.ndarray,
    labels: Sequence[str],
) -> dict[str, Any]:
    """All the figures as plain JSON-ready data.

    Counted here rather than by ``sklearn.metrics`` (whose figures they are, zero where a label is never
    predicted or never true; a test compares them): importing scikit-learn takes about 100 MB with what
    it pulls in (pandas, scipy.stats), a fifth of what a training may use."""
    true, pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    conf = np.asarray(confidence, dtype=np.float64)
    label_list = list(labels)
    counts = _scores(true, pred, label_list)
    precision = np.divide(
        counts["tp"], counts["predicted"], out=np.zeros(len(label_list)), where=counts["predicted"] > 0
    )
    recall = np.divide(counts["tp"], counts["true"], out=np.zeros(len(label_list)), where=counts["true"] > 0)
    f1 = _f1(counts)
    support = counts["true"]
    correct = (true == pred).astype(np.float64)
    curve = []
    for coverage in COVERAGES:
        p, threshold = precision_at_coverage(correct, conf, coverage)
        curve.append({"coverage": coverage, "precision": round(p, 4), "threshold": round(threshold, 4)})
    present = sorted(set(true.tolist()))
    index = {label: i for i, label in enumerate(label_list)}
    known = np.array(
        [t in index and q in index for t, q in zip(true.tolist(), pred.tolist(), strict=True)], dtype=bool
    )
    confusion = np.zeros((len(label_list), len(label_list)), dtype=np.int64)
    if known.any():
        rows = np.array([index[t] for t in true[known].tolist()])
        columns = np.array([index[q] for q in pred[known].tolist()])
        np.add.at(confusion, (rows, columns), 1)
    return {
        "n": len(true),
        "accuracy": round(float(correct.mean()) if len(true) else 0.0, 4),
        "macro_f1": round(float(_f1(_scores(true, pred, present)).mean()) if present else 0.0, 4),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(label_list)
        },
        "labels": label_list,
        "confusion": confusion.tolist(),
        "precision_coverage": curve,
        "ece": round(expected_calibration_error(correct, conf), 4),
    }

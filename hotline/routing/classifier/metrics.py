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


def evaluate(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    confidence: Sequence[float] | np.ndarray,
    labels: Sequence[str],
) -> dict[str, Any]:
    """All the figures as plain JSON-ready data."""
    # Imported here, not at the top: scikit-learn is a training-time weight (see ``training.py``).
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    true, pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    conf = np.asarray(confidence, dtype=np.float64)
    label_list = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        true, pred, labels=label_list, zero_division=0
    )
    correct = (true == pred).astype(np.float64)
    curve = []
    for coverage in COVERAGES:
        p, threshold = precision_at_coverage(correct, conf, coverage)
        curve.append({"coverage": coverage, "precision": round(p, 4), "threshold": round(threshold, 4)})
    present = sorted(set(true.tolist()))
    return {
        "n": len(true),
        "accuracy": round(float(accuracy_score(true, pred)), 4),
        "macro_f1": round(float(f1_score(true, pred, labels=present, average="macro", zero_division=0)), 4),
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
        "confusion": confusion_matrix(true, pred, labels=label_list).tolist(),
        "precision_coverage": curve,
        "ece": round(expected_calibration_error(correct, conf), 4),
    }

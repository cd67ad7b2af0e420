"""Training the category model: one-vs-rest ridge regression (a least-squares linear classifier) over
TF-IDF features (``features.py``) scaled per class by their naive Bayes log-count ratio (NBSVM), with
balanced class weights, plus the vote of the nearest training documents (``neighbours.py``), validated by
stratified k-fold cross-validation, and a softmax temperature fitted on the out-of-fold scores so that
its confidence is calibrated (a confidence of 0.9 is right about 9 times in 10).

The hyper-parameters are fixed and principled (see ``DEFAULT_PARAMS``), chosen once by cross-validation
on public data (5,342 real messages; 5-fold splits of seeds 1 and 2, confirmed on seeds 3 and 4, never
the benchmark's seed 0), not tuned per deployment or per split: titles at half weight and character
n-grams up to two (instead of three) added +0.004 to +0.007 macro-F1 to the linear SVM used before, and
ridge instead of the SVM another +0.002 on each pair of seeds. Ridge fits as fast, on the float32
features as they are, where liblinear copied them to float64 and once more into its own format. The
naive Bayes scaling (smoothing 0.3, the middle of a plateau from 0.2 to 0.5) added +0.0014 and +0.0064
on seeds 1 and 2, +0.0030 and +0.0012 on seeds 3 and 4; pairs of consecutive words in the word block
another +0.0011, +0.0011 and +0.0002, +0.0010; the 20 nearest documents' vote at weight 0.4 +0.0051,
+0.0018, +0.0032, +0.0025 (mean of seeds 1 to 4 0.9307 → 0.9335; with content cut at 600 characters
instead of 800, 0.9329). Segmenting without jieba's hidden Markov model (``segment_hmm``) changed the
mean by less than 0.0001 and a long message's segmentation took a quarter less.

Training with the defaults does not import scikit-learn at all (only the plain ridge of
``nb_smoothing`` 0 does, inside its function): with what it pulls in (pandas, scipy.stats) it weighs about
100 MB, a fifth of what a training may take. The folds, the sample weights and the figures are those of
scikit-learn, computed here; tests compare them with scikit-learn's.
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
from .neighbours import Neighbours

ALGORITHM = "tfidf word 1-2+title/2+char 1-2+title char/2 / NB ridge, balanced + 20-NN vote / softmax T"
DEFAULT_PARAMS: dict[str, Any] = {
    "word_weight": 1.0,
    "title_weight": 0.5,
    "char_weight": 1.0,
    "title_char_weight": 0.5,
    "char_max_n": 2,
    "char_min_df": 2,
    "word_min_df": 2,
    "word_max_n": 2,
    "alpha": 1.0,
    "nb_smoothing": 0.3,
    "class_weight": "balanced",
    "knn_k": 20,
    "knn_weight": 0.4,
    "knn_max_df": 0.2,
    "knn_max_documents": 20000,
    "segment_hmm": False,
    "folds": 5,
    "seed": 0,
}
MIN_PER_LABEL = 2  # a label with fewer examples cannot be learned or validated


@dataclass
class Weights:
    featurizer: Featurizer
    coef: np.ndarray  # classes × features, float32
    intercept: np.ndarray  # classes, float32
    neighbours: Neighbours | None = None

    def scores(self, matrix: sparse.csr_matrix) -> np.ndarray:
        scores = np.asarray(matrix @ self.coef.T) + self.intercept
        return scores + self.neighbours.votes(matrix) if self.neighbours is not None else scores

    def score_one(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The scores of one request's features (columns ascending, values): the path of a prediction."""
        scores = self.coef[:, indices] @ values + self.intercept
        return scores + self.neighbours.votes_one(indices, values) if self.neighbours is not None else scores


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
    """The classifier of the features ``matrix`` whose labels are ``y``: plain ridge, or with
    ``nb_smoothing`` each class's ridge on features scaled by their naive Bayes log-count ratio; with
    ``knn_weight`` the nearest documents' vote besides (``neighbours.py``)."""
    if float(params.get("nb_smoothing") or 0) > 0:
        coef, intercept = _nb_ridge(matrix, y, len(labels), params)
    else:
        coef, intercept = _ridge(matrix, y, params)
        if len(labels) == 2:  # scikit-learn keeps one row for two classes: the score of the second
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32)
    neighbours = Neighbours.build(matrix, y, len(labels), params)
    return Weights(featurizer, np.ascontiguousarray(coef), intercept, neighbours)


def _ridge(matrix: sparse.csr_matrix, y: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
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
    return np.atleast_2d(ridge.coef_).astype(np.float32), np.atleast_1d(ridge.intercept_).astype(np.float32)


def _nb_ridge(
    matrix: sparse.csr_matrix, y: np.ndarray, classes: int, params: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """One ridge regression per class (target +1 for the class, -1 for the others, the sample weights of
    ``RidgeClassifier``, an intercept) on the features times their log-count ratio
    r = log((a + f⁺) / ‖a + f⁺‖₁) - log((a + f⁻) / ‖a + f⁻‖₁), f⁺ and f⁻ the feature totals of the class
    and of the other classes, a = ``nb_smoothing`` (Wang and Manning 2012, "Baselines and bigrams": NBSVM,
    with a ridge instead of the SVM). A term typical of a class is penalised less in it. The ratio folds
    into the weights (w · r), so a prediction costs what it did.

    Each regression is solved as scikit-learn's ``Ridge(solver="sparse_cg")`` solves it (conjugate
    gradients on the centred, weighted problem, its tolerance, float32), but through an operator that
    scales, weights and centres on the fly: with ``Ridge`` on a scaled copy, which it copied once more to
    weight it, a fit peaked 26 MB higher (of the 500 MB a training may take)."""
    from scipy.sparse.linalg import LinearOperator, cg

    smoothing = float(params["nb_smoothing"])
    alpha = np.float32(params["alpha"])
    weight = _sample_weights(y, params.get("class_weight")).astype(np.float32)
    root = np.sqrt(weight)
    mean = (weight @ matrix) / weight.sum()  # the weighted mean of each feature
    transposed = matrix.T
    everything = np.asarray(np.ones(matrix.shape[0], dtype=np.float32) @ matrix, dtype=np.float64)
    rows, columns = matrix.shape
    coef = np.empty((classes, columns), dtype=np.float32)
    intercept = np.empty(classes, dtype=np.float32)
    for label in range(classes):
        total = np.asarray((y == label).astype(np.float32) @ matrix, dtype=np.float64)  # no row copy
        inside, outside = smoothing + total, smoothing + (everything - total)
        ratio = (np.log(inside / inside.sum()) - np.log(outside / outside.sum())).astype(np.float32)
        offset = ratio * mean  # the weighted mean of each scaled feature
        target = np.where(y == label, 1, -1).astype(np.float32)
        target_offset = np.float32(weight @ target / weight.sum())

        def forward(w: np.ndarray, ratio: np.ndarray = ratio, offset: np.ndarray = offset) -> np.ndarray:
            """(scaled, centred, weighted features) @ w"""
            return np.asarray(root * (matrix @ (ratio * w) - offset @ w), dtype=np.float32)

        def backward(u: np.ndarray, ratio: np.ndarray = ratio, offset: np.ndarray = offset) -> np.ndarray:
            """(scaled, centred, weighted features)ᵀ @ u"""
            return np.asarray(ratio * (transposed @ (root * u)) - offset * (root @ u), dtype=np.float32)

        goal = root * (target - target_offset)
        if columns > rows:  # w = Xᵀ (X Xᵀ + αI)⁻¹ y, as scikit-learn does with more features than rows
            kernel = LinearOperator(
                (rows, rows), matvec=lambda u: forward(backward(u)) + alpha * u, dtype=np.float32
            )
            dual, info = cg(kernel, goal, rtol=1e-4)
            w = backward(dual)
        else:  # w = (XᵀX + αI)⁻¹ Xᵀ y
            gram = LinearOperator(
                (columns, columns), matvec=lambda w: backward(forward(w)) + alpha * w, dtype=np.float32
            )
            w, info = cg(gram, backward(goal), rtol=1e-4)
        if info < 0:
            raise ValueError(f"conjugate gradients failed ({info})")
        coef[label] = w * ratio
        intercept[label] = target_offset - offset @ w
    return coef, intercept


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


def stratified_folds(y: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(training rows, held-out rows) of each fold: the splits of scikit-learn's
    ``StratifiedKFold(folds, shuffle=True, random_state=seed)``, row for row (a test compares them), so
    that figures stay comparable across versions; here so that training need not import scikit-learn
    (see ``evaluate``)."""
    rng = np.random.RandomState(seed)
    _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
    _, order = np.unique(first, return_inverse=True)
    encoded = order[inverse]  # classes numbered by first appearance
    classes = len(first)
    ordered = np.sort(encoded)
    allocation = np.asarray([np.bincount(ordered[i::folds], minlength=classes) for i in range(folds)])
    test_folds = np.empty(len(y), dtype="i")
    for k in range(classes):
        assigned = np.arange(folds).repeat(allocation[:, k])
        rng.shuffle(assigned)
        test_folds[encoded == k] = assigned
    rows = np.arange(len(y))
    return [(rows[test_folds != i], rows[test_folds == i]) for i in range(folds)]


def _sample_weights(y: np.ndarray, class_weight: Any) -> np.ndarray:
    """``RidgeClassifier``'s sample weights: n / (classes × n of the class) for ``"balanced"``."""
    if class_weight is None:
        return np.ones(len(y))
    if class_weight != "balanced":
        raise ValueError("class_weight must be 'balanced' or None")
    counts = np.bincount(y)
    return len(y) / (np.count_nonzero(counts) * counts[y])


def cross_validate(
    counts: dict[str, BlockCounts],
    y: np.ndarray,
    labels: list[str],
    params: dict[str, Any],
    *,
    on_fold: Callable[[int, float], None] | None = None,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Out-of-fold scores for every document, and the figures of each fold."""
    folds = max(2, min(int(params["folds"]), int(np.bincount(y).min())))
    scores = np.zeros((len(y), len(labels)), dtype=np.float64)
    per_fold: list[dict[str, Any]] = []
    for index, (train_idx, test_idx) in enumerate(stratified_folds(y, folds, int(params["seed"]))):
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

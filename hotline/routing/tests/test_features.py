"""What the category model counts: the same features as scikit-learn's TF-IDF vectorizer, a vocabulary
chosen from the training rows only, the same features on the prediction path, models stored in either
column order, and a cut of long messages that never halves personal data."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from hotline.routing.classifier import features
from hotline.routing.classifier.features import Featurizer, count, prepare
from hotline.routing.classifier.runtime import Predictor
from hotline.routing.classifier.store import dumps, loads
from hotline.routing.classifier.training import DEFAULT_PARAMS, train

from .conftest import city_rows

PARAMS = {**DEFAULT_PARAMS, "char_max_n": 3}  # three, the widest n-gram a code holds
ODD_TEXTS = [
    ("停水了😀", "整栋楼  停水，  水管爆了 😀😀"),  # a character outside the BMP, a space the only separator
    ("", "没有标题的留言，只有内容"),
    ("只有标题", ""),
    ("ABC abc 0", "Wi-Fi 信号差 abc"),
]


def _characters(text):
    """A tokenizer of one word a character, which gives many pairs of words (no spaces: jieba's words
    never hold one)."""
    return [c for c in text if not c.isspace()]


def _docs(tokenize=str.split):
    texts = [(r["title"], r["content"]) for r in city_rows(6)] + ODD_TEXTS
    return [prepare(title, content, tokenize) for title, content in texts]


def _sklearn(block, params):
    common = {"sublinear_tf": True, "lowercase": False, "dtype": np.float64}
    if block in features.CHAR_BLOCKS:
        min_df = params.get(f"{block}_min_df", 2 if block == "char" else 1)
        return TfidfVectorizer(
            analyzer="char", ngram_range=(1, params["char_max_n"]), min_df=min_df, **common
        )
    min_df = params.get("word_min_df", 2 if block == "word" else 1)
    if block == "word" and params.get("word_max_n", 1) == 2:
        return TfidfVectorizer(
            analyzer=lambda words: words + features.word_pairs(words), min_df=min_df, **common
        )
    return TfidfVectorizer(analyzer=lambda words: words, min_df=min_df, **common)


def _block(doc, block):
    return {"word": doc.words, "title": doc.title_words, "char": doc.chars, "title_char": doc.title_chars}[
        block
    ]


@pytest.mark.parametrize(
    ("params", "tokenize"),
    [
        (PARAMS, str.split),
        (DEFAULT_PARAMS, str.split),
        (DEFAULT_PARAMS, _characters),
        ({**PARAMS, "word_max_n": 1}, _characters),
    ],
    ids=["1-3-grams", "defaults", "word pairs", "no word pairs"],
)
def test_the_features_are_scikit_learns_tfidf(params, tokenize):
    docs = _docs(tokenize)
    rows = np.arange(0, len(docs), 3)
    rows = np.union1d(rows, np.arange(len(docs) - len(ODD_TEXTS), len(docs)))  # the odd texts in training
    held_out = np.setdiff1d(np.arange(len(docs)), rows)
    featurizer, matrix = Featurizer.fit(count(docs, params), rows, params)
    held = featurizer.transform([docs[i] for i in held_out])
    for block, start, end in featurizer.blocks:
        reference = _sklearn(block, params)
        expected = reference.fit_transform([_block(docs[i], block) for i in rows])
        names = reference.get_feature_names_out().tolist()
        terms = featurizer.vocabularies[block].terms.tolist()
        assert sorted(terms) == sorted(names)
        order = [names.index(t) for t in terms]
        weight = featurizer.weights[block]
        assert np.allclose(matrix[:, start:end].toarray(), expected[:, order].toarray() * weight, atol=1e-6)
        expected_held = reference.transform([_block(docs[i], block) for i in held_out])
        assert np.allclose(
            held[:, start:end].toarray(), expected_held[:, order].toarray() * weight, atol=1e-6
        )
    words = featurizer.vocabularies["word"].terms.tolist() if "word" in featurizer.vocabularies else []
    assert any(" " in t for t in words) == (tokenize is _characters and params.get("word_max_n", 1) == 2)


def test_a_model_stored_before_word_pairs_reads_words_alone():
    """Models stored before pairs of words were counted have no ``word_max_n``: they read words alone."""
    docs = _docs(_characters)
    words_alone = {**DEFAULT_PARAMS, "word_max_n": 1}
    featurizer, _ = Featurizer.fit(count(docs, words_alone), np.arange(len(docs)), words_alone)
    older = {k: v for k, v in DEFAULT_PARAMS.items() if k not in ("word_max_n", "nb_smoothing")}
    loaded = Featurizer.from_arrays(featurizer.to_arrays(), older)
    assert (
        loaded.word_max_n == 1
        and Featurizer.from_arrays(featurizer.to_arrays(), DEFAULT_PARAMS).word_max_n == 2
    )
    columns, values = loaded.transform_one(docs[0])
    named = [loaded.feature_name(int(c)) for c in columns]
    assert any(block == "word" for block, _ in named)
    assert all(" " not in term for block, term in named if block == "word")
    expected_columns, expected_values = featurizer.transform_one(docs[0])
    assert (columns == expected_columns).all() and np.allclose(values, expected_values)


def test_features_are_joined_a_slice_of_rows_at_a_time(monkeypatch):
    """Training writes the joined matrix a few documents at a time (memory); rows in any order, some of
    them empty in a block (no title), give the features of the prediction path."""
    monkeypatch.setattr(features, "_ROWS_AT_A_TIME", 3)
    docs = _docs()
    counts = count(docs, PARAMS)
    rows = np.arange(len(docs))[::-1]
    featurizer, matrix = Featurizer.fit(counts, rows, PARAMS)
    expected = featurizer.transform([docs[i] for i in rows])
    assert matrix.shape == expected.shape == (len(docs), featurizer.size)
    assert matrix.nnz == expected.nnz and abs(matrix - expected).max() < 1e-6
    assert matrix.has_sorted_indices and matrix.indices.dtype == np.int32 and matrix.dtype == np.float32
    no_title = len(docs) - len(ODD_TEXTS) + 1
    title_columns = dict((b, (s, e)) for b, s, e in featurizer.blocks)["title"]
    row = matrix[int(np.flatnonzero(rows == no_title)[0])]
    assert not ((row.indices >= title_columns[0]) & (row.indices < title_columns[1])).any()


def test_ngram_codes_stand_for_their_text():
    codes = np.unique(features.char_grams("a 停电😀", 3))
    terms = features.gram_terms(codes, 3)
    assert set(terms.tolist()) == {
        *"a 停电😀",
        *("a ", " 停", "停电", "电😀"),
        *("a 停", " 停电", "停电😀"),
    }
    assert (features.gram_codes(terms) == codes).all()


def test_a_model_stored_in_another_column_order_predicts_the_same(city_model):
    """Models store their terms in column order; older ones kept scikit-learn's alphabetical order."""
    model = loads(bytes(city_model.weights))
    with np.load(io.BytesIO(bytes(city_model.weights)), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    rng = np.random.default_rng(0)
    coef = arrays["coef"].copy()
    for block, start, end in model.weights.featurizer.blocks:
        order = rng.permutation(end - start)
        arrays[f"{block}_terms"] = arrays[f"{block}_terms"][order]
        arrays[f"{block}_idf"] = arrays[f"{block}_idf"][order]
        coef[:, start:end] = arrays["coef"][:, start + order]
    arrays["coef"] = coef
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    shuffled = loads(buffer.getvalue())
    title, content = "滨江花园突然停电", "整栋楼停电了，冰箱的东西要坏了，什么时候来电？"
    before, after = Predictor(model), Predictor(shuffled)
    doc = before.prepare(title, content)

    def named(featurizer):
        columns, values = featurizer.transform_one(doc)
        return {featurizer.feature_name(int(c)): float(v) for c, v in zip(columns, values, strict=True)}

    assert named(after.model.weights.featurizer) == pytest.approx(named(before.model.weights.featurizer))
    first, second = before.predict(title, content), after.predict(title, content)
    assert second.label == first.label and second.reasons[0] == first.reasons[0]
    assert [s.confidence for s in second.ranked] == pytest.approx([s.confidence for s in first.ranked])


def test_long_messages_are_cut_after_personal_data_is_masked():
    content = "停" * (features.CONTENT_CHARS - 2) + "13812345678" + "水" * 5000
    doc = prepare("标题", content, list)
    assert doc.chars == "标题 " + "停" * (features.CONTENT_CHARS - 2) + "<手"  # the mask cut, not the number
    assert doc.words[-2:] == ["<", "手"]


def test_a_two_label_model_scores_both_labels():
    rows = [r for r in city_rows(8) if r["label"] != "01003"]
    docs = [prepare(r["title"], r["content"], list) for r in rows]
    model = train(docs, [r["label"] for r in rows], {"folds": 2})
    predictor = Predictor(loads(dumps(model)), tokenize=list)
    prediction = predictor.predict("幸福里小区停水", "从早上开始停水，没有接到通知")
    assert prediction.label == "01001" and prediction.confidence > 0.5
    assert [s.label for s in prediction.ranked] == ["01001", "01002"]


def test_predicting_imports_no_scikit_learn():
    """Every process of the platform imports the model's modules; only training needs scikit-learn
    (about 90 MB with what it pulls in)."""
    modules = ("features", "metrics", "neighbours", "runtime", "store", "training")
    code = (
        "import sys\n"
        + "".join(f"import hotline.routing.classifier.{m}\n" for m in modules)
        + "print(sorted(m for m in ('sklearn', 'pandas', 'scipy.optimize') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


@pytest.mark.parametrize("shape", [(60, 400), (300, 40)], ids=["more features than rows", "fewer"])
def test_the_naive_bayes_ridge_is_scikit_learns_ridge_on_scaled_features(shape):
    """Each class's weights are those of ``Ridge(solver="sparse_cg")`` with the class weights of
    ``RidgeClassifier`` on the features times their log-count ratio, the ratio folded in."""
    from scipy import sparse
    from sklearn.linear_model import Ridge
    from sklearn.utils.class_weight import compute_sample_weight

    from hotline.routing.classifier.training import _nb_ridge

    rng = np.random.default_rng(0)
    matrix = sparse.random(*shape, density=0.1, format="csr", dtype=np.float32, random_state=1)
    y = rng.choice(3, size=shape[0], p=[0.6, 0.3, 0.1])
    params = {**DEFAULT_PARAMS, "nb_smoothing": 0.3, "alpha": 1.0}
    coef, intercept = _nb_ridge(matrix, y, 3, params)
    weights = compute_sample_weight("balanced", y)
    for label in range(3):
        inside = 0.3 + np.asarray(matrix[y == label].sum(axis=0), dtype=np.float64).ravel()
        outside = 0.3 + np.asarray(matrix[y != label].sum(axis=0), dtype=np.float64).ravel()
        ratio = np.log(inside / inside.sum()) - np.log(outside / outside.sum())
        scaled = (matrix @ sparse.diags(ratio)).tocsr().astype(np.float64)
        ridge = Ridge(alpha=1.0, solver="sparse_cg", tol=1e-10)
        ridge.fit(scaled, np.where(y == label, 1.0, -1.0), sample_weight=weights)
        assert np.allclose(coef[label], ridge.coef_ * ratio, atol=2e-3)
        assert intercept[label] == pytest.approx(ridge.intercept_, abs=2e-3)
        assert np.abs(ridge.coef_).max() > 0.05  # a real fit, not zeros compared with zeros


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_the_folds_are_scikit_learns(seed):
    """The benchmark's and the validation's splits stay those of ``StratifiedKFold``, row for row."""
    from sklearn.model_selection import StratifiedKFold

    from hotline.routing.classifier.training import stratified_folds

    y = np.random.default_rng(seed).choice([3, 0, 5, 1], size=257, p=[0.5, 0.3, 0.15, 0.05])
    for folds in (2, 5):
        expected = StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)
        ours = stratified_folds(y, folds, seed)
        assert len(ours) == folds
        for (train_rows, test_rows), (train_expected, test_expected) in zip(ours, expected, strict=True):
            assert train_rows.tolist() == train_expected.tolist()
            assert test_rows.tolist() == test_expected.tolist()


def test_the_sample_weights_are_scikit_learns():
    from sklearn.utils.class_weight import compute_sample_weight

    from hotline.routing.classifier.training import _sample_weights

    y = np.array([0, 0, 0, 2, 2, 1, 0, 2, 0])  # every class present, as in every training fold
    assert np.allclose(_sample_weights(y, "balanced"), compute_sample_weight("balanced", y))
    assert (_sample_weights(y, None) == 1).all()


def test_the_figures_are_scikit_learns():
    """Labels never predicted, never true, or unknown to the model (an evaluation on newer data)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    from hotline.routing.classifier.metrics import evaluate, macro_f1

    rng = np.random.default_rng(0)
    labels = ["a", "b", "c", "d"]
    true = rng.choice(["a", "b", "c", "x"], size=300).tolist()  # "d" never true, "x" unknown
    pred = [t if rng.random() < 0.6 else rng.choice(["a", "b", "d"]) for t in true]
    pred = [p if p != "x" else "c" for p in pred]  # "x" never predicted
    figures = evaluate(true, pred, rng.random(300), labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        true, pred, labels=labels, zero_division=0
    )
    for i, label in enumerate(labels):
        row = figures["per_class"][label]
        assert (row["precision"], row["recall"], row["f1"], row["support"]) == (
            round(float(precision[i]), 4),
            round(float(recall[i]), 4),
            round(float(f1[i]), 4),
            int(support[i]),
        )
    present = sorted(set(true))
    assert figures["macro_f1"] == round(float(f1_score(true, pred, labels=present, average="macro")), 4)
    assert figures["accuracy"] == round(float(accuracy_score(true, pred)), 4)
    assert figures["confusion"] == confusion_matrix(true, pred, labels=labels).tolist()
    assert 0.3 < figures["macro_f1"] < 0.9
    assert macro_f1(true, pred) == pytest.approx(f1_score(true, pred, average="macro"))


def test_training_imports_no_scikit_learn():
    """About 100 MB with what it pulls in, of the 500 a training may take."""
    code = (
        "import sys\n"
        "from hotline.routing.classifier.features import prepare\n"
        "from hotline.routing.classifier.training import train\n"
        "texts = [('停水', '小区停水了'), ('停电', '楼里停电了'), ('噪音', '工地夜里施工噪音')] * 4\n"
        "docs = [prepare(t, c, list) for t, c in texts]\n"
        "model = train(docs, ['water', 'power', 'noise'] * 4, {'folds': 2})\n"
        "print(model.metrics['macro_f1'] > 0.5, sorted(m for m in ('sklearn', 'pandas') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "True []"

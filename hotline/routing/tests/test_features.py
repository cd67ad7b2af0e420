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


def _docs():
    texts = [(r["title"], r["content"]) for r in city_rows(6)] + ODD_TEXTS
    return [prepare(title, content, str.split) for title, content in texts]


def _sklearn(block, params):
    common = {"sublinear_tf": True, "lowercase": False, "dtype": np.float64}
    if block in features.CHAR_BLOCKS:
        min_df = params.get(f"{block}_min_df", 2 if block == "char" else 1)
        return TfidfVectorizer(
            analyzer="char", ngram_range=(1, params["char_max_n"]), min_df=min_df, **common
        )
    min_df = params.get("word_min_df", 2 if block == "word" else 1)
    return TfidfVectorizer(analyzer=lambda words: words, min_df=min_df, **common)


def _block(doc, block):
    return {"word": doc.words, "title": doc.title_words, "char": doc.chars, "title_char": doc.title_chars}[
        block
    ]


@pytest.mark.parametrize("params", [PARAMS, DEFAULT_PARAMS], ids=["1-3-grams", "defaults"])
def test_the_features_are_scikit_learns_tfidf(params):
    docs = _docs()
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


def test_a_fit_on_some_rows_knows_nothing_of_the_others():
    """Counted once for a cross-validation, each fold's vocabulary and IDF are those of its own rows."""
    docs = _docs()
    counts = count(docs, PARAMS)
    emoji = len(docs) - len(ODD_TEXTS)  # the text with 😀 in its title is held out
    rows = np.array([i for i in range(0, len(docs), 2) if i != emoji])
    featurizer, matrix = Featurizer.fit(counts, rows, PARAMS)
    alone, alone_matrix = Featurizer.fit(count([docs[i] for i in rows], PARAMS), np.arange(len(rows)), PARAMS)
    for block, vocabulary in featurizer.vocabularies.items():
        assert vocabulary.terms.tolist() == alone.vocabularies[block].terms.tolist()
        assert np.allclose(vocabulary.idf, alone.vocabularies[block].idf)
    assert abs(matrix - alone_matrix).max() < 1e-6
    held_out = np.setdiff1d(np.arange(len(docs)), rows)
    on_counts = featurizer.transform_counted(counts, held_out)
    assert abs(on_counts - featurizer.transform([docs[i] for i in held_out])).max() < 1e-6
    assert "😀" in counts["title_char"].terms.tolist()  # counted, as every term of every text is,
    assert "😀" not in featurizer.vocabularies["title_char"].terms.tolist()  # but not a term of this fit


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
    modules = ("features", "metrics", "runtime", "store", "training")
    code = (
        "import sys\n"
        + "".join(f"import hotline.routing.classifier.{m}\n" for m in modules)
        + "print(sorted(m for m in ('sklearn', 'pandas', 'scipy.optimize') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"

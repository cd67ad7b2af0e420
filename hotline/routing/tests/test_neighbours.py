"""The nearest past requests' vote: the k most similar training documents by cosine, each voting with
its similarity; an index without the commonest terms and of bounded size; stored with the model, and
models stored without one still predict as they did."""

from __future__ import annotations

import io

import numpy as np
import pytest
from scipy import sparse

from hotline.routing.classifier.neighbours import Neighbours
from hotline.routing.classifier.runtime import Predictor, tokenizer_for
from hotline.routing.classifier.store import loads
from hotline.text.segment import tokenizer, tokens

PARAMS = {"knn_k": 3, "knn_weight": 0.5, "knn_max_df": 1.0, "knn_max_documents": 1000, "seed": 0}


def _unit_rows(rows: int, columns: int, seed: int) -> sparse.csr_matrix:
    matrix = sparse.random(rows, columns, density=0.3, format="csr", dtype=np.float32, random_state=seed)
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1 / lengths) @ matrix, dtype=np.float32)


def _brute_force(train: np.ndarray, y: np.ndarray, query: np.ndarray, k: int, weight: float) -> np.ndarray:
    similarities = train @ query
    nearest = np.argsort(-similarities, kind="stable")[:k]
    votes = np.zeros(y.max() + 1)
    for row in nearest:
        votes[y[row]] += max(0.0, similarities[row])
    return weight * votes / votes.sum()


def test_the_k_most_similar_documents_vote_with_their_similarity():
    train, queries = _unit_rows(40, 25, 1), _unit_rows(6, 25, 2)
    y = np.random.default_rng(0).integers(0, 3, size=40)
    y[:3] = [0, 1, 2]  # every class present
    neighbours = Neighbours.build(train, y, 3, PARAMS)
    assert neighbours is not None and len(neighbours) == 40
    expected = np.array([_brute_force(train.toarray(), y, q, 3, 0.5) for q in queries.toarray()])
    assert np.allclose(neighbours.votes(queries), expected, atol=1e-6)
    assert expected.sum(axis=1) == pytest.approx([0.5] * 6)  # the weight, shared among the classes
    for row in range(queries.shape[0]):  # the prediction path agrees with the batch
        query = queries[row]
        assert np.allclose(neighbours.votes_one(query.indices, query.data), expected[row], atol=1e-6)


def test_the_votes_are_computed_a_slice_of_queries_at_a_time(monkeypatch):
    from hotline.routing.classifier import neighbours as module

    train, queries = _unit_rows(30, 20, 3), _unit_rows(9, 20, 4)
    y = np.arange(30) % 3
    index = Neighbours.build(train, y, 3, PARAMS)
    assert index is not None
    whole = index.votes(queries)
    monkeypatch.setattr(module, "_SIMILARITIES_AT_A_TIME", 30 * 2)  # two queries at a time
    assert np.allclose(index.votes(queries), whole)


def test_a_request_like_no_document_gets_no_votes():
    train = _unit_rows(10, 20, 5)
    index = Neighbours.build(train, np.arange(10) % 2, 2, PARAMS)
    assert index is not None
    empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    assert (index.votes_one(*empty) == 0).all()


def test_terms_in_most_documents_are_left_out_of_the_index():
    common = np.ones((10, 1), dtype=np.float32)  # in every document
    rare = np.eye(10, dtype=np.float32)  # in one each
    train = sparse.csr_matrix(np.hstack([common, rare]))
    index = Neighbours.build(train, np.arange(10) % 2, 2, {**PARAMS, "knn_max_df": 0.5})
    assert index is not None
    assert index.postings[0].nnz == 0 and index.postings[1:].nnz == 10
    # A request sharing only the common term with the documents gets no votes from it.
    assert (index.votes_one(np.array([0]), np.array([1.0], dtype=np.float32)) == 0).all()


def test_the_index_keeps_a_bounded_sample_of_the_documents():
    train = _unit_rows(50, 20, 6)
    y = np.arange(50) % 2
    first = Neighbours.build(train, y, 2, {**PARAMS, "knn_max_documents": 20})
    again = Neighbours.build(train, y, 2, {**PARAMS, "knn_max_documents": 20})
    assert first is not None and again is not None
    assert len(first) == 20 and first.postings.shape == (20, 20)
    assert (first.postings != again.postings).nnz == 0  # the same sample for the same data


def test_no_index_without_a_weight():
    assert Neighbours.build(_unit_rows(5, 5, 7), np.arange(5) % 2, 2, {**PARAMS, "knn_weight": 0}) is None


def _arrays(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _saved(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def test_the_model_keeps_its_neighbours_and_their_vote_counts(city_model):
    model = loads(bytes(city_model.weights))
    assert model.weights.neighbours is not None
    assert len(model.weights.neighbours) == city_model.training_summary["used"]  # every training order
    title, content = "幸福里小区停水", "从早上开始停水，没有接到通知"
    predictor = Predictor(model)
    indices, values = model.weights.featurizer.transform_one(predictor.prepare(title, content))
    linear = model.weights.coef[:, indices] @ values + model.weights.intercept
    votes = model.weights.neighbours.votes_one(indices, values)
    assert votes.sum() == pytest.approx(model.params["knn_weight"])
    assert np.allclose(model.weights.score_one(indices, values), linear + votes)


def test_a_model_stored_without_neighbours_predicts_with_its_linear_scores(city_model):
    """Models stored before the vote have neither the arrays nor ``knn_*`` parameters."""
    import json

    arrays = _arrays(bytes(city_model.weights))
    meta = json.loads(arrays["meta"].tobytes().decode())
    meta["params"] = {k: v for k, v in meta["params"].items() if not k.startswith("knn_")}
    arrays = {name: array for name, array in arrays.items() if not name.startswith("neighbour_")}
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
    older = loads(_saved(arrays))
    assert older.weights.neighbours is None
    title, content = "幸福里小区停水", "从早上开始停水，没有接到通知"
    indices, values = older.weights.featurizer.transform_one(Predictor(older).prepare(title, content))
    linear = older.weights.coef[:, indices] @ values + older.weights.intercept
    assert np.allclose(older.weights.score_one(indices, values), linear)
    assert Predictor(older).predict(title, content).label


def test_neighbours_that_do_not_fit_the_model_are_refused(city_model):
    arrays = _arrays(bytes(city_model.weights))
    arrays["neighbour_indptr"] = arrays["neighbour_indptr"][:-1]
    with pytest.raises(ValueError, match="neighbours"):
        loads(_saved(arrays))
    arrays = _arrays(bytes(city_model.weights))
    arrays["neighbour_labels"] = arrays["neighbour_labels"] + 10
    with pytest.raises(ValueError, match="neighbours"):
        loads(_saved(arrays))


def test_a_model_segments_as_it_was_trained():
    """New models segment without jieba's hidden Markov model; models stored before ``segment_hmm``
    keep it."""
    text = "他来到了网易杭研大厦"  # jieba's own example: 杭研 is in no dictionary
    jieba = tokenizer()
    with_hmm, without = jieba.lcut(text), jieba.lcut(text, HMM=False)
    assert with_hmm != without  # a text where the model guesses words the dictionary lacks
    assert tokenizer_for({})(text) == tokens(text, normalized=True, hmm=True)
    assert tokenizer_for({"segment_hmm": False})(text) == tokens(text, normalized=True, hmm=False)
    assert "杭研" in tokens(text) and "杭研" not in tokens(text, hmm=False)

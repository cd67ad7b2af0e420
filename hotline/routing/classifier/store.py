"""A trained model as bytes and back: an ``.npz`` archive of plain numeric and string arrays plus one JSON
document, read with ``allow_pickle=False``. Nothing executable is ever loaded, and the SHA-256 of the
bytes is checked against the one recorded when the model was stored."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from .features import Featurizer
from .neighbours import Neighbours
from .training import TrainedModel, Weights

FORMAT = "hotline-category-model/1"


@dataclass
class LoadedModel:
    labels: list[str]
    params: dict[str, Any]
    weights: Weights
    temperature: float


def dumps(model: TrainedModel) -> bytes:
    meta = {
        "format": FORMAT,
        "labels": model.labels,
        "params": model.params,
        "temperature": model.temperature,
    }
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
        "coef": model.weights.coef.astype(np.float32),
        "intercept": model.weights.intercept.astype(np.float32),
        **model.weights.featurizer.to_arrays(),
        **(model.weights.neighbours.to_arrays() if model.weights.neighbours is not None else {}),
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def loads(data: bytes, *, expected_sha256: str | None = None) -> LoadedModel:
    if expected_sha256 is not None and sha256(data) != expected_sha256:
        raise ValueError("model weights do not match their recorded checksum")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode())
    if meta.get("format") != FORMAT:
        raise ValueError(f"unknown model format {meta.get('format')!r}")
    coef, intercept = arrays.pop("coef"), arrays.pop("intercept")
    featurizer = Featurizer.from_arrays(arrays, meta["params"])
    if coef.shape != (len(meta["labels"]), featurizer.size):
        raise ValueError("model weights do not fit its vocabulary")
    neighbours = Neighbours.from_arrays(arrays, featurizer.size, len(meta["labels"]), meta["params"])
    return LoadedModel(
        labels=list(meta["labels"]),
        params=dict(meta["params"]),
        weights=Weights(featurizer, np.ascontiguousarray(coef), intercept, neighbours),
        temperature=float(meta["temperature"]),
    )

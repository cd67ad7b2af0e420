"""Writes of the category model: train and store a version, switch the active one, record evaluations, and
export a month of orders as training data. Each write is one transaction and leaves a ``ModelAudit`` row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from hotline.core.clock import localtime
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.rows import Table
from hotline.directory.models import User

from ..classifier import runtime
from ..classifier.features import prepare
from ..classifier.metrics import evaluate
from ..classifier.store import dumps, sha256
from ..classifier.training import ALGORITHM, DEFAULT_PARAMS, train
from ..models import ModelAudit, ModelVersion

DEFAULT_TEXT_COLUMNS = ("title", "content")
DEFAULT_LABEL_COLUMN = "label"


@dataclass(frozen=True)
class Examples:
    """Labelled texts read from a table: (title, content) pairs and their labels."""

    texts: list[tuple[str, str]]
    labels: list[str]
    skipped: int
    text_columns: tuple[str, ...]
    label_column: str
    digest: str


def examples_from_rows(
    rows: Sequence[dict[str, str]],
    *,
    text_columns: Sequence[str] = DEFAULT_TEXT_COLUMNS,
    label_column: str = DEFAULT_LABEL_COLUMN,
    require_labels: bool = True,
) -> Examples:
    """The first text column is read as the title, the others together as the content. Rows without text
    or label are skipped and counted."""
    columns = tuple(c.strip() for c in text_columns if c.strip())
    if not columns:
        raise ValidationFailed("Name at least one text column.", code="text_column_required")
    if not rows:
        raise ValidationFailed("The file has no rows.", code="invalid_file")
    header = set(rows[0])
    missing = [c for c in (*columns, label_column) if c not in header]
    if missing:
        raise ValidationFailed(
            f"The file has no column {missing[0]!r}.",
            code="missing_column",
            details={"missing": missing, "columns": sorted(header)},
        )
    texts: list[tuple[str, str]] = []
    labels: list[str] = []
    skipped = 0
    digest = hashlib.sha256()
    for row in rows:
        title = (row.get(columns[0]) or "").strip() if len(columns) > 1 else ""
        content = " ".join((row.get(c) or "").strip() for c in (columns[1:] if len(columns) > 1 else columns))
        label = (row.get(label_column) or "").strip()
        if not (title or content.strip()) or (require_labels and not label):
            skipped += 1
            continue
        texts.append((title, content.strip()))
        labels.append(label)
        digest.update(json.dumps([title, content, label], ensure_ascii=False).encode())
    return Examples(texts, labels, skipped, columns, label_column, digest.hexdigest())


def model_train(
    *,
    examples: Examples,
    actor: User | None,
    now: dt.datetime,
    source: str = "",
    name: str = "",
    activate: bool = True,
    params: dict[str, Any] | None = None,
) -> ModelVersion:
    """Train, cross-validate and store a model version; activate it unless told not to. The version keeps
    its validation metrics and a summary of its training data (never the texts themselves)."""
    if len(examples.texts) < 10:
        raise ValidationFailed("Training needs at least 10 labelled texts.", code="too_few_examples")
    tokenize = runtime.tokenizer_for({**DEFAULT_PARAMS, **(params or {})})
    docs = [prepare(title, content, tokenize) for title, content in examples.texts]
    trained = train(docs, examples.labels, params)
    data = dumps(trained)
    summary = {
        **trained.summary,
        "source": source,
        "skipped_rows": examples.skipped,
        "text_columns": list(examples.text_columns),
        "label_column": examples.label_column,
        "data_sha256": examples.digest,
    }
    with transaction.atomic():
        version = ModelVersion.objects.create(
            name=name or f"{localtime(now):%Y-%m-%d %H:%M} {source}".strip(),
            algorithm=ALGORITHM,
            params=trained.params,
            labels=trained.labels,
            metrics=trained.metrics,
            training_summary=summary,
            weights=b"",  # written below, out of DEBUG's query log
            weights_sha256=sha256(data),
            size=len(data),
            created_at=now,
            created_by=actor,
        )
        version.weights = data
        Table(ModelVersion).update(version, ["weights"], unlogged=True)
        ModelAudit.objects.create(
            version=version,
            action=ModelAudit.Action.TRAINED,
            at=now,
            actor=actor,
            detail={"macro_f1": trained.metrics.get("macro_f1"), "accuracy": trained.metrics.get("accuracy")},
        )
        if activate:
            version = model_activate(version=version, actor=actor, now=now)
    return version


def model_activate(*, version: ModelVersion, actor: User | None, now: dt.datetime) -> ModelVersion:
    """Make ``version`` the one that predicts; the previously active one is deactivated. Both changes
    are recorded."""
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        if locked.active:
            return locked
        for previous in ModelVersion.objects.select_for_update().filter(active=True):
            previous.active = False
            previous.save(update_fields=["active"])
            ModelAudit.objects.create(
                version=previous,
                action=ModelAudit.Action.DEACTIVATED,
                at=now,
                actor=actor,
                detail={"replaced_by": locked.pk},
            )
        locked.active = True
        locked.activated_at = now
        locked.save(update_fields=["active", "activated_at"])
        ModelAudit.objects.create(version=locked, action=ModelAudit.Action.ACTIVATED, at=now, actor=actor)
        transaction.on_commit(runtime.forget)
    return locked


def model_deactivate(*, version: ModelVersion, actor: User | None, now: dt.datetime) -> ModelVersion:
    """Stop using ``version``: no model predicts until another is activated (suggestions then come from
    the catalogue and the evidence alone)."""
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        if not locked.active:
            raise Conflict("This model version is not active.", code="model_not_active")
        locked.active = False
        locked.save(update_fields=["active"])
        ModelAudit.objects.create(version=locked, action=ModelAudit.Action.DEACTIVATED, at=now, actor=actor)
        transaction.on_commit(runtime.forget)
    return locked


def model_evaluate(
    *, examples: Examples, actor: User | None, now: dt.datetime, source: str = ""
) -> dict[str, Any]:
    """The active model's figures on labelled data it may never have seen; recorded on the version."""
    predictor = runtime.active_predictor()
    if predictor is None:
        raise Conflict("No category model is active: train one first.", code="no_active_model")
    if not examples.texts:
        raise ValidationFailed("The file has no labelled texts.", code="invalid_file")
    predicted, confidence = predictor.predict_many(examples.texts)
    labels = sorted(set(predictor.labels) | set(examples.labels))
    metrics = evaluate(examples.labels, predicted, confidence, labels)
    metrics["model"] = {"id": predictor.version_id, "name": predictor.version_name}
    metrics["unknown_labels"] = sorted(set(examples.labels) - set(predictor.labels))
    if predictor.version_id is not None:
        ModelAudit.objects.create(
            version_id=predictor.version_id,
            action=ModelAudit.Action.EVALUATED,
            at=now,
            actor=actor,
            detail={
                "source": source,
                "n": metrics["n"],
                "accuracy": metrics["accuracy"],
                "macro_f1": metrics["macro_f1"],
            },
        )
    return metrics


def training_rows_path(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".txt"):
        raise ValidationFailed("Use a .csv or .xlsx file.", code="invalid_file")
    return path

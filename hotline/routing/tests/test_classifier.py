"""The category model: trained, validated, stored without pickle, switched and audited; the commands on a
sample of the real messages (read from ../shared/data at run time)."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.core.errors import Conflict, ValidationFailed
from hotline.routing.classifier import runtime
from hotline.routing.classifier.store import loads
from hotline.routing.models import ModelAudit, ModelVersion
from hotline.routing.services import examples_from_rows, model_activate, model_deactivate, model_train

from .conftest import city_rows, real_sample, write_csv

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_train_and_eval_commands_on_real_messages(tmp_path):
    train = write_csv(tmp_path / "train.csv", real_sample(40))
    held_out = write_csv(tmp_path / "test.csv", real_sample(15, skip=40))
    output = _run("router", "train", "--input", str(train))
    assert "cross-validated (5 folds)" in output and "active" in output
    version = ModelVersion.objects.get(active=True)
    assert len(version.labels) == 7
    assert version.metrics["macro_f1"] > 0.6  # 280 texts only; the benchmark measures the full set
    assert set(version.metrics["per_class"]) == set(version.labels)
    assert version.training_summary["rows"] == 280 and version.training_summary["text_columns"] == [
        "title",
        "content",
    ]
    assert version.training_summary["data_sha256"]
    report = json.loads(_run("router", "eval", "--input", str(held_out), "--json"))
    assert {"accuracy", "macro_f1", "per_class", "confusion", "precision_coverage"} <= set(report)
    assert report["n"] == 105 and report["macro_f1"] > 0.6
    coverage = {point["coverage"]: point["precision"] for point in report["precision_coverage"]}
    assert coverage[0.6] >= coverage[1.0] - 0.02  # the most confident share is at least as precise
    text = _run("router", "eval", "--input", str(held_out))
    assert "confusion matrix" in text and "precision / coverage" in text and "macro-F1" in text
    assert ModelAudit.objects.filter(version=version, action="evaluated").count() == 2


def test_the_command_runs_without_the_system_checks(monkeypatch):
    """The checks import every view of the platform (87 MB of a training process that needs none)."""
    from django.core.management import ManagementUtility
    from django.core.management.base import BaseCommand

    checked = []
    monkeypatch.setattr(BaseCommand, "check", lambda self, *args, **kwargs: checked.append(self))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    ManagementUtility(["hotline", "router", "list"]).execute()
    ManagementUtility(["hotline", "check"]).execute()  # ``check`` itself still checks
    assert [type(command).__module__ for command in checked] == ["django.core.management.commands.check"]


def test_text_and_label_columns_are_chosen(tmp_path):
    rows = [{"主题": r["title"], "详情": r["content"], "一级分类": r["label"]} for r in real_sample(12)]
    path = write_csv(tmp_path / "cn.csv", rows)
    with pytest.raises(CommandError, match="no column 'title'"):
        call_command("router", "train", "--input", str(path))
    _run(
        "router",
        "train",
        "--input",
        str(path),
        "--text-col",
        "主题",
        "--text-col",
        "详情",
        "--label-col",
        "一级分类",
    )
    version = ModelVersion.objects.get(active=True)
    assert version.training_summary["label_column"] == "一级分类"


def test_xlsx_input(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "content", "label"])
    for row in city_rows(8):
        sheet.append([row["title"], row["content"], row["label"]])
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    _run("router", "train", "--input", str(path), "--no-activate")
    assert ModelVersion.objects.filter(active=False).count() == 1


def test_weights_are_arrays_and_json_never_pickle(city_model):
    data = bytes(city_model.weights)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "meta.npy" in names and "coef.npy" in names
        for name in names:
            header = archive.read(name)[:128]
            assert b"'descr': '|O'" not in header  # no object arrays, so nothing to unpickle
    model = loads(data, expected_sha256=city_model.weights_sha256)
    assert model.labels == ["01001", "01002", "01003"]
    with pytest.raises(ValueError, match="checksum"):
        loads(data, expected_sha256="0" * 64)
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        assert archive["coef"].dtype == np.float32


def test_prediction_is_calibrated_and_explained(city_model):
    predictor = runtime.active_predictor()
    assert predictor is not None and predictor.version_id == city_model.pk
    prediction = predictor.predict("滨江花园突然停电", "整栋楼停电了，冰箱的东西要坏了，什么时候来电？")
    assert prediction.label == "01002"
    assert 0.5 < prediction.confidence <= 1.0
    assert abs(sum(s.confidence for s in prediction.ranked) - 1.0) < 0.05
    assert "停电" in prediction.reasons
    assert runtime.active_predictor() is predictor  # loaded once per process
    # Personal data never becomes a feature.
    featurizer = predictor.model.weights.featurizer
    vocabulary = set().union(*(v.terms.tolist() for v in featurizer.vocabularies.values()))
    assert not any("138" in term for term in vocabulary)


def test_versions_are_switchable_and_audited(city, power, now, admin_user):
    first = model_train(examples=examples_from_rows(city_rows(10)), actor=admin_user, now=now)
    second = model_train(examples=examples_from_rows(city_rows(10, seed=2)), actor=admin_user, now=now)
    assert list(ModelVersion.objects.filter(active=True)) == [second]
    model_activate(version=first, actor=admin_user, now=now)
    runtime.forget()
    assert runtime.active_predictor().version_id == first.pk
    actions = list(ModelAudit.objects.filter(version=second).order_by("pk").values_list("action", flat=True))
    assert actions == ["trained", "activated", "deactivated"]
    model_deactivate(version=first, actor=admin_user, now=now)
    runtime.forget()
    assert runtime.active_predictor() is None
    with pytest.raises(Conflict):
        model_deactivate(version=first, actor=admin_user, now=now)


def test_bad_training_data_is_refused(city, now):
    with pytest.raises(ValidationFailed) as info:
        examples_from_rows([{"title": "a", "label": "x"}])
    assert info.value.code == "missing_column"
    rows = [{"title": f"停水{n}", "content": "停水", "label": "01001"} for n in range(12)]
    with pytest.raises(ValidationFailed) as info:
        model_train(examples=examples_from_rows(rows), actor=None, now=now)
    assert info.value.code == "too_few_labels"
    assert not ModelVersion.objects.exists()


def test_export_a_month_as_training_data(make_order, now, tmp_path):
    make_order(content="东湖街道幸福里小区停水，联系电话13812345678")
    path = tmp_path / "month.csv"
    output = _run("router", "export", "--month", now.strftime("%Y-%m"), "--output", str(path))
    assert output.startswith("1 orders")
    text = path.read_text(encoding="utf-8-sig")
    assert "01001" in text and "13812345678" not in text and "<手机号>" in text


def test_a_prediction_normalises_its_text_once(city_model, monkeypatch):
    """``prepare`` cleans (and so normalises) the text; the tokenizer does not normalise it again."""
    from hotline.routing.classifier.features import clean
    from hotline.text import segment

    predictor = runtime.active_predictor()
    title, content = "幸福里小區停水", "從早上開始停水，ＡＢＣ棟沒有水"  # traditional and full-width
    calls = []
    normalize = segment.normalize
    monkeypatch.setattr(segment, "normalize", lambda text: calls.append(text) or normalize(text))
    assert predictor.predict(title, content).label == "01001"
    assert calls == []
    doc = predictor.prepare(title, content)
    assert doc.words == segment.tokens(clean(title)) + segment.tokens(clean(content))
    assert calls  # called by the plain ``tokens``, which still normalises
    assert "小区" in doc.words and "ABC" in doc.chars


def test_the_algorithm_s_name_fits_its_column():
    """SQLite stores a longer string; PostgreSQL refuses it, and the model would not be saved."""
    from hotline.routing.classifier.training import ALGORITHM

    assert len(ALGORITHM) <= ModelVersion._meta.get_field("algorithm").max_length

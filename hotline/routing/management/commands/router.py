"""``hotline router train|eval|export|list|activate``: the category model from the command line.

hotline router train --input FILE [--text-col title --text-col content] [--label-col label] [--no-activate]
hotline router eval --input FILE [--text-col ...] [--label-col ...] [--json]
hotline router export --month 2026-11 --output FILE.csv|.xlsx
hotline router list
hotline router activate ID
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.clock import local_tz, localtime, now
from hotline.core.errors import ApplicationError
from hotline.core.tables import read_table
from hotline.directory.models import Role, User

from ...models import ModelVersion
from ...selectors import training_rows
from ...services import examples_from_rows, model_activate, model_evaluate, model_train
from ...services.models import DEFAULT_LABEL_COLUMN, DEFAULT_TEXT_COLUMNS, training_rows_path


class Command(BaseCommand):
    help = "Train, evaluate, export training data for and switch the category model."
    # The system checks import every URL configuration and view of the platform (87 MB, with what they
    # pull in) that training never uses; `hotline check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("train", "train, validate and store a model version"),
            ("eval", "evaluate the active model"),
        ):
            command = sub.add_parser(name, help=text)
            command.add_argument("--input", required=True, help="CSV or XLSX file")
            command.add_argument(
                "--text-col", action="append", dest="text_cols", help="text column (repeatable)"
            )
            command.add_argument("--label-col", default=DEFAULT_LABEL_COLUMN)
            if name == "train":
                command.add_argument("--no-activate", action="store_true", help="store without activating")
                command.add_argument("--name", default="")
            else:
                command.add_argument("--json", action="store_true", help="print one JSON object")
        export = sub.add_parser("export", help="a month of orders as training data")
        export.add_argument("--month", required=True, help="YYYY-MM")
        export.add_argument("--output", required=True, help="CSV or XLSX file")
        sub.add_parser("list", help="model versions")
        activate = sub.add_parser("activate", help="make a model version the active one")
        activate.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc

    def _examples(self, options: dict[str, Any]) -> tuple[Any, str]:
        path = training_rows_path(options["input"])
        rows = read_table(path)
        examples = examples_from_rows(
            rows, text_columns=options["text_cols"] or DEFAULT_TEXT_COLUMNS, label_column=options["label_col"]
        )
        return examples, path.name

    def _train(self, options: dict[str, Any]) -> None:
        examples, source = self._examples(options)
        self.stdout.write(f"training on {len(examples.texts)} texts ({examples.skipped} rows skipped) …")
        version = model_train(
            examples=examples,
            actor=None,
            now=now(),
            source=source,
            name=options["name"],
            activate=not options["no_activate"],
        )
        metrics = version.metrics
        cv = metrics.get("cv", {})
        self.stdout.write(
            f"model {version.pk} “{version.name}”: {len(version.labels)} labels, "
            f"{version.training_summary.get('features')} features, {version.size / 1e6:.1f} MB"
        )
        self.stdout.write(
            f"cross-validated ({cv.get('folds')} folds): accuracy {metrics.get('accuracy'):.4f}, "
            f"macro-F1 {metrics.get('macro_f1'):.4f} (per fold {cv.get('macro_f1_mean'):.4f} ± "
            f"{cv.get('macro_f1_std'):.4f}), calibration error {metrics.get('ece'):.4f}"
        )
        self.stdout.write("active" if version.active else "stored, not active (hotline router activate ID)")

    def _eval(self, options: dict[str, Any]) -> None:
        examples, source = self._examples(options)
        metrics = model_evaluate(examples=examples, actor=None, now=now(), source=source)
        if options["json"]:
            self.stdout.write(json.dumps(metrics, ensure_ascii=False))
            return
        self.stdout.write(
            f"model {metrics['model']['id']} “{metrics['model']['name']}” on {metrics['n']} texts"
        )
        self.stdout.write(
            f"accuracy {metrics['accuracy']:.4f}   macro-F1 {metrics['macro_f1']:.4f}   ECE {metrics['ece']:.4f}"
        )
        width = max(len(label) for label in metrics["labels"]) + 2
        self.stdout.write(f"{'label':<{width}}precision  recall     f1  support")
        for label, row in metrics["per_class"].items():
            self.stdout.write(
                f"{label:<{width}}{row['precision']:>9.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}{row['support']:>9d}"
            )
        self.stdout.write("confusion matrix (rows: true label, columns: predicted, in the order above)")
        for label, counts in zip(metrics["labels"], metrics["confusion"], strict=True):
            self.stdout.write(f"{label:<{width}}" + " ".join(f"{c:>5d}" for c in counts))
        self.stdout.write("precision / coverage (most confident share first)")
        for point in metrics["precision_coverage"]:
            self.stdout.write(
                f"  {point['coverage']:>4.0%}  precision {point['precision']:.4f}  confidence ≥ {point['threshold']:.3f}"
            )
        if metrics["unknown_labels"]:
            self.stdout.write(f"labels the model does not know: {', '.join(metrics['unknown_labels'])}")

    def _export(self, options: dict[str, Any]) -> None:
        try:
            start = dt.datetime.strptime(options["month"], "%Y-%m").replace(tzinfo=local_tz())
        except ValueError as exc:
            raise CommandError("--month must be YYYY-MM") from exc
        end = (start + dt.timedelta(days=32)).replace(day=1)
        system = User(role=Role.ADMIN, is_active=True, is_superuser=True)  # the command runs as the platform
        rows = training_rows(system, start=start, end=end)
        write_rows(Path(options["output"]), rows)
        self.stdout.write(f"{len(rows)} orders written to {options['output']}")

    def _list(self, options: dict[str, Any]) -> None:
        for version in ModelVersion.objects.defer("weights"):
            flag = "*" if version.active else " "
            self.stdout.write(
                f"{flag} {version.pk:>4}  {localtime(version.created_at):%Y-%m-%d %H:%M}  macro-F1 "
                f"{version.metrics.get('macro_f1', 0):.4f}  {len(version.labels)} labels  {version.name}"
            )

    def _activate(self, options: dict[str, Any]) -> None:
        version = ModelVersion.objects.defer("weights").filter(pk=options["id"]).first()
        if version is None:
            raise CommandError(f"No model version {options['id']}.")
        model_activate(version=version, actor=None, now=now())
        self.stdout.write(f"model {version.pk} is active")


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Training rows to CSV (UTF-8 with BOM, for Excel) or XLSX."""
    columns = ["number", "received_at", "title", "content", "label", "label_name", "level1"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(columns)
        for row in rows:
            sheet.append([row[c] for c in columns])
        workbook.save(path)
        return
    if path.suffix.lower() != ".csv":
        raise CommandError("--output must end in .csv or .xlsx")
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)

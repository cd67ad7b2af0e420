"""Reading tabular files (CSV or XLSX) that admins import: the taxonomy, the catalogue, knowledge entries."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import ValidationFailed


def read_table(path: Path | str) -> list[dict[str, str]]:
    """Rows of a ``.csv`` (UTF-8, with or without BOM, or GB18030) or ``.xlsx`` file as dicts keyed by the
    stripped header cells. Raises ``ValidationFailed`` for unreadable files."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed(f"No such file: {path}", code="file_not_found")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed(f"{path.name} is neither UTF-8 nor GB18030 text.", code="invalid_file")
        reader = csv.DictReader(io.StringIO(text))
        return [
            {(key or "").strip(): (value or "").strip() for key, value in row.items() if key is not None}
            for row in reader
        ]
    raise ValidationFailed(f"Unsupported file type {suffix!r}: use .csv or .xlsx.", code="invalid_file")


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationFailed(f"Cannot read {path.name}: {exc}", code="invalid_file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    keys = [str(cell or "").strip() for cell in header]
    result = [
        {
            key: "" if value is None else str(value).strip()
            for key, value in zip(keys, row, strict=False)
            if key
        }
        for row in rows
        if any(value is not None and str(value).strip() for value in row)
    ]
    workbook.close()
    return result

"""Exports of an assessment: an Excel workbook with one sheet per view, and the context of the Word notice."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hotline.core.clock import localtime

from .measures import MEASURES
from .scoring import ADJUSTMENT, Row, SchemeSpec
from .selectors import Assessment

VIEW_TITLES = {"unit": "units", "district": "district governments", "division": "district areas"}


def view_title(view: str) -> str:
    return {
        "unit": _("units"),
        "district": _("district governments"),
        "division": _("district areas"),
    }[view]


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}"


def _indicator_cells(row: Row, spec: SchemeSpec) -> list[float | None]:
    cells: list[float | None] = []
    for indicator in spec.indicators:
        result = row.result(indicator.code)
        cells.append(result.value if result else None)
    return cells


def workbook(assessments: Mapping[str, Assessment]) -> bytes:
    """One sheet per view (units, district governments, district areas), then the indicators and the
    measures they are computed from."""
    book = Workbook()
    book.remove(book.active)
    first = next(iter(assessments.values()))
    spec = first.scheme
    bold = Font(bold=True)
    for view, assessment in assessments.items():
        sheet = book.create_sheet(view_title(view)[:31])
        sheet.append([f"{spec.name} · {assessment.period.label} · {view_title(view)}"])
        sheet["A1"].font = bold
        headers = [
            _("rank"),
            _("name"),
            _("score"),
            _("previous score"),
            pgettext("trend", "change"),
            _("previous rank"),
            _("places gained"),
            *[f"{i.name}（{i.unit_label}）" if i.unit_label else i.name for i in spec.indicators],
            *[str(MEASURES[code].label) for code in MEASURES],
        ]
        sheet.append(headers)
        for cell in sheet[2]:
            cell.font = bold
        for row in [*assessment.rows, assessment.total]:
            sheet.append(
                [
                    row.rank,
                    row.name,
                    row.total,
                    row.previous_total,
                    row.total_change,
                    row.previous_rank,
                    row.rank_change,
                    *_indicator_cells(row, spec),
                    *[row.counts.get(code, 0) for code in MEASURES],
                ]
            )
        sheet.freeze_panes = "C3"
        sheet.column_dimensions["B"].width = 28
        for index in range(3, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet = book.create_sheet(_("indicators")[:31])
    sheet.append(
        [
            _("code"),
            _("indicator"),
            _("kind"),
            _("weight"),
            _("value formula"),
            _("score formula"),
            _("description"),
        ]
    )
    for cell in sheet[1]:
        cell.font = bold
    for indicator in spec.indicators:
        sheet.append(
            [
                indicator.code,
                indicator.name,
                _("bonus or penalty") if indicator.kind == ADJUSTMENT else _("weighted"),
                indicator.weight,
                indicator.formula,
                indicator.score_formula,
                indicator.description,
            ]
        )
    sheet = book.create_sheet(_("measures")[:31])
    sheet.append([_("code"), _("measure"), _("definition")])
    for cell in sheet[1]:
        cell.font = bold
    for code, measure in MEASURES.items():
        sheet.append([code, str(measure.label), str(measure.help)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_context(row: Row, spec: SchemeSpec) -> dict[str, Any]:
    return {
        "rank": row.rank if row.rank is not None else "—",
        "name": row.name,
        "assigned": row.counts.get("assigned", 0),
        "total": number(row.total),
        "previous_total": number(row.previous_total),
        "change": signed(row.total_change),
        "rank_change": "—" if row.rank_change is None else f"{row.rank_change:+d}",
        "values": [number(v) for v in _indicator_cells(row, spec)],
    }


def notice_context(assessments: Mapping[str, Assessment], *, generated_at: Any) -> dict[str, Any]:
    """What the notice template reads (see ``documents.notice_sample`` for the shape)."""
    units = assessments["unit"]
    spec = units.scheme
    ranked = units.ranked
    scores = [row.total for row in ranked if row.total is not None]
    districts = assessments.get("district")
    areas = assessments.get("division")
    generated = localtime(generated_at)
    return {
        "city": getattr(settings, "HOTLINE_CITY_NAME", ""),
        "title": _("Assessment notice"),
        "period": units.period.label,
        "previous_period": units.previous.label if units.previous else "",
        "scheme": spec.name,
        "as_of": f"{localtime(units.as_of):%Y-%m-%d %H:%M}",
        "generated_on": f"{generated:%Y-%m-%d}",
        "units_assessed": sum(1 for row in units.rows if row.counts.get("assigned", 0)),
        "units_ranked": len(ranked),
        "average": number(sum(scores) / len(scores) if scores else None),
        "total": {
            "assigned": units.total.counts.get("assigned", 0),
            "indicators": [
                {"name": i.name, "value": number(r.value), "unit": i.unit_label}
                for i, r in zip(spec.indicators, units.total.results, strict=False)
                if i.kind != ADJUSTMENT
            ],
        },
        "units": [_row_context(row, spec) for row in units.rows if row.counts.get("assigned", 0)],
        "districts": [_row_context(row, spec) for row in districts.rows] if districts else [],
        "areas": [_row_context(row, spec) for row in areas.rows] if areas else [],
        "top": [_row_context(row, spec) for row in ranked[:5]],
        "bottom": [_row_context(row, spec) for row in ranked[-5:][::-1]] if len(ranked) > 5 else [],
        "indicators": [
            {
                "name": i.name,
                "weight": number(i.weight, 0) if i.kind != ADJUSTMENT else _("bonus or penalty"),
                "kind": _("bonus or penalty") if i.kind == ADJUSTMENT else _("weighted"),
                "description": i.description,
                "formula": i.formula,
            }
            for i in spec.indicators
        ],
    }

"""Assessments as JSON, so a published result keeps the figures it was published with."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from .periods import Period
from .scoring import IndicatorSpec, Row, SchemeSpec
from .selectors import Assessment


def period_to_dict(period: Period) -> dict[str, str]:
    return {"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()}


def period_from_dict(data: dict[str, str]) -> Period:
    return Period(dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]), data["kind"])


def scheme_to_dict(spec: SchemeSpec) -> dict[str, Any]:
    return asdict(spec)


def scheme_from_dict(data: dict[str, Any]) -> SchemeSpec:
    values = dict(data)
    values["indicators"] = tuple(IndicatorSpec(**i) for i in values.get("indicators", []))
    return SchemeSpec(**values)


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    return {
        "scheme": scheme_to_dict(assessment.scheme),
        "period": period_to_dict(assessment.period),
        "previous": period_to_dict(assessment.previous) if assessment.previous else None,
        "view": assessment.view,
        "as_of": assessment.as_of.isoformat(),
        "rows": [row.as_dict() for row in assessment.rows],
        "total": assessment.total.as_dict(),
    }


def assessment_from_dict(data: dict[str, Any]) -> Assessment:
    return Assessment(
        scheme=scheme_from_dict(data["scheme"]),
        period=period_from_dict(data["period"]),
        view=data["view"],
        as_of=dt.datetime.fromisoformat(data["as_of"]),
        rows=[Row.from_dict(row) for row in data["rows"]],
        total=Row.from_dict(data["total"]),
        previous=period_from_dict(data["previous"]) if data.get("previous") else None,
    )

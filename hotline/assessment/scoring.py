"""From measure counts to scores: each indicator's value and points by its formulas, the weighted total,
the ranking and the trend against the previous period. Pure functions over plain data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from . import formulas
from .measures import MEASURES

WEIGHTED = "weighted"
ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class IndicatorSpec:
    """What scoring needs of an indicator (``models.Indicator`` without the database)."""

    code: str
    name: str
    kind: str
    formula: str
    score_formula: str
    weight: float
    unit_label: str = "%"
    higher_is_better: bool = True
    description: str = ""

    @property
    def measures(self) -> list[str]:
        """The measures the indicator reads, in the registry's order (for the drill-down)."""
        used = formulas.names_in(self.formula) | formulas.names_in(self.score_formula or "value")
        return [code for code in MEASURES if code in used]


@dataclass(frozen=True)
class SchemeSpec:
    code: str
    name: str
    indicators: tuple[IndicatorSpec, ...]
    min_orders: int = 1
    exempt_accepted_returns: bool = True
    exempt_approved_extensions: bool = True


@dataclass
class IndicatorResult:
    code: str
    value: float | None
    score: float | None
    previous_value: float | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value


@dataclass
class Row:
    """One unit, district or area in a ranking."""

    key: str  # "unit:<code>", "district:<code>", "division:<code>", "division:" (not located), "all"
    name: str
    counts: dict[str, int]
    results: list[IndicatorResult] = field(default_factory=list)
    total: float | None = None
    rank: int | None = None
    previous_total: float | None = None
    previous_rank: int | None = None

    @property
    def total_change(self) -> float | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    def result(self, code: str) -> IndicatorResult | None:
        return next((r for r in self.results if r.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Row:
        values = dict(data)
        values["results"] = [IndicatorResult(**r) for r in values.get("results", [])]
        return cls(**values)


def population(rows: Iterable[Row], *, min_orders: int) -> dict[str, float | None]:
    """Figures of the whole population that formulas may use (``mean_assigned``)."""
    volumes = [
        row.counts.get("assigned", 0) for row in rows if row.counts.get("assigned", 0) >= max(min_orders, 1)
    ]
    return {"mean_assigned": (sum(volumes) / len(volumes)) if volumes else None}


def score_row(row: Row, scheme: SchemeSpec, extra: Mapping[str, float | None]) -> None:
    """Fill in the row's indicator values, points and total. Weighted indicators are averaged by weight
    over those that apply (0–100); adjustments add their points; the total is kept within 0–100."""
    names: dict[str, float | None] = {code: float(row.counts.get(code, 0)) for code in MEASURES}
    names.update(extra)
    row.results = []
    weighted_sum = weight_total = 0.0
    adjustments = 0.0
    for spec in scheme.indicators:
        value = formulas.evaluate(spec.formula, names)
        score = formulas.evaluate(spec.score_formula or "value", {**names, "value": value})
        row.results.append(IndicatorResult(spec.code, _round(value), _round(score)))
        if score is None:
            continue
        if spec.kind == ADJUSTMENT:
            adjustments += score
        elif spec.weight > 0:
            weighted_sum += spec.weight * max(0.0, min(100.0, score))
            weight_total += spec.weight
    if weight_total == 0 or row.counts.get("assigned", 0) == 0:
        row.total = None
        return
    row.total = _round(max(0.0, min(100.0, weighted_sum / weight_total + adjustments)))


def rank(rows: Sequence[Row], *, min_orders: int) -> None:
    """Standard competition ranking (1, 2, 2, 4) by total, highest first. Rows without a total, or with
    fewer assignments than the scheme's minimum, are listed but not ranked."""
    ranked = [r for r in rows if r.total is not None and r.counts.get("assigned", 0) >= min_orders]
    ranked.sort(key=lambda r: -(r.total or 0.0))
    position = 0
    previous: float | None = None
    for index, row in enumerate(ranked, start=1):
        if row.total != previous:
            position, previous = index, row.total
        row.rank = position
    for row in rows:
        if row not in ranked:
            row.rank = None


def order_rows(rows: list[Row]) -> list[Row]:
    """Ranked rows by rank, then the unranked: those with a score by score, then the rest by name."""
    return sorted(
        rows, key=lambda r: (r.rank is None, r.rank or 0, r.total is None, -(r.total or 0.0), r.name)
    )


def score_all(rows: list[Row], scheme: SchemeSpec) -> list[Row]:
    extra = population(rows, min_orders=scheme.min_orders)
    for row in rows:
        score_row(row, scheme, extra)
    rank(rows, min_orders=scheme.min_orders)
    return order_rows(rows)


def attach_previous(rows: Iterable[Row], previous: Iterable[Row]) -> None:
    """Copy the previous period's total, rank and indicator values onto the matching rows."""
    before = {row.key: row for row in previous}
    for row in rows:
        old = before.get(row.key)
        if old is None:
            continue
        row.previous_total, row.previous_rank = old.total, old.rank
        for result in row.results:
            old_result = old.result(result.code)
            result.previous_value = old_result.value if old_result else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

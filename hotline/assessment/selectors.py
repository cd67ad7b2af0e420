"""Reads of the assessment: the scores of every unit, district government or district area for a period,
with ranking and trend, and the drill-down from any figure to the orders behind it (through the gate).

Three views, one set of measures:
- ``unit``: each handling unit on its own;
- ``district``: each district/county government with the units under it (street offices, workstations);
- ``division``: each district area, over the orders located there (by the order's division), whoever
  handled them; orders with no district are one row "not located".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from hotline.core.errors import NotFound, ValidationFailed
from hotline.directory.models import Division, Unit, User
from hotline.workorders.models import Assignment, Event
from hotline.workorders.selectors import workorders_for_user

from . import access
from .measures import (
    ASSIGNMENT_MEASURES,
    EVENT_MEASURES,
    MEASURES,
    UNCOUNTED_ROWS,
    Options,
    assignment_cohort,
    condition,
    event_base,
)
from .models import Indicator, Scheme
from .periods import Period
from .scoring import IndicatorSpec, Row, SchemeSpec, attach_previous, score_all

VIEWS = ("unit", "district", "division")
NOT_LOCATED = "division:"


@dataclass
class Assessment:
    scheme: SchemeSpec
    period: Period
    view: str
    as_of: dt.datetime
    rows: list[Row]
    total: Row  # the whole population, scored like any row (not ranked)
    previous: Period | None = None
    before: Assessment | None = None  # the previous period's assessment, when computed with the trend

    def row(self, key: str) -> Row | None:
        return next((row for row in self.rows if row.key == key), None)

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is not None]


# ---------------------------------------------------------------------------------------------------------
# Schemes


def schemes_active() -> QuerySet[Scheme]:
    return Scheme.objects.filter(active=True).prefetch_related("indicators")


def scheme_default() -> Scheme | None:
    return schemes_active().filter(is_default=True).first() or schemes_active().first()


def scheme_by_code(code: str) -> Scheme:
    scheme = Scheme.objects.prefetch_related("indicators").filter(code=code).first()
    if scheme is None:
        raise NotFound(f"No assessment scheme {code!r}.", code="scheme_not_found")
    return scheme


def scheme_spec(scheme: Scheme) -> SchemeSpec:
    indicators: Iterable[Indicator] = scheme.indicators.all()
    return SchemeSpec(
        code=scheme.code,
        name=scheme.name,
        indicators=tuple(
            IndicatorSpec(
                code=i.code,
                name=i.name,
                kind=i.kind,
                formula=i.formula,
                score_formula=i.score_formula or "value",
                weight=float(i.weight),
                unit_label=i.unit_label,
                higher_is_better=i.higher_is_better,
                description=i.description,
            )
            for i in sorted(indicators, key=lambda i: (i.sort, i.pk))
        ),
        min_orders=scheme.min_orders,
        exempt_accepted_returns=scheme.exempt_accepted_returns,
        exempt_approved_extensions=scheme.exempt_approved_extensions,
    )


def _options(spec: SchemeSpec) -> Options:
    return Options(spec.exempt_accepted_returns, spec.exempt_approved_extensions)


# ---------------------------------------------------------------------------------------------------------
# Counting


def _district_divisions() -> list[Division]:
    return list(Division.objects.filter(level=Division.Level.DISTRICT).order_by("path"))


def _division_prefix_length(districts: list[Division]) -> int:
    return min((len(d.path) for d in districts), default=0)


def _assignment_counts(
    period: Period, *, as_of: dt.datetime, options: Options, by: str, prefix: int = 0
) -> dict[Any, dict[str, int]]:
    """Two grouped queries: the measures of the assignments held against the units (the exemption is
    tested once per row, in WHERE), and those that also look at exempt rows (returns, exemptions) over
    the few returned or cancelled assignments."""
    counted = [code for code in ASSIGNMENT_MEASURES if MEASURES[code].counted]
    uncounted = [code for code in ASSIGNMENT_MEASURES if not MEASURES[code].counted]
    cohort = assignment_cohort(period, options=options)
    parts = [
        (
            cohort.filter(Q(exempt=False)),
            {code: Count("pk", filter=MEASURES[code].condition(as_of, options)) for code in counted},
        ),
        (
            cohort.filter(UNCOUNTED_ROWS),
            {code: Count("pk", filter=condition(code, as_of=as_of, options=options)) for code in uncounted},
        ),
    ]
    result: dict[Any, dict[str, int]] = {}
    for rows, aggregates in parts:
        grouped: QuerySet[Any, Any]
        if by == "unit":
            grouped = rows.values(key=F("unit_id"))
        else:
            grouped = rows.annotate(key=Substr("order__division__path", 1, prefix)).values("key")
        for row in grouped.annotate(**aggregates).order_by():
            result.setdefault(row.pop("key"), {}).update(row)
    return result


def _unit_key() -> Cast:
    return Cast(KeyTextTransform("unit", "data"), IntegerField())


def _event_counts(
    period: Period, *, as_of: dt.datetime, by: str, prefix: int = 0
) -> dict[Any, dict[str, int]]:
    options = Options()
    aggregates = {
        code: Count("pk", filter=condition(code, as_of=as_of, options=options)) for code in EVENT_MEASURES
    }
    events = event_base(period).annotate(unit_key=_unit_key()).filter(unit_key__isnull=False)
    if by == "unit":
        rows = events.values("unit_key").annotate(**aggregates).order_by()
        return {row.pop("unit_key"): row for row in rows}
    grouped = (
        events.annotate(area=Substr("order__division__path", 1, prefix))
        .values("area")
        .annotate(**aggregates)
        .order_by()
    )
    return {row.pop("area"): row for row in grouped}


def _empty() -> dict[str, int]:
    return dict.fromkeys(MEASURES, 0)


def _merge(target: dict[str, int], *sources: dict[str, int] | None) -> dict[str, int]:
    for source in sources:
        for code, value in (source or {}).items():
            target[code] = target.get(code, 0) + int(value or 0)
    return target


def _assessed_units() -> list[Unit]:
    return list(Unit.objects.exclude(kind=Unit.Kind.CENTER).order_by("path"))


def _district_governments(units: list[Unit]) -> list[Unit]:
    """The topmost district/county governments (a district under another district is part of it)."""
    governments = [u for u in units if u.kind == Unit.Kind.DISTRICT]
    return [g for g in governments if not any(o is not g and g.path.startswith(o.path) for o in governments)]


def _raw_rows(
    period: Period, *, as_of: dt.datetime, options: Options, view: str
) -> tuple[list[Row], dict[str, int]]:
    """Rows with their counts (not yet scored) and the counts of the whole population."""
    if view not in VIEWS:
        raise ValidationFailed(
            f"Unknown view {view!r}.", code="invalid_view", details={"allowed": list(VIEWS)}
        )
    total = _empty()
    if view in ("unit", "district"):
        by_unit = _assignment_counts(period, as_of=as_of, options=options, by="unit")
        events = _event_counts(period, as_of=as_of, by="unit")
        units = _assessed_units()
        counts = {u.pk: _merge(_empty(), by_unit.get(u.pk), events.get(u.pk)) for u in units}
        for unit_counts in counts.values():
            _merge(total, unit_counts)
        if view == "unit":
            rows = [
                Row(f"unit:{u.code}", u.name, counts[u.pk])
                for u in units
                if u.active or counts[u.pk]["assigned"] or counts[u.pk]["exempted"]
            ]
            return rows, total
        rows = []
        for government in _district_governments(units):
            merged = _empty()
            for unit in units:
                if unit.path.startswith(government.path):
                    _merge(merged, counts[unit.pk])
            rows.append(Row(f"district:{government.code}", government.name, merged))
        return rows, total
    districts = _district_divisions()
    prefix = _division_prefix_length(districts)
    by_area = _assignment_counts(period, as_of=as_of, options=options, by="division", prefix=prefix)
    events = _event_counts(period, as_of=as_of, by="division", prefix=prefix)
    rows = []
    known = set()
    for district in districts:
        key = district.path[:prefix]
        known.add(key)
        merged = _merge(_empty(), by_area.get(key), events.get(key))
        rows.append(Row(f"division:{district.code}", district.name, merged))
    rest = _empty()
    for key in set(by_area) | set(events):
        if key not in known:
            _merge(rest, by_area.get(key), events.get(key))
    rows.append(Row(NOT_LOCATED, _("not located in a district"), rest))
    for row in rows:
        _merge(total, row.counts)
    return rows, total


def assess(
    scheme: Scheme | SchemeSpec,
    period: Period,
    *,
    as_of: dt.datetime,
    view: str = "unit",
    trend: bool = True,
) -> Assessment:
    """Score every row of ``view`` for ``period`` by ``scheme``: values, points, total, rank, and (with
    ``trend``) the previous period's total, rank and values for comparison."""
    spec = scheme if isinstance(scheme, SchemeSpec) else scheme_spec(scheme)
    options = _options(spec)
    rows, total_counts = _raw_rows(period, as_of=as_of, options=options, view=view)
    rows = score_all(rows, spec)
    total = Row("all", _("all units"), total_counts)
    score_all([total], SchemeSpec(spec.code, spec.name, spec.indicators, 0))
    total.rank = None
    result = Assessment(spec, period, view, as_of, rows, total)
    if trend:
        previous = period.previous()
        before = assess(spec, previous, as_of=as_of, view=view, trend=False)
        attach_previous(rows, before.rows)
        attach_previous([total], [Row("all", "", {}, before.total.results, before.total.total)])
        result.previous, result.before = previous, before
    return result


def history(
    scheme: Scheme | SchemeSpec, period: Period, key: str, *, as_of: dt.datetime, count: int = 6
) -> list[tuple[Period, Row | None]]:
    """The row ``key`` over the ``count`` periods up to ``period`` (oldest first)."""
    spec = scheme if isinstance(scheme, SchemeSpec) else scheme_spec(scheme)
    view = _view_of(key)
    periods = [period]
    for _index in range(count - 1):
        periods.insert(0, periods[0].previous())
    result = []
    for each in periods:
        assessment = assess(spec, each, as_of=as_of, view=view, trend=False)
        result.append((each, assessment.total if key == "all" else assessment.row(key)))
    return result


# ---------------------------------------------------------------------------------------------------------
# Groups and the drill-down


def _view_of(key: str) -> str:
    if key == "all" or key.startswith("unit:"):
        return "unit"
    if key.startswith("district:"):
        return "district"
    if key.startswith("division:"):
        return "division"
    raise ValidationFailed(f"Unknown group {key!r}.", code="invalid_group")


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    assignments: Q
    events: Q
    unit: Unit | None = None


def group_for(key: str) -> Group:
    """What the rows of a group are: a unit, a district government with its units, a district area, the
    orders not located in a district, or ``all``."""
    if key == "all":
        return Group(key, _("all units"), Q(), Q())
    kind, _sep, code = key.partition(":")
    if kind in ("unit", "district"):
        unit = Unit.objects.filter(code=code).exclude(kind=Unit.Kind.CENTER).first()
        if unit is None or (kind == "district" and unit.kind != Unit.Kind.DISTRICT):
            raise NotFound(f"No unit {code!r}.", code="unit_not_found")
        if kind == "unit":
            return Group(key, unit.name, Q(unit_id=unit.pk), Q(unit_key=unit.pk), unit)
        members = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        return Group(key, unit.name, Q(unit__path__startswith=unit.path), Q(unit_key__in=members), unit)
    if kind == "division":
        districts = _district_divisions()
        if not code:
            located = Q()
            for district in districts:
                located |= Q(order__division__path__startswith=district.path)
            outside = Q(order__division__isnull=True) | ~located if districts else Q()
            return Group(key, _("not located in a district"), outside, outside)
        found = next((d for d in districts if d.code == code), None)
        if found is None:
            raise NotFound(f"No district {code!r}.", code="division_not_found")
        inside = Q(order__division__path__startswith=found.path[: _division_prefix_length(districts)])
        return Group(key, found.name, inside, inside)
    raise ValidationFailed(f"Unknown group {key!r}.", code="invalid_group")


def drill_down(
    user: User, scheme: Scheme, period: Period, key: str, measure: str, *, as_of: dt.datetime
) -> QuerySet[Assignment] | QuerySet[Event]:
    """The assignments (or, for reminders and notices, the events) behind one figure, limited to the
    orders ``user`` may see. For center staff their number is the figure."""
    if measure not in MEASURES:
        raise ValidationFailed(
            f"Unknown measure {measure!r}.", code="invalid_measure", details={"allowed": list(MEASURES)}
        )
    group = group_for(key)
    access.require_group(user, group.key, group.unit)
    spec = scheme_spec(scheme)
    options = _options(spec)
    visible = workorders_for_user(user)
    where = condition(measure, as_of=as_of, options=options)
    if MEASURES[measure].source == "event":
        return (
            event_base(period)
            .annotate(unit_key=_unit_key())
            .filter(unit_key__isnull=False)
            .filter(group.events, where, order__in=visible)
            .select_related("order", "order__category", "order__division", "actor")
            .order_by("at", "pk")
        )
    return (
        assignment_cohort(period, options=options)
        .filter(group.assignments, where, order__in=visible)
        .select_related("order", "unit", "order__category", "order__division")
        .order_by("dispatched_at", "pk")
    )

"""Reading the dispatch catalogue (派单目录): which rule covers a matter in a place, and which units it names.

Active rules are held per process (through the reference cache; the services that change them call
``invalidate()``), so a match is a few comparisons in memory, not a query per rule.

A rule covers an order when its category is the order's category or an ancestor of it (or it has none),
its keywords (if any) occur in the text, and its area is the order's division or an ancestor of it (or
it has none). The most specific rule wins: deeper category, then keywords, then deeper area, then priority.
A territorial rule (属地管理优先) names no unit: the lead is the unit of the rule's kind whose jurisdiction
is the deepest division containing the order's place. Otherwise the named competent unit leads
(谁主管谁负责)."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.core import refcache
from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category
from hotline.text.normalize import normalize


@dataclass(frozen=True)
class _Rule:
    pk: int
    category_path: str
    keywords: tuple[str, ...]
    division_path: str
    territorial: bool
    territorial_kind: str
    lead_id: int | None
    assist_ids: tuple[int, ...]
    basis: str
    priority: int


@dataclass(frozen=True)
class _UnitArea:
    unit_id: int
    kind: str
    division_path: str


@dataclass(frozen=True)
class CatalogueHit:
    """A rule that covers the matter, with the units it names for this order's place."""

    rule_id: int
    lead_id: int
    assist_ids: tuple[int, ...]
    territorial: bool
    basis: str
    keyword: str  # the keyword of the rule found in the text, if the rule has keywords
    specificity: tuple[int, int, int, int]


def _load_rules() -> list[_Rule]:
    from .models import CatalogueRule

    rules = []
    queryset = (
        CatalogueRule.objects.filter(active=True)
        .select_related("category", "division")
        .prefetch_related("assists")
    )
    for rule in queryset:
        rules.append(
            _Rule(
                pk=rule.pk,
                category_path=rule.category.path if rule.category else "",
                keywords=tuple(normalize(k) for k in rule.keyword_list()),
                division_path=rule.division.path if rule.division else "",
                territorial=rule.territorial,
                territorial_kind=rule.territorial_kind,
                lead_id=rule.lead_id,
                assist_ids=tuple(u.pk for u in rule.assists.all() if u.active),
                basis=rule.basis,
                priority=rule.priority,
            )
        )
    return rules


def _load_unit_areas() -> list[_UnitArea]:
    return [
        _UnitArea(unit_id, kind, path)
        for unit_id, kind, path in Unit.objects.filter(active=True)
        .exclude(kind=Unit.Kind.CENTER)
        .values_list("pk", "kind", "divisions__path")
        if path
    ]


def rules() -> list[_Rule]:
    return refcache.cached("routing:catalogue", _load_rules)


def unit_areas() -> list[_UnitArea]:
    return refcache.cached("routing:unit_areas", _load_unit_areas)


def invalidate() -> None:
    refcache.invalidate()


def territorial_unit(division_path: str, kind: str) -> int | None:
    """The unit of ``kind`` whose jurisdiction is the deepest division containing ``division_path``."""
    best: tuple[int, int] | None = None
    for area in unit_areas():
        if (
            area.kind == kind
            and division_path.startswith(area.division_path)
            and (best is None or len(area.division_path) > best[0])
        ):
            best = (len(area.division_path), area.unit_id)
    return best[1] if best else None


def match(
    *, category: Category | None, division: Division | None, text: str = "", limit: int = 5
) -> list[CatalogueHit]:
    """The rules covering the matter, most specific first, each with its units resolved for the place.
    A territorial rule that finds no unit for the place (no place known) is left out."""
    return match_paths(
        category_path=category.path if category is not None else "",
        division_path=division.path if division is not None else "",
        text=text,
        limit=limit,
    )


def match_paths(
    *, category_path: str, division_path: str, text: str = "", limit: int = 5
) -> list[CatalogueHit]:
    """``match`` by the tree paths of the category and the division."""
    words = normalize(text)
    hits: list[CatalogueHit] = []
    for rule in rules():
        if rule.category_path and not category_path.startswith(rule.category_path):
            continue
        if rule.division_path and not division_path.startswith(rule.division_path):
            continue
        keyword = ""
        if rule.keywords:
            keyword = next((k for k in rule.keywords if k and k in words), "")
            if not keyword:
                continue
        if not rule.category_path and not rule.keywords:
            continue  # a rule must name its matter
        lead_id = rule.lead_id
        if rule.territorial:
            lead_id = territorial_unit(division_path, rule.territorial_kind) if division_path else None
        if lead_id is None:
            continue
        hits.append(
            CatalogueHit(
                rule_id=rule.pk,
                lead_id=lead_id,
                assist_ids=tuple(u for u in rule.assist_ids if u != lead_id),
                territorial=rule.territorial,
                basis=rule.basis,
                keyword=keyword,
                specificity=(
                    len(rule.category_path),
                    1 if rule.keywords else 0,
                    len(rule.division_path),
                    rule.priority,
                ),
            )
        )
    hits.sort(key=lambda hit: hit.specificity, reverse=True)
    return hits[:limit]

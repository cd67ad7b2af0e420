"""Suggestions for the agent and the dispatcher: the likely category, the place, and the top units, each
with the reasons a person can check.

A unit's score combines three sources:
- the dispatch catalogue for the category and place (the rule is the authority: 属地管理优先 for
  territorial matters, 谁主管谁负责 otherwise), weighted by how sure the category is;
- the evidence of past orders of that category in that area: signed for (for), returned as not theirs
  (against), smoothed so that a few cases move the score a little and many move it a lot;
- units that handled the matter there before even without a catalogue rule (a weaker source).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from hotline.core import refcache
from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category

from . import catalogue
from .classifier.runtime import Prediction, active_predictor
from .location import LocationMatch, resolve
from .models import UnitEvidence
from .risk import Assessment, assess

CATALOGUE_WEIGHT = 1.0
HISTORY_WEIGHT = 0.5
MIN_CATEGORY_SHARE = 0.05  # categories the model gives less than this are not looked up


@dataclass(frozen=True)
class CategoryGuess:
    label: str
    confidence: float
    category_id: int | None
    category_name: str
    reasons: list[str]


@dataclass
class UnitSuggestion:
    unit_id: int
    unit_name: str
    score: float
    assist_ids: list[int] = field(default_factory=list)
    assist_names: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    rule_id: int | None = None
    category_id: int | None = None


@dataclass(frozen=True)
class Suggestions:
    categories: list[CategoryGuess]
    location: LocationMatch | None
    units: list[UnitSuggestion]
    risk: Assessment
    prediction: Prediction | None


@dataclass(frozen=True)
class _CategoryInfo:
    pk: int
    code: str
    name: str
    path: str
    depth: int


def _categories() -> tuple[dict[str, _CategoryInfo], dict[str, _CategoryInfo], dict[int, _CategoryInfo]]:
    def load() -> tuple[dict[str, _CategoryInfo], dict[str, _CategoryInfo], dict[int, _CategoryInfo]]:
        by_code: dict[str, _CategoryInfo] = {}
        by_name: dict[str, _CategoryInfo] = {}
        by_id: dict[int, _CategoryInfo] = {}
        duplicate_names: set[str] = set()
        for pk, code, name, path, depth in Category.objects.filter(active=True).values_list(
            "pk", "code", "name", "path", "depth"
        ):
            info = _CategoryInfo(pk, code, name, path, depth)
            by_code[code] = by_id[pk] = info
            if name in by_name:
                duplicate_names.add(name)
            by_name[name] = info
        for name in duplicate_names:  # a name used twice in the tree names no one category
            by_name.pop(name, None)
        return by_code, by_name, by_id

    return refcache.cached("routing:categories", load)


def label_category(label: str) -> _CategoryInfo | None:
    """The category a model label stands for: by code, else by a name used once in the tree."""
    by_code, by_name, _by_id = _categories()
    return by_code.get(label) or by_name.get(label)


def _unit_names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


def evidence_area(division: Division | None) -> Division | None:
    """The division evidence is kept for: the order's street (or its district when it has no street)."""
    if division is None:
        return None
    if division.level <= Division.Level.STREET:
        return division
    step = Division.steplen
    ancestors = [division.path[:end] for end in range(step, len(division.path), step)]
    return Division.objects.filter(path__in=ancestors, level=Division.Level.STREET).first() or division


def _evidence(category_ids: list[int], area: Division | None) -> dict[tuple[int, int], tuple[int, int]]:
    """(unit, category) → (signed, returned) in the area when known there, else over every area."""
    if not category_ids:
        return {}
    rows = UnitEvidence.objects.filter(category_id__in=category_ids).filter(
        Q(division=None) | Q(division=area) if area is not None else Q(division=None)
    )
    found: dict[tuple[int, int], tuple[int, int]] = {}
    local: set[tuple[int, int]] = set()
    for unit_id, category_id, division_id, signed, returned in rows.values_list(
        "unit_id", "category_id", "division_id", "signed", "returned"
    ):
        key = (unit_id, category_id)
        if division_id is not None:
            found[key] = (signed, returned)
            local.add(key)
        elif key not in local:
            found[key] = (signed, returned)
    return found


def evidence_factor(signed: int, returned: int) -> float:
    """How past orders move a unit's score: 1.0 with no evidence, lower the more it returned the matter,
    a little higher when it reliably signed for it (Laplace-smoothed share, relative to even)."""
    share = (signed + 1) / (signed + returned + 2)
    return max(0.1, min(1.2, share / 0.5)) if signed + returned else 1.0


def category_guesses(
    title: str, content: str, *, category: Category | None = None, top: int = 3
) -> tuple[list[CategoryGuess], Prediction | None]:
    predictor = active_predictor()
    prediction = predictor.predict(title, content, top=top) if predictor and (title or content) else None
    guesses: list[CategoryGuess] = []
    if category is not None:
        guesses.append(
            CategoryGuess(category.code, 1.0, category.pk, category.name, [_("chosen by the agent")])
        )
    if prediction is not None:
        for rank, scored in enumerate(prediction.ranked):
            info = label_category(scored.label)
            if category is not None and info is not None and info.pk == category.pk:
                continue
            guesses.append(
                CategoryGuess(
                    scored.label,
                    scored.confidence,
                    info.pk if info else None,
                    info.name if info else scored.label,
                    prediction.reasons if rank == 0 else [],
                )
            )
    return guesses[:top], prediction


def suggest(
    *,
    title: str,
    content: str,
    location_text: str = "",
    category: Category | None = None,
    division: Division | None = None,
    top: int = 3,
) -> Suggestions:
    """Category, place and the ``top`` units for a request, with reasons. ``category`` and ``division``
    are what a person already chose; the text fills in what they did not."""
    text = f"{location_text} {title} {content}"
    risk = assess(f"{title}。{content}")
    places = resolve(text)
    location = places[0] if places else None
    if division is None and location is not None:
        division = Division.objects.filter(pk=location.division_id).first()
    guesses, prediction = category_guesses(title, content, category=category)
    _by_code, _by_name, by_id = _categories()
    units: dict[int, UnitSuggestion] = {}
    area = evidence_area(division)
    considered = [g for g in guesses if g.category_id is not None and g.confidence >= MIN_CATEGORY_SHARE]
    evidence = _evidence([g.category_id for g in considered if g.category_id], area)
    place_reason = (
        _("place: %(division)s (from “%(words)s”)")
        % {"division": location.division_name, "words": location.matched}
        if location is not None and (category is None or division is not None)
        else ""
    )
    for guess in considered:
        assert guess.category_id is not None
        info = by_id.get(guess.category_id)
        category_reason = (
            _("category %(name)s chosen by the agent") % {"name": guess.category_name}
            if category is not None and guess.category_id == category.pk
            else _("category %(name)s, confidence %(confidence)d%%")
            % {"name": guess.category_name, "confidence": round(guess.confidence * 100)}
        )
        if guess.reasons and not (category is not None and guess.category_id == category.pk):
            category_reason += _(" (words: %(words)s)") % {"words": "、".join(guess.reasons[:4])}
        hits = catalogue.match_paths(
            category_path=info.path if info else "",
            division_path=division.path if division is not None else "",
            text=text,
            limit=3,
        )
        for rank, hit in enumerate(hits):
            weight = guess.confidence * CATALOGUE_WEIGHT * (1.0 if rank == 0 else 0.5)
            principle = (
                _("territorial first (属地管理)") if hit.territorial else _("competent unit (谁主管谁负责)")
            )
            reasons = [category_reason, _("dispatch catalogue: %(principle)s") % {"principle": principle}]
            if hit.basis:
                reasons.append(_("basis: %(basis)s") % {"basis": hit.basis})
            if hit.keyword:
                reasons.append(_("keyword “%(keyword)s”") % {"keyword": hit.keyword})
            _add(
                units,
                hit.lead_id,
                weight,
                reasons,
                evidence,
                guess.category_id,
                hit.rule_id,
                list(hit.assist_ids),
            )
        for (unit_id, category_id), (signed, returned) in evidence.items():
            if category_id != guess.category_id or signed < 2 or signed <= returned:
                continue
            share = signed / (signed + returned)
            weight = guess.confidence * HISTORY_WEIGHT * share * min(1.0, signed / 5)
            _add(
                units, unit_id, weight, [category_reason], evidence, category_id, None, [], history_only=True
            )
    ranked = sorted(units.values(), key=lambda u: (-u.score, u.unit_id))[:top]
    names = _unit_names([u.unit_id for u in ranked] + [a for u in ranked for a in u.assist_ids])
    for suggestion in ranked:
        suggestion.unit_name = names.get(suggestion.unit_id, "")
        suggestion.assist_names = [names.get(a, "") for a in suggestion.assist_ids]
        if place_reason and suggestion.rule_id is not None:
            suggestion.reasons.insert(1, place_reason)
        suggestion.score = round(suggestion.score, 4)
    return Suggestions(guesses, location, ranked, risk, prediction)


def _add(
    units: dict[int, UnitSuggestion],
    unit_id: int,
    weight: float,
    reasons: list[str],
    evidence: dict[tuple[int, int], tuple[int, int]],
    category_id: int,
    rule_id: int | None,
    assist_ids: list[int],
    *,
    history_only: bool = False,
) -> None:
    signed, returned = evidence.get((unit_id, category_id), (0, 0))
    factor = evidence_factor(signed, returned)
    score = weight * factor
    reasons = list(reasons)
    if signed or returned:
        reasons.append(
            _("history: signed %(signed)d, returned %(returned)d") % {"signed": signed, "returned": returned}
        )
    elif history_only:
        return
    current = units.get(unit_id)
    if current is None:
        units[unit_id] = UnitSuggestion(unit_id, "", score, assist_ids, [], reasons, rule_id, category_id)
        return
    # Several sources for one unit add up like independent chances (noisy-or); the strongest explains.
    if score > current.score or (current.rule_id is None and rule_id is not None):
        current.rule_id, current.assist_ids, current.reasons = rule_id, assist_ids, reasons
        current.category_id = category_id
    current.score = 1 - (1 - min(current.score, 1.0)) * (1 - min(score, 1.0))

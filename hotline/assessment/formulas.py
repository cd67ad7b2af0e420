"""Indicator formulas: arithmetic over the assessment measures, evaluated by ``simpleeval`` (never ``eval``).

A formula may use the measure codes (counts for the unit and period, see ``measures.MEASURES``), the
population figures (``mean_assigned``: the mean of ``assigned`` over the groups being ranked), in a score
formula also ``value`` (the indicator's value), numbers, ``+ - * / ( )``, comparisons, ``x if c else y``,
and the functions below. A formula whose inputs are missing (a rate over zero orders) yields no value:
the indicator does not apply to that unit in that period and its weight is shared among the others.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from simpleeval import FeatureNotAvailable, InvalidExpression, SimpleEval

from hotline.core.errors import ValidationFailed

MAX_LENGTH = 500
POPULATION_NAMES = ("mean_assigned",)


def rate(numerator: float | None, denominator: float | None) -> float | None:
    """Per cent: 100 × numerator / denominator; nothing when the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return 100.0 * numerator / denominator


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _clamp(value: float | None, low: float, high: float) -> float | None:
    if value is None:
        return None
    return max(low, min(high, value))


def _min(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else min(values)  # type: ignore[type-var]


def _max(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else max(values)  # type: ignore[type-var]


def _round(value: float | None, digits: int = 0) -> float | None:
    return None if value is None else round(value, digits)


def _default(value: float | None, fallback: float) -> float:
    """``value``, or ``fallback`` when it is missing (score a unit with no callbacks as 100, say)."""
    return fallback if value is None else value


FUNCTIONS: dict[str, Any] = {
    "rate": rate,
    "ratio": _ratio,
    "clamp": _clamp,
    "min": _min,
    "max": _max,
    "round": _round,
    "default": _default,
    "abs": abs,
}


def names_in(expression: str) -> set[str]:
    """The variable names an expression reads (functions excluded)."""
    tree = _parse(expression)
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - called


@lru_cache(maxsize=512)
def _parse(expression: str) -> ast.Expression:
    try:
        return ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ValidationFailed(
            f"The formula {expression!r} is not valid: {exc.msg}.", code="invalid_formula"
        ) from exc


def validate(expression: str, *, allowed: set[str], sample: Mapping[str, float]) -> None:
    """Refuse a formula that is too long, does not parse, names something unknown or cannot be
    evaluated on sample figures."""
    text = (expression or "").strip()
    if not text:
        raise ValidationFailed("A formula cannot be empty.", code="invalid_formula")
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(f"A formula is at most {MAX_LENGTH} characters.", code="invalid_formula")
    tree = _parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise ValidationFailed(
                f"The formula {text!r} calls something other than {', '.join(sorted(FUNCTIONS))}.",
                code="invalid_formula",
            )
    unknown = sorted(names_in(text) - allowed)
    if unknown:
        raise ValidationFailed(
            f"The formula {text!r} uses unknown names: {', '.join(unknown)}.",
            code="invalid_formula",
            details={"unknown": unknown, "allowed": sorted(allowed)},
        )
    try:
        evaluate(text, sample, strict=True)
    except ValidationFailed:
        raise
    except Exception as exc:  # any failure on sample figures means the formula cannot work
        raise ValidationFailed(
            f"The formula {text!r} cannot be evaluated: {exc}.", code="invalid_formula"
        ) from exc


def evaluate(expression: str, names: Mapping[str, float | None], *, strict: bool = False) -> float | None:
    """The formula's value for these figures, or None when it does not apply (missing inputs, division
    by zero). ``strict`` lets evaluation errors through (used to validate formulas)."""
    evaluator = SimpleEval(names=dict(names), functions=FUNCTIONS)
    try:
        result = evaluator.eval(expression, previously_parsed=_parse(expression).body)
    except (TypeError, ZeroDivisionError):
        if strict:
            raise
        return None
    except (InvalidExpression, FeatureNotAvailable) as exc:
        raise ValidationFailed(
            f"The formula {expression!r} is not valid: {exc}.", code="invalid_formula"
        ) from exc
    if result is None:
        return None
    if isinstance(result, bool) or not isinstance(result, int | float):
        raise ValidationFailed(f"The formula {expression!r} does not give a number.", code="invalid_formula")
    return float(result)

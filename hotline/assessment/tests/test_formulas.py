"""The formula evaluator: arithmetic over measures with simpleeval, never eval."""

from __future__ import annotations

import pytest

from hotline.assessment import formulas
from hotline.core.errors import ValidationFailed

ALLOWED = {"a", "b"}
SAMPLE = {"a": 10.0, "b": 10.0}


def test_evaluates_rates_and_functions() -> None:
    assert formulas.evaluate("rate(a, b)", {"a": 3, "b": 4}) == 75.0
    assert formulas.evaluate("-min(10, 2 * a)", {"a": 7}) == -10.0
    assert formulas.evaluate("default(rate(a, b), 100)", {"a": 0, "b": 0}) == 100.0
    assert formulas.evaluate("100 if a > b else 0", {"a": 2, "b": 1}) == 100.0


def test_missing_inputs_give_no_value() -> None:
    assert formulas.evaluate("rate(a, b)", {"a": 1, "b": 0}) is None
    assert formulas.evaluate("a / b", {"a": 1, "b": 0}) is None
    assert formulas.evaluate("max(0, 100 - value)", {"value": None}) is None


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "a +",
        "c + 1",
        "__import__('os').system('id')",
        "a.__class__",
        "open('x')",
        "'text'",
        "x" * 501,
        "rate(a)",
    ],
)
def test_refuses_bad_formulas(expression: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        formulas.validate(expression, allowed=ALLOWED, sample=SAMPLE)
    assert error.value.code == "invalid_formula"


def test_names_in() -> None:
    assert formulas.names_in("rate(a + b, max(c, 1))") == {"a", "b", "c"}

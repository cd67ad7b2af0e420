"""Scoring as pure functions: weights, adjustments, missing indicators, ranking ties, trend."""

from __future__ import annotations

from hotline.assessment.measures import MEASURES
from hotline.assessment.scoring import IndicatorSpec, Row, SchemeSpec, attach_previous, score_all


def _row(key: str, **counts: int) -> Row:
    return Row(key, key, {code: counts.get(code, 0) for code in MEASURES})


SPEC = SchemeSpec(
    code="t",
    name="t",
    min_orders=2,
    indicators=(
        IndicatorSpec("on_time", "按时", "weighted", "rate(completed_on_time, completion_due)", "value", 60),
        IndicatorSpec("sat", "满意", "weighted", "rate(satisfied, rated)", "value", 40),
        IndicatorSpec("sup", "督办", "adjustment", "supervisions", "-min(10, 2 * value)", 0),
    ),
)


def test_weighted_average_with_adjustments() -> None:
    rows = score_all(
        [
            _row(
                "a", assigned=10, completed_on_time=9, completion_due=10, satisfied=4, rated=5, supervisions=1
            )
        ],
        SPEC,
    )
    # (60 × 90 + 40 × 80) / 100 − 2
    assert rows[0].total == 84.0


def test_an_indicator_without_figures_gives_its_weight_to_the_others() -> None:
    rows = score_all([_row("a", assigned=10, completed_on_time=9, completion_due=10)], SPEC)
    assert rows[0].result("sat").value is None  # type: ignore[union-attr]
    assert rows[0].total == 90.0


def test_total_stays_within_0_and_100() -> None:
    rows = score_all([_row("a", assigned=3, completion_due=3, supervisions=9)], SPEC)
    assert rows[0].total == 0.0


def test_no_assignments_no_score() -> None:
    rows = score_all([_row("a", supervisions=1)], SPEC)
    assert rows[0].total is None and rows[0].rank is None


def test_competition_ranking_and_minimum() -> None:
    rows = score_all(
        [
            _row("a", assigned=5, completed_on_time=5, completion_due=5),
            _row("b", assigned=5, completed_on_time=4, completion_due=5),
            _row("c", assigned=5, completed_on_time=4, completion_due=5),
            _row("d", assigned=5, completed_on_time=3, completion_due=5),
            _row("e", assigned=1, completed_on_time=1, completion_due=1),  # too few to be ranked
        ],
        SPEC,
    )
    assert [(r.key, r.rank) for r in rows] == [("a", 1), ("b", 2), ("c", 2), ("d", 4), ("e", None)]


def test_trend() -> None:
    now = score_all(
        [
            _row("a", assigned=5, completed_on_time=5, completion_due=5),
            _row("b", assigned=5, completed_on_time=3, completion_due=5),
        ],
        SPEC,
    )
    before = score_all(
        [
            _row("a", assigned=5, completed_on_time=2, completion_due=5),
            _row("b", assigned=5, completed_on_time=4, completion_due=5),
        ],
        SPEC,
    )
    attach_previous(now, before)
    a = next(r for r in now if r.key == "a")
    assert a.previous_rank == 2 and a.rank == 1 and a.rank_change == 1
    assert a.total_change == 60.0
    assert a.result("on_time").change == 60.0  # type: ignore[union-attr]


def test_indicator_reads_its_measures_in_registry_order() -> None:
    assert SPEC.indicators[0].measures == ["completion_due", "completed_on_time"]

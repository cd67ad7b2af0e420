from __future__ import annotations

import datetime as dt

import pytest

from hotline.assessment.periods import Period, last_complete, parse_period, period_of, tenday_of
from hotline.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026-10", "2026-10-01", "2026-11-01", "month"),
        ("2026-Q4", "2026-10-01", "2027-01-01", "quarter"),
        ("2026", "2026-01-01", "2027-01-01", "year"),
        ("2026-W47", "2026-11-16", "2026-11-23", "week"),
        ("2026-02-T3", "2026-02-21", "2026-03-01", "tenday"),
        ("2026-10-01..2026-10-15", "2026-10-01", "2026-10-16", "custom"),
    ],
)
def test_parse_and_key_round_trip(text: str, start: str, end: str, kind: str) -> None:
    period = parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat(), period.kind) == (start, end, kind)
    assert parse_period(period.key) == period


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-Q5", "2026-10-T4", "2026-10-05..2026-10-01", "2020-01-01..2026-01-01"]
)
def test_refuses(text: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_period(text)


def test_previous_periods() -> None:
    assert parse_period("2026-01").previous() == parse_period("2025-12")
    assert parse_period("2026-Q1").previous() == parse_period("2025-Q4")
    assert tenday_of(dt.date(2026, 3, 5)).previous() == parse_period("2026-02-T3")
    assert parse_period("2026-10-01..2026-10-10").previous() == Period(
        dt.date(2026, 9, 21), dt.date(2026, 10, 1)
    )


def test_last_complete() -> None:
    monday = dt.date(2026, 11, 16)
    assert last_complete("week", monday) == parse_period("2026-W46")
    assert last_complete("tenday", dt.date(2026, 11, 11)) == parse_period("2026-11-T1")
    assert last_complete("month", dt.date(2026, 11, 1)) == parse_period("2026-10")
    assert period_of("month", monday).contains(monday)

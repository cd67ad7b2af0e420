"""Order numbers: the day and its running count, on both databases (the suite runs on each)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from hotline.workorders.models import OrderSequence
from hotline.workorders.numbers import SEQUENCE, next_number

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 2, 4, 0, tzinfo=dt.UTC)  # 12:00 in Beijing
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL numbering")


def test_a_day_counts_from_one_and_the_next_day_starts_again() -> None:
    assert [next_number(NOON) for _ in range(3)] == ["20261202000001", "20261202000002", "20261202000003"]
    assert next_number(NOON + dt.timedelta(days=1)) == "20261203000001"
    late = next_number(NOON)  # an intake dated the day before, after the new day began
    # PostgreSQL: the value the other day took is not this day's, so its count skips one
    assert late == ("20261202000005" if connection.vendor == "postgresql" else "20261202000004")


def test_the_day_is_beijing_s() -> None:
    late_utc = dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC)  # 01:30 on 3 December in Beijing
    assert next_number(late_utc).startswith("20261203")


@postgres_only
def test_a_day_numbered_by_the_counter_goes_on_after_its_last_number() -> None:
    OrderSequence.objects.create(day=dt.date(2026, 12, 2), last=41)
    assert next_number(NOON) == "20261202000042"
    assert next_number(NOON) == "20261202000043"


@postgres_only
def test_a_value_taken_before_the_day_s_base_was_set_is_skipped() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        (value,) = cursor.fetchone()
    # another intake set the base after this one had taken values up to value + 2
    OrderSequence.objects.create(day=dt.date(2026, 12, 2), base=value + 2)
    assert next_number(NOON) == "20261202000001"


@postgres_only
def test_a_rolled_back_intake_leaves_a_gap_and_never_a_duplicate() -> None:
    first = next_number(NOON)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(NOON)
        raise RuntimeError("the intake failed after taking its number")
    assert (first, next_number(NOON)) == ("20261202000001", "20261202000003")

"""Publishing a period's results: the figures are frozen with the notice; the monthly schedule runs once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from hotline.assessment import services, tasks
from hotline.assessment.models import Publication, Scheme
from hotline.assessment.periods import month_of, parse_period
from hotline.assessment.serialization import assessment_from_dict
from hotline.conftest import City, MakeOrder
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.directory.models import User

from .stories import Cast, H, full

pytestmark = pytest.mark.django_db


def test_publish_freezes_the_figures(
    city: City,
    cast: Cast,
    make_order: MakeOrder,
    presets: dict[str, Scheme],
    supervisor: User,
    now: dt.datetime,
) -> None:
    full(cast, make_order(), city.water, now)
    later = now + 20 * 24 * H
    publication = services.publication_create(
        scheme=presets["weighted"], period=month_of(now.date()), actor=supervisor, now=later
    )
    frozen = assessment_from_dict(publication.content["views"]["unit"])
    assert frozen.row("unit:D01").counts["assigned"] == 1  # type: ignore[union-attr]
    assert set(publication.content["views"]) == {"unit", "district", "division"}
    # more work in the period later does not change what was published
    full(cast, make_order(), city.water, now + H)
    publication.refresh_from_db()
    assert assessment_from_dict(publication.content["views"]["unit"]).row("unit:D01").counts["assigned"] == 1  # type: ignore[union-attr]
    with publication.notice.open("rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert month_of(now.date()).label in text


def test_who_may_publish(presets: dict[str, Scheme], agent: User, now: dt.datetime) -> None:
    with pytest.raises(Forbidden):
        services.publication_create(
            scheme=presets["weighted"], period=month_of(now.date()), actor=agent, now=now
        )
    with pytest.raises(ValidationFailed):
        services.publication_create(
            scheme=presets["weighted"], period=parse_period("2027-01"), actor=None, now=now
        )


def test_monthly_schedule_is_idempotent(presets: dict[str, Scheme], now: dt.datetime) -> None:
    first = dt.datetime(2026, 12, 1, 7, 0, tzinfo=now.tzinfo)
    made = tasks.publish_due(at=first)
    assert made is not None and made.trigger == "schedule" and made.generated_by is None
    assert (made.period_start, made.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert tasks.publish_due(at=first + H) is None
    assert Publication.objects.count() == 1
    # the next month's run publishes November's successor only
    assert tasks.publish_due(at=dt.datetime(2027, 1, 2, 7, 0, tzinfo=now.tzinfo)) is not None
    assert Publication.objects.count() == 2

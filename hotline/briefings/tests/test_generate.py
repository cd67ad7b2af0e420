"""Generating briefings on demand and on schedule, as Word and as a printable page, kept in an archive."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from hotline.assessment.models import Scheme
from hotline.assessment.periods import parse_period
from hotline.assessment.tests.stories import Cast, H, full
from hotline.briefings import services, tasks
from hotline.briefings.models import Briefing, TypicalCase
from hotline.conftest import City, MakeOrder
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.directory.models import User

pytestmark = pytest.mark.django_db
DAY = 24 * H


@pytest.fixture
def orders(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> None:
    for index in range(3):
        full(cast, make_order(title=f"停水{index}"), city.water, now + index * H)
    full(cast, make_order(title="占道"), city.urban, now, satisfaction="dissatisfied", solved=False)


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(parts)


def test_on_demand(orders: None, supervisor: User, now: dt.datetime) -> None:
    from hotline.briefings.documents import document_context
    from hotline.briefings.selectors import briefing_title

    later = now + 5 * DAY  # November is still running: the briefing gives the figures so far
    briefing = services.briefing_generate(
        kind="month", period=parse_period("2026-11"), actor=supervisor, now=later
    )
    assert (briefing.generated_by, briefing.trigger, briefing.generated_at) == (supervisor, "manual", later)
    assert briefing.title == briefing_title("month") and briefing.issue
    assert briefing.content["volumes"]["total"] == 4 and briefing.content["complete"] is False
    context = document_context(briefing.content, generated_at=later, generated_by=str(supervisor))
    with briefing.document.open("rb") as handle:
        text = _text(handle.read())
    assert "{{" not in text and "{%" not in text
    assert briefing.title in text and context["partial"] in text
    assert "东湖区 | 4 | 0" in text  # the district table: 4 this month, none the month before
    assert "城乡建设 | 4 | 0" in text
    # a second one for the same period is kept beside the first
    services.briefing_generate(kind="month", period=parse_period("2026-11"), actor=supervisor, now=later + H)
    assert Briefing.objects.filter(kind="month", period_start=dt.date(2026, 11, 1)).count() == 2


def test_refusals(supervisor: User, agent: User, now: dt.datetime) -> None:
    with pytest.raises(Forbidden):
        services.briefing_generate(kind="week", period=parse_period("2026-W46"), actor=agent, now=now)
    with pytest.raises(ValidationFailed):
        services.briefing_generate(kind="week", period=parse_period("2026-11"), actor=supervisor, now=now)
    with pytest.raises(ValidationFailed):
        services.briefing_generate(kind="daily", period=parse_period("2026-11"), actor=supervisor, now=now)
    with pytest.raises(ValidationFailed):
        services.briefing_generate(kind="month", period=parse_period("2027-01"), actor=supervisor, now=now)
    assert not Briefing.objects.exists()


def test_schedule_makes_each_briefing_once(orders: None, now: dt.datetime) -> None:
    tz = now.tzinfo
    assert tasks.generate_due(at=dt.datetime(2026, 12, 1, 5, 0, tzinfo=tz)) == []  # before 06:00
    made = tasks.generate_due(at=dt.datetime(2026, 12, 1, 6, 30, tzinfo=tz))
    assert sorted((b.kind, b.period_start.isoformat()) for b in made) == [
        ("month", "2026-11-01"),
        ("tenday", "2026-11-21"),
        ("week", "2026-11-23"),
    ]
    assert all(b.trigger == "schedule" and b.generated_by is None for b in made)
    assert tasks.generate_due(at=dt.datetime(2026, 12, 1, 7, 30, tzinfo=tz)) == []
    # the next Monday: only the new week
    made = tasks.generate_due(at=dt.datetime(2026, 12, 7, 8, 0, tzinfo=tz))
    assert [(b.kind, b.period_start.isoformat()) for b in made] == [("week", "2026-11-30")]
    month = Briefing.objects.get(kind="month")
    assert month.content["volumes"]["total"] == 4 and month.content["complete"] is True
    with pytest.raises(Conflict):
        services.briefing_generate(
            kind="month", period=parse_period("2026-11"), actor=None, now=now + 30 * DAY, trigger="schedule"
        )


def test_cases_through_the_gate(
    orders: None, make_order: MakeOrder, unit_handler: User, supervisor: User, now: dt.datetime
) -> None:
    order = make_order()
    with pytest.raises(Forbidden):
        services.typical_case_add(actor=unit_handler, number=order.number, headline="x", summary="y", now=now)
    with pytest.raises(NotFound):
        services.typical_case_add(actor=supervisor, number="000", headline="x", summary="y", now=now)
    with pytest.raises(ValidationFailed):
        services.typical_case_add(actor=supervisor, number=order.number, headline=" ", summary="y", now=now)
    services.typical_case_add(actor=supervisor, number=order.number, headline="x", summary="y", now=now)
    with pytest.raises(Conflict):
        services.typical_case_add(actor=supervisor, number=order.number, headline="x", summary="y", now=now)
    assert TypicalCase.objects.count() == 1


def test_pages(
    orders: None,
    supervisor: User,
    unit_handler: User,
    make_order: MakeOrder,
    now: dt.datetime,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = Client()
    client.force_login(supervisor)
    client.get("/")
    response = client.post(reverse("briefings:generate"), {"kind": "week", "day": now.date().isoformat()})
    assert response.status_code == 302
    detail = response["Location"]
    for _index in range(3):
        services.briefing_generate(
            kind="week", period=parse_period("2026-W47"), actor=supervisor, now=now + 2 * H
        )
    order = make_order()
    response = client.post(
        reverse("briefings:case_add"),
        {"number": order.number, "headline": "典型", "summary": "处置及时", "date": ""},
    )
    assert response.status_code == 302 and TypicalCase.objects.count() == 1
    with django_assert_max_num_queries(12):
        response = client.get(reverse("briefings:archive"))
    assert response.status_code == 200 and response.content.decode().count("briefings/") >= 4
    with django_assert_max_num_queries(10):
        page = client.get(detail)
    assert page.status_code == 200
    body = page.content.decode()
    assert "briefing-sheet" in body and "print.css" in body and "data-print" in body
    assert client.get(detail + "document.docx").status_code == 200
    case = TypicalCase.objects.get()
    assert client.post(reverse("briefings:case_withdraw", args=[case.pk])).status_code == 302
    assert TypicalCase.objects.get().withdrawn_by == supervisor
    outsider = Client()
    outsider.force_login(unit_handler)
    assert outsider.get(reverse("briefings:archive")).status_code == 403
    assert outsider.get(detail).status_code == 403

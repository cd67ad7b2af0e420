"""The assessment pages: who may open them, what they show, and their query counts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hotline.assessment.models import Scheme
from hotline.conftest import City, MakeOrder
from hotline.directory.models import User

from .stories import Cast, H, full

pytestmark = pytest.mark.django_db
QUERY = "?scheme=weighted&period=2026-11"


@pytest.fixture
def orders(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> None:
    for index in range(6):
        full(
            cast, make_order(title=f"工单{index}"), city.water if index % 2 else city.street, now + index * H
        )
    full(cast, make_order(title="城管"), city.urban, now, reply_after=30 * 24 * H)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("view", ["unit", "district", "division"])
def test_overview(
    orders: None, supervisor: User, view: str, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _client(supervisor)
    client.get("/")  # warm up the session and the caches outside the count
    with django_assert_max_num_queries(18):
        response = client.get(reverse("assessment:overview") + QUERY + f"&view={view}")
    assert response.status_code == 200
    body = response.content.decode()
    if view == "unit":
        assert "市水务局" in body and "东湖街道办事处" in body
        assert reverse("assessment:publication_create") in body  # a supervisor may publish
    if view == "district":
        assert "东湖区政府" in body


def test_unit_detail_and_drill(
    orders: None, leader: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _client(leader)
    client.get("/")
    with django_assert_max_num_queries(18):
        response = client.get(reverse("assessment:detail", args=["units", "D01"]) + QUERY)
    assert response.status_code == 200
    assert "市水务局" in response.content.decode()
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("assessment:drill", args=["units", "D01"]) + QUERY + "&measure=completed_on_time"
        )
    assert response.status_code == 200
    assert response.content.decode().count("工单") >= 3
    with django_assert_max_num_queries(40):
        response = client.get(reverse("assessment:history", args=["units", "D01"]) + QUERY)
    assert response.status_code == 200


def test_unit_staff(orders: None, unit_handler: User, other_handler: User) -> None:
    client = _client(unit_handler)
    assert client.get(reverse("assessment:overview") + QUERY).status_code == 403
    assert client.get(reverse("assessment:detail", args=["units", "D01"]) + QUERY).status_code == 200
    assert client.get(reverse("assessment:detail", args=["units", "D02"]) + QUERY).status_code == 403
    assert (
        client.get(
            reverse("assessment:drill", args=["units", "D02"]) + QUERY + "&measure=assigned"
        ).status_code
        == 403
    )
    mine = client.get(reverse("assessment:mine"))
    assert mine.status_code == 302 and mine["Location"].endswith("/assessment/units/D01/")


def test_bad_input_is_a_clear_error(orders: None, supervisor: User) -> None:
    client = _client(supervisor)
    assert client.get(reverse("assessment:overview") + "?period=2026-13").status_code == 400
    assert client.get(reverse("assessment:overview") + "?scheme=nope").status_code == 404
    assert (
        client.get(reverse("assessment:drill", args=["units", "D01"]) + QUERY + "&measure=x").status_code
        == 400
    )
    assert client.get(reverse("assessment:detail", args=["streets", "D01"]) + QUERY).status_code == 404


def test_exports(orders: None, supervisor: User) -> None:
    client = _client(supervisor)
    response = client.get(reverse("assessment:export_xlsx") + QUERY)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 5
    response = client.get(reverse("assessment:notice_docx") + QUERY)
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_scheme_admin_pages(
    orders: None, admin_user: User, supervisor: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    admin = _client(admin_user)
    admin.get("/")
    with django_assert_max_num_queries(12):
        assert admin.get(reverse("assessment:schemes")).status_code == 200
    edit = reverse("assessment:scheme_edit", args=["three_rates"])
    assert admin.get(edit).status_code == 200
    scheme = Scheme.objects.get(code="three_rates")
    data: dict[str, Any] = {
        "name": "三率",
        "active": "on",
        "exempt_accepted_returns": "on",
        "exempt_approved_extensions": "on",
        "min_orders": "2",
        "version": str(scheme.version),
        "ind-TOTAL_FORMS": "2",
        "ind-INITIAL_FORMS": "0",
        "ind-MIN_NUM_FORMS": "0",
        "ind-MAX_NUM_FORMS": "40",
        "ind-0-code": "sat",
        "ind-0-name": "满意率",
        "ind-0-kind": "weighted",
        "ind-0-formula": "rate(satisfied, rated)",
        "ind-0-score_formula": "value",
        "ind-0-weight": "100",
        "ind-0-unit_label": "%",
        "ind-0-higher_is_better": "on",
        # the blank form for a new indicator, as the browser sends it untouched
        "ind-1-kind": "weighted",
        "ind-1-score_formula": "value",
        "ind-1-unit_label": "%",
        "ind-1-higher_is_better": "on",
    }
    response = admin.post(edit, data)
    assert response.status_code == 302, (
        response.context["error"],
        response.context["form"].errors,
        response.context["formset"].errors,
    )
    assert list(Scheme.objects.get(code="three_rates").indicators.values_list("code", flat=True)) == ["sat"]
    bad = {**data, "version": str(scheme.version + 1), "ind-0-formula": "rate(nope, rated)"}
    response = admin.post(edit, bad)
    assert response.status_code == 200 and "nope" in response.content.decode()
    assert _client(supervisor).get(edit).status_code == 403
    assert admin.post(reverse("assessment:scheme_default", args=["three_rates"])).status_code == 302
    assert Scheme.objects.get(is_default=True).code == "three_rates"
    assert admin.get(reverse("assessment:templates")).status_code == 200
    response = admin.get(reverse("assessment:template_download", args=["assessment_notice"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_publish_from_the_page(orders: None, supervisor: User) -> None:
    client = _client(supervisor)
    response = client.post(
        reverse("assessment:publication_create"), {"scheme": "weighted", "period": "2026-11"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "市水务局" in page.content.decode()
    assert client.get(response["Location"] + "notice.docx").status_code == 200
    assert client.get(response["Location"] + "export.xlsx").status_code == 200
    assert client.get(reverse("assessment:publications")).status_code == 200

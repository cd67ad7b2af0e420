"""The dashboards: figures against hand-counted data, drill-downs to exactly the orders behind a figure
(through the permission gate), XLSX exports, query counts that do not grow with the orders."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hotline.analytics.selectors import dashboards as board
from hotline.analytics.selectors.drill import Drill, drill_orders
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(make_order, city, west, agent, dispatcher, unit_handler, now, run_commits):
    """Hand-counted: today 3 phone + 1 web in 东湖区 (category 城乡建设), 1 phone in 西江区 (环境保护);
    two days ago 2 phone in 东湖区. One dispatched to the water bureau and replied on time."""
    with run_commits():
        made = [make_order() for _ in range(3)]
        made.append(make_order(channel="web", accept=False))
        noisy = make_order()
        wo.workorder_update(
            order=noisy, actor=agent, category=west["noise"], division=west["street"], now=now
        )
        made += [make_order(at=now - dt.timedelta(days=2)) for _ in range(2)]
        handled = wo.workorder_dispatch(order=made[0], actor=dispatcher, lead=city.water, now=now)
        handled = wo.workorder_sign(order=handled, actor=unit_handler, now=now)
        wo.workorder_reply(
            order=handled, actor=unit_handler, text="已修复", solved=True, now=now + dt.timedelta(hours=1)
        )
    return [*made, noisy]


def _spec(html, chart_id):
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


def test_trend_figures_match_hand_counts_and_drill_down(orders, frozen, city, west, supervisor, now, client):
    p = board.Period(now.date() - dt.timedelta(days=6), now.date())
    trend = board.trend(dimension="district", p=p, grain="day")
    by_key = {s.key: s for s in trend.series}
    today = trend.buckets.index(now.date())
    assert by_key[str(city.district.pk)].values[today] == 4
    assert by_key[str(west["district"].pk)].values[today] == 1
    assert by_key[str(city.district.pk)].values[today - 2] == 2
    # the category chart filtered to 东湖区 only counts 东湖区's orders
    filtered = board.trend(dimension="category", p=p, grain="week", district=city.district.pk)
    assert sum(s.total for s in filtered.series) == 6
    # a point's drill-down lists exactly its orders
    drill = Drill(
        dimension="district", key=str(city.district.pk), metric="received", start=now.date(), end=now.date()
    )
    assert drill_orders(supervisor, drill, now=now).count() == 4
    client.force_login(supervisor)
    html = client.get(reverse("analytics:trends"), {"dimension": "district", "grain": "day"}).content.decode()
    spec = _spec(html, "chart-trend")
    series = next(s for s in spec["series"] if s["name"] == "东湖区")
    url = series["drill"][spec["x"].index(now.date().isoformat())]
    page = client.get(url).content.decode()
    assert page.count('class="mono"><a href="/orders/') == 4


def test_drill_down_goes_through_the_gate(orders, frozen, city, unit_handler, other_handler, now):
    drill = Drill(metric="received", start=now.date() - dt.timedelta(days=7), end=now.date())
    assert drill_orders(unit_handler, drill, now=now).count() == 1  # only its own unit's order
    assert drill_orders(other_handler, drill, now=now).count() == 0


def test_pages_render_with_a_fixed_number_of_queries(
    orders, frozen, supervisor, client, django_assert_max_num_queries
):
    client.force_login(supervisor)
    for name, params, limit in [
        ("analytics:dashboard", {}, 16),
        ("analytics:trends", {"dimension": "category", "grain": "week"}, 14),
        ("analytics:trends", {"dimension": "unit", "metric": "on_time_rate", "grain": "month"}, 14),
        ("analytics:performance", {}, 14),
        ("analytics:map", {"metric": "satisfaction_rate"}, 14),
        ("analytics:orders", {"live": "backlog"}, 14),
        ("analytics:alerts", {}, 12),
    ]:
        with django_assert_max_num_queries(limit):
            response = client.get(reverse(name), params)
        assert response.status_code == 200, (name, response.content[:300])
        assert "<script>" not in response.content.decode()  # no inline script (the CSP refuses them)


def test_live_figures(orders, frozen, supervisor, now, client):
    live = board.today(supervisor, now=now)
    assert (
        live.figures["received"] == 5 and live.backlog == 7
    )  # all seven are open (one replied, awaiting review)
    assert dict((s.key, s.total) for s in live.channels) == {"phone": 4, "web": 1}
    assert live.overdue == 0
    later = now + dt.timedelta(days=30)
    # the dispatched-and-replied order is no longer with a unit; nothing is overdue or due soon
    assert board.today(supervisor, now=later).overdue == 0


def test_exports_are_xlsx_with_the_figures(orders, frozen, city, supervisor, client):
    client.force_login(supervisor)
    response = client.get(reverse("analytics:trends"), {"dimension": "district", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["东湖区"] == 6 and rows["西江区"] == 1
    response = client.get(
        reverse("analytics:orders"),
        {"metric": "received", "start": "2026-11-01", "end": "2026-11-30", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 7
    ranking = load_workbook(
        io.BytesIO(client.get(reverse("analytics:performance"), {"format": "xlsx"}).content)
    ).active
    assert [row[1] for row in ranking.iter_rows(min_row=2, values_only=True)] == [city.water.name]


def test_unit_staff_and_anonymous_users_are_refused(unit_handler, client):
    assert client.get(reverse("analytics:dashboard")).status_code == 302
    client.force_login(unit_handler)
    for name in (
        "analytics:dashboard",
        "analytics:trends",
        "analytics:orders",
        "analytics:hotspots",
        "analytics:alerts",
    ):
        assert client.get(reverse(name)).status_code == 403


def test_bad_parameters_are_a_clear_400(supervisor, client):
    client.force_login(supervisor)
    response = client.get(reverse("analytics:trends"), {"grain": "year"})
    assert response.status_code == 400
    assert client.get(reverse("analytics:orders"), {"start": "yesterday"}).status_code == 400

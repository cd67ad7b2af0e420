"""The four panels through the Django test client: role checks, the permission gate, fill values, and
bounded query counts."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from hotline.core import panels

pytestmark = pytest.mark.django_db

TYPED = {
    "title": "幸福里小区门口占道经营",
    "content": "幸福里小区门口每天傍晚摆摊占道经营，行人只能走机动车道。",
    "caller_phone": "13812341234",
    "location_text": "",
    "category": "",
    "division": "",
}


def _fills(html: str) -> list[dict]:
    return [json.loads(value.replace("&quot;", '"')) for value in re.findall(r"data-fill='([^']*)'", html)]


def test_panels_are_registered_for_their_slots(agent, dispatcher):
    intake = [p.key for p in panels.panels_for(agent, "intake")]
    assert {"routing_suggest", "routing_similar", "routing_caller"} <= set(intake)
    assert "routing_dispatch" in [p.key for p in panels.panels_for(dispatcher, "dispatch")]


def test_suggest_panel(client, agent, catalogue, city_model, gazetteer, django_assert_max_num_queries):
    client.force_login(agent)
    url = reverse("routing:panel_suggest")
    client.get(url, TYPED)  # loads the model and the names once
    with django_assert_max_num_queries(20):
        response = client.get(url, TYPED)
    assert response.status_code == 200
    html = response.content.decode()
    fills = _fills(html)
    assert {"category": str(catalogue["stalls"].category_id)} in fills
    assert any("division" in fill for fill in fills)
    assert "东湖街道办事处" in html and "属地" in html
    empty = client.get(url, {"title": "", "content": ""})
    assert empty.status_code == 200 and "data-fill" not in empty.content.decode()


def test_suggest_panel_raises_the_transfer_prompt(client, agent):
    client.force_login(agent)
    response = client.get(
        reverse("routing:panel_suggest"), {"title": "求助", "content": "楼下着火了，浓烟很大，有人被困"}
    )
    html = response.content.decode()
    assert 'role="alert"' in html and "119" in html


def test_similar_panel_offers_a_merge(client, agent, make_order, run_commits, django_assert_max_num_queries):
    with run_commits():
        master = make_order()
        for n in range(5):
            make_order(
                title=f"幸福里小区停水{n}",
                content="东湖街道幸福里小区停水，物业说管网维修。",
                phone=f"1360000000{n}",
            )
    client.force_login(agent)
    url = reverse("routing:panel_similar")
    params = {"title": "幸福里小区停水", "content": "东湖街道幸福里小区自周一起停水至今未恢复"}
    client.get(url, params)
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    html = response.content.decode()
    numbers = [fill["merge_into"] for fill in _fills(html)]
    assert master.number in numbers and len(numbers) == 5
    # The order itself is never offered as its own master.
    response = client.get(url, {**params, "order": master.number})
    assert master.number not in [f["merge_into"] for f in _fills(response.content.decode())]


def test_caller_panel_flags_repeats(client, agent, make_order, run_commits, django_assert_max_num_queries):
    with run_commits():
        first = make_order(phone="13512345678")
    client.force_login(agent)
    url = reverse("routing:panel_caller")
    params = {"caller_phone": "13512345678", "title": "又停水了", "content": "东湖街道幸福里小区还在停水"}
    client.get(url, params)
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    html = response.content.decode()
    assert "repeat call" in html or "重复来电" in html
    assert {"merge_into": first.number} in _fills(html)
    assert "13512345678" not in re.sub(r"data-fill='[^']*'", "", html)  # the panel does not echo the phone
    assert "data-fill" not in client.get(url, {"caller_phone": "12"}).content.decode()


def test_dispatch_panel_fills_lead_and_assists(
    client, dispatcher, catalogue, city, intake, power, run_commits, django_assert_max_num_queries, settings
):
    settings.HOTLINE_ROUTING_AUTO_DISPATCH = False
    order = intake(TYPED["title"], TYPED["content"], category=power["stalls"])
    client.force_login(dispatcher)
    url = reverse("routing:panel_dispatch")
    client.get(url, {"order": order.number})
    with django_assert_max_num_queries(20):
        response = client.get(url, {"order": order.number})
    assert response.status_code == 200
    fills = _fills(response.content.decode())
    assert fills[0] == {"lead": str(city.street.pk), "assists": [str(city.urban.pk)]}
    assert client.get(url, {"order": "nope"}).status_code == 404


def test_units_and_anonymous_users_are_refused(client, unit_handler, make_order):
    order = make_order()
    for name in ("panel_suggest", "panel_similar", "panel_caller", "panel_dispatch"):
        url = reverse(f"routing:{name}")
        assert client.get(url, {"order": order.number}).status_code == 302  # to the login page
    client.force_login(unit_handler)
    for name in ("panel_suggest", "panel_similar", "panel_caller", "panel_dispatch"):
        response = client.get(reverse(f"routing:{name}"), {**TYPED, "order": order.number})
        assert response.status_code == 403
        assert order.number not in response.content.decode()

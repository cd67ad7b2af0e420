"""Hot issues on screen and on the command line, and promotion to a monthly theme (每月一题) with owners,
tasks and tracking."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotline.analytics import synthetic
from hotline.analytics.models import MonthlyTheme, ThemeUpdate
from hotline.analytics.themes import (
    theme_add_task,
    theme_close,
    theme_promote,
    theme_report,
    themes_for_user,
    tracking,
)
from hotline.core.errors import Conflict, Forbidden
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(agent, now):
    rng = random.Random(5)
    made = []
    for index, text in enumerate(synthetic.noise(rng, 40) + synthetic.planted(rng, "elevator", 6)):
        made.append(
            wo.workorder_intake(
                actor=agent, channel="phone", request_type="complaint", title=text.title, content=text.content,
                caller=wo.Caller(phone=f"1390000{index:04d}"), location_text=text.location,
                external_id=f"EXT{index}" if text.kind != "noise" else "", source_system="partner:test",
                now=now - dt.timedelta(hours=2 * index + 1),
            )
        )  # fmt: skip
    return made


def test_hotspots_command_json(planted, now, frozen, capsys):
    call_command("hotspots", "--since", (now - dt.timedelta(days=10)).date().isoformat(), "--until", now.date().isoformat(),
                 "--top", "3", "--json")  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data[0]["rank"] == 1 and "翠竹苑" in data[0]["place"] and data[0]["score"] > 0
    assert data[0]["description"]
    assert len(data[0]["orders"]) == 6
    assert {o["external_id"] for o in data[0]["orders"]} == {f"EXT{i}" for i in range(40, 46)}
    assert all(o["number"] for o in data[0]["orders"])
    call_command("hotspots", "--until", now.date().isoformat())
    assert "翠竹苑" in capsys.readouterr().out


def test_hotspots_page_and_promotion_to_a_theme(
    planted, city, supervisor, now, frozen, client, django_assert_max_num_queries
):
    client.force_login(supervisor)
    page = client.get(reverse("analytics:hotspots"), {"days": "7"})
    assert page.status_code == 200 and "翠竹苑" in page.content.decode()
    with django_assert_max_num_queries(10):  # the second view reads the cached result
        client.get(reverse("analytics:hotspots"), {"days": "7"})
    form = client.get(reverse("analytics:promote"), {"days": "7", "rank": "1"})
    assert form.status_code == 200
    numbers = [o.number for o in planted[40:]]
    response = client.post(
        reverse("analytics:promote"),
        {"orders": numbers, "title": "翠竹苑小区电梯故障", "description": "电梯频繁故障困人", "month": "2026-11",
         "keywords": "电梯 故障", "place": "翠竹苑小区", "place_key": "翠竹苑", "lead_unit": city.urban.pk,
         "units": [city.water.pk], "owner": supervisor.pk},
    )  # fmt: skip
    theme = MonthlyTheme.objects.get()
    assert response.url == reverse("analytics:theme", args=[theme.pk])
    assert theme.orders.count() == 6 and set(theme.units.all()) == {city.urban, city.water}
    assert theme.month == dt.date(2026, 11, 1)
    assert client.get(response.url).status_code == 200


def test_theme_tasks_progress_and_tracking(
    planted, city, supervisor, dispatcher, unit_handler, other_handler, agent, now
):
    theme = theme_promote(
        actor=supervisor, title="翠竹苑小区电梯故障", month=now.date(), orders=planted[40:], now=now,
        place="翠竹苑小区", place_key="翠竹苑", keywords=["电梯", "故障"], lead_unit=city.water,
    )  # fmt: skip
    with pytest.raises(Forbidden):
        theme_promote(actor=agent, title="x", month=now.date(), orders=planted[:1], now=now)
    task = theme_add_task(
        theme=theme,
        actor=supervisor,
        title="全面检修电梯",
        unit=city.water,
        due_on=now.date() + dt.timedelta(days=10),
        now=now,
    )
    # the owner unit reports on its own task; another unit may not
    theme_report(theme=theme, actor=unit_handler, task=task, text="已更换主板", done=True, now=now)
    with pytest.raises(Forbidden):
        theme_report(theme=theme, actor=other_handler, text="无关", now=now)
    assert list(themes_for_user(unit_handler)) == [theme] and list(themes_for_user(other_handler)) == []
    task.refresh_from_db()
    assert task.state == "done" and task.result == "已更换主板"
    # a new order about the same issue after promotion shows in the tracking
    later = now + dt.timedelta(days=8)
    new = wo.workorder_intake(actor=agent, channel="phone", request_type="complaint", title="翠竹苑小区电梯又故障了",
                              content="翠竹苑小区电梯故障停运", caller=wo.Caller(phone="13911112222"),
                              location_text="翠竹苑小区", now=later)  # fmt: skip
    from hotline.analytics.hotspots.signatures import sign_orders

    sign_orders([new.pk])
    weeks = tracking(theme, now=later)
    assert sum(count for _, count in weeks) == 1 and weeks[0][1] == 0
    theme_close(theme=theme, actor=supervisor, conclusion="电梯已全部检修，投诉下降", now=later)
    with pytest.raises(Conflict):
        theme_add_task(
            theme=theme, actor=supervisor, title="再查", unit=city.water, due_on=later.date(), now=later
        )
    assert [u.kind for u in ThemeUpdate.objects.filter(theme=theme)] == [
        "created",
        "task",
        "done",
        "concluded",
    ]


def test_an_owner_unit_sees_only_its_own_orders_of_the_theme(
    planted, city, supervisor, dispatcher, unit_handler, now, client
):
    mine = wo.workorder_dispatch(order=planted[40], actor=dispatcher, lead=city.water, now=now)
    theme = theme_promote(actor=supervisor, title="翠竹苑小区电梯故障", month=now.date(), orders=planted[40:], now=now,
                          units=[city.water])  # fmt: skip
    client.force_login(unit_handler)
    page = client.get(reverse("analytics:theme", args=[theme.pk])).content.decode()
    assert mine.number in page
    assert all(order.number not in page for order in planted[41:])

"""`hotline demo`: the whole demo city, every app's demo module, once; the printed logins work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hotline.demo.city import DEMO_PASSWORD
from hotline.directory.models import Role, User
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _logs_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_demo_loads_once_and_its_logins_work() -> None:
    out = StringIO()
    call_command("demo", orders=120, stdout=out)
    printed = out.getvalue()
    assert "Loading the demo city with 120 orders" in printed
    assert DEMO_PASSWORD in printed
    for username in ("admin", "agent1", "dispatcher1", "supervisor1", "leader1"):
        assert f"  {username} " in printed

    assert WorkOrder.objects.count() >= 120  # other apps' demo modules may add their own orders
    statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert {"closed", "in_progress"} <= statuses
    assert {role for role in Role.values} <= set(User.objects.values_list("role", flat=True))

    assert _logs_in("admin", DEMO_PASSWORD) and _logs_in("agent1", DEMO_PASSWORD)
    assert not _logs_in("agent1", "wrong")
    admin, agent = User.objects.get(username="admin"), User.objects.get(username="agent1")
    assert admin.is_superuser and admin.is_staff and admin.role == Role.ADMIN
    assert agent.role == Role.AGENT and not agent.is_staff

    again = StringIO()
    orders = WorkOrder.objects.count()
    call_command("demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert WorkOrder.objects.count() == orders

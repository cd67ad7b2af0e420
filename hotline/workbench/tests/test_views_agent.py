"""The agent console: intake and every finish, the caller's history, order search, panels."""

from __future__ import annotations

import re

import pytest

from hotline.core import panels
from hotline.core.panels import Panel
from hotline.workbench.tests.chinese import zh
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Event, WorkOrder

pytestmark = pytest.mark.django_db


def intake(city, **overrides):
    data = {
        "caller_phone": "138 1234-5678",
        "caller_name": "李四",
        "channel": "phone",
        "request_type": "complaint",
        "title": "幸福里小区路灯不亮",
        "content": "幸福里小区三号楼前的路灯坏了一周，晚上很黑。",
        "category": city.category.pk,
        "division": city.street_division.pk,
        "location_text": "幸福里小区三号楼",
        "urgency": "normal",
        "publish_consent": "on",
        "finish": "dispatch",
    }
    data.update(overrides)
    return data


def test_console_renders_with_the_form_first_and_an_empty_panel_state(client, agent, monkeypatch):
    monkeypatch.setattr(panels, "_panels", {})
    client.force_login(agent)
    page = client.get("/agent/").content.decode()
    assert 'id="intake-form"' in page
    assert page.index('name="caller_phone"') < page.index('name="title"') < page.index('name="content"')
    assert (
        zh(
            "No suggestion panels are installed yet: smart dispatch and the knowledge base add their suggestions here."
        )
        in page
    )  # a clear empty state where no panel is registered
    assert 'hx-get="/agent/history/"' in page
    for key in "ptckslqargn":
        assert f'data-shortcut="{key}"' in page, key
    assert zh("Keyboard shortcuts") in page  # the shortcuts are documented on the page


def test_registered_intake_panels_load_with_the_form_fields(client, agent, monkeypatch):
    monkeypatch.setattr(panels, "_panels", {})
    panels.register(Panel("probe", "intake", "探针", "healthz"))
    client.force_login(agent)
    page = client.get("/agent/").content.decode()
    assert 'hx-get="/healthz"' in page
    include = re.search(r'hx-include="([^"]+)"', page.split('hx-get="/healthz"')[1]).group(1)
    for name in ("title", "content", "caller_phone", "category", "division", "location_text"):
        assert f"#intake-form [name={name}]" in include
    assert "csrfmiddlewaretoken" not in include and "answer" not in include
    assert "input delay:800ms from:#intake-form" in page  # re-requested, debounced, as the agent types


def test_to_dispatch_creates_an_accepted_order_and_shows_its_number(client, agent, city):
    client.force_login(agent)
    response = client.post("/agent/", intake(city, call_id="call-77"))
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert response["Location"] == f"/agent/done/{order.number}/"
    assert order.status == Status.AWAITING_DISPATCH
    assert order.caller_phone == "13812345678"  # spaces and dashes dropped
    assert order.channel.code == "phone" and order.created_by == agent
    intake_event = order.events.get(action=Action.INTAKE)
    assert intake_event.data == {"call_id": "call-77"}
    page = client.get(response["Location"]).content.decode()
    assert "2026" in page and order.number[:4] in page
    assert 'class="order-number' in page
    assert order.query_code in page
    assert order.hotline_number == "12345"  # dialled the hotline itself


def test_a_call_to_a_merged_hotline_is_tagged_with_the_number_dialled(client, agent, city):
    client.force_login(agent)
    client.post("/agent/", intake(city, call_id="call-78", hotline_number="12315"))
    assert WorkOrder.objects.get().hotline_number == "12315"


def test_direct_answer_closes_with_the_knowledge_reference(client, agent, city):
    client.force_login(agent)
    response = client.post(
        "/agent/", intake(city, finish="answer", answer="已告知物业维修电话。", knowledge_ref="kb-12")
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.status == Status.CLOSED and order.answer == "已告知物业维修电话。"
    assert order.events.get(action=Action.ANSWER).data == {"knowledge_ref": "kb-12"}


def test_a_finish_missing_its_input_creates_nothing(client, agent, city):
    client.force_login(agent)
    response = client.post("/agent/", intake(city, finish="answer", answer=""))
    assert response.status_code == 400
    assert zh("Write the answer given to the caller.") in response.content.decode()
    response = client.post("/agent/", intake(city, finish="reject"))
    assert response.status_code == 400
    assert zh("Choose a rejection reason.") in response.content.decode()
    response = client.post("/agent/", intake(city, title="", content=""))
    assert response.status_code == 400
    assert WorkOrder.objects.count() == 0
    # the typed text survives the error
    assert "幸福里小区" in client.post("/agent/", intake(city, finish="reject")).content.decode()


def test_reject_with_a_reason(client, agent, city):
    client.force_login(agent)
    response = client.post(
        "/agent/", intake(city, finish="reject", reason="legal_process", reject_comment="已起诉")
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.status == Status.REJECTED and order.rejection_reason.code == "legal_process"
    assert order.events.get(action=Action.REJECT).comment == "已起诉"


def test_emergency_transfer_is_recorded_with_the_service(client, agent, city):
    client.force_login(agent)
    response = client.post("/agent/", intake(city, finish="transfer:119", title="", content=""))
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.status == Status.REJECTED and order.rejection_reason.transfer
    event = order.events.get(action=Action.REJECT)
    assert event.data == {"transfer_to": "119"}
    assert "119" in order.title
    page = client.get(response["Location"]).content.decode()
    assert zh("Recorded as an emergency transfer.") in page


def test_merge_into_an_open_order(client, agent, city, make_order):
    master = make_order()
    client.force_login(agent)
    response = client.post("/agent/", intake(city, merge_into=master.number))
    assert response.status_code == 302
    duplicate = WorkOrder.objects.exclude(pk=master.pk).get()
    assert duplicate.status == Status.MERGED and duplicate.master == master
    assert master.events.filter(action=Action.ABSORB).exists()


def test_merge_into_an_unknown_order_is_refused_and_creates_nothing(client, agent, city):
    client.force_login(agent)
    response = client.post("/agent/", intake(city, merge_into="20990101000001"))
    assert response.status_code == 404
    assert WorkOrder.objects.count() == 0


def test_a_service_refusal_shows_its_message_not_a_500(client, agent, city, make_order):
    master = make_order()
    wo.workorder_reject(order=master, actor=agent, reason_code="other", now=master.received_at)
    client.force_login(agent)
    response = client.post("/agent/", intake(city, merge_into=master.number))
    assert response.status_code == 409
    assert zh("The master order must be open and not itself merged.") in response.content.decode()
    assert WorkOrder.objects.count() == 1


def test_caller_history_pops_up_with_counts_and_flags(
    client, agent, make_order, now, django_assert_max_num_queries
):
    for _ in range(3):
        make_order(phone="13900001111")
    confidential = make_order(phone="13900001111", confidential=True)
    wo.workorder_reject(order=confidential, actor=agent, reason_code="harassment", now=now)
    make_order(phone="13700000000")
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        response = client.get("/agent/history/", {"caller_phone": "139-0000-1111"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert zh("%(n)s request in 30 days", "%(n)s requests in 30 days", 4, n=4) in page
    assert zh("%(n)s open", "%(n)s open", 3, n=3) in page
    assert zh("asked for confidentiality before") in page
    assert zh("earlier calls rejected as harassment") in page and zh("repeat caller") in page
    assert page.count('href="/orders/') == 4
    assert "data-fill=" in page and "merge_into" in page


def test_caller_history_waits_for_a_phone(client, agent):
    client.force_login(agent)
    page = client.get("/agent/history/", {"caller_phone": "13"}).content.decode()
    assert zh("Type the caller's phone to see their earlier requests.") in page


def test_plain_text_search_of_earlier_orders(client, agent, make_order):
    make_order(title="东湖路井盖缺失")
    make_order(title="小区停水")
    client.force_login(agent)
    page = client.get("/agent/search/", {"q": "井盖"}).content.decode()
    assert "东湖路井盖缺失" in page and "小区停水" not in page
    assert zh("No orders found.") in client.get("/agent/search/", {"q": "不存在的词"}).content.decode()


def test_data_fill_values_are_attribute_escaped(client, agent, make_order):
    order = make_order()
    client.force_login(agent)
    page = client.get("/agent/history/", {"caller_phone": order.caller_phone}).content.decode()
    fill = re.search(r'data-fill="([^"]+)"', page)
    assert fill is not None and "&quot;merge_into&quot;" in fill.group(1)


def test_unit_staff_cannot_open_the_console(client, unit_handler):
    client.force_login(unit_handler)
    assert client.get("/agent/").status_code == 403
    assert client.get("/agent/history/").status_code == 403
    assert Event.objects.count() == 0

import datetime as dt

import pytest

from hotline.workorders.models import Event, ExtensionRequest, WorkOrder

pytestmark = pytest.mark.django_db


def test_a_whole_lifecycle_through_the_action_paths(
    make_order, dispatcher, unit_handler, agent, city, api_as
):
    order = make_order()
    center, unit = api_as(dispatcher), api_as(unit_handler)
    path = f"workorders/{order.number}"

    def act(client, action, body):
        response = client.post(f"{path}/{action}", body)
        assert response.status_code == 200, (action, response.content)
        return response.json()

    state = act(
        center, "dispatch", {"lead": city.water.pk, "version": order.version, "instructions": "请核实"}
    )
    assert state["status"] == "dispatched" and state["assignments"][0]["unit"]["code"] == "D01"
    state = act(unit, "sign", {"version": state["version"]})
    assert state["status"] == "in_progress"
    due = dt.datetime.fromisoformat(state["assignments"][0]["due_at"])
    act(
        unit, "request_extension", {"until": (due + dt.timedelta(days=3)).isoformat(), "reason": "需协调施工"}
    )
    extension = ExtensionRequest.objects.get()
    queue = center.get("queues/extensions").json()
    assert [item["id"] for item in queue] == [extension.pk]
    state = act(center, f"extensions/{extension.pk}/approve_extension", {"comment": "同意"})
    state = act(unit, "note", {"text": "已安排维修", "public": True})
    state = act(unit, "reply", {"text": "已修复供水管道", "solved": True, "version": state["version"]})
    assert state["status"] == "replied"
    state = act(center, "accept_reply", {"version": state["version"]})
    assert state["status"] == "awaiting_callback"
    state = act(api_as(agent), "callback", {"satisfaction": "satisfied", "solved": True})
    assert state["status"] == "closed" and state["satisfaction"] == "satisfied"
    actions = [item["action"] for item in center.get(f"{path}/events").json()]
    assert actions == [
        "intake",
        "accept",
        "dispatch",
        "sign",
        "request_extension",
        "approve_extension",
        "note",
        "reply",
        "accept_reply",
        "callback",
    ]


def test_stale_version_answers_409_and_changes_nothing(make_order, dispatcher, city, api_as):
    order = make_order()
    client = api_as(dispatcher)
    first = client.post(f"workorders/{order.number}/escalate", {"version": order.version, "comment": "请示"})
    assert first.status_code == 200
    second = client.post(
        f"workorders/{order.number}/dispatch", {"version": order.version, "lead": city.water.pk}
    )
    assert second.status_code == 409
    assert (
        second.json()["code"] == "stale_version" and second.json()["details"]["current"] == order.version + 1
    )
    assert WorkOrder.objects.get(pk=order.pk).status == "awaiting_instruction"


def test_return_review_and_the_gate_on_actions(
    make_order, dispatcher, unit_handler, other_handler, city, api_as
):
    order = make_order()
    center = api_as(dispatcher)
    center.post(f"workorders/{order.number}/dispatch", {"lead": city.water.pk})
    outsider = api_as(other_handler).post(f"workorders/{order.number}/sign", {})
    assert outsider.status_code == 404  # an order of another unit does not exist for them
    empty = api_as(unit_handler).post(f"workorders/{order.number}/return", {"reason": ""})
    assert empty.status_code == 422
    returned = api_as(unit_handler).post(f"workorders/{order.number}/return", {"reason": "不属本单位职责"})
    assert returned.json()["status"] == "returned"
    refused = center.post(f"workorders/{order.number}/reject_return", {"comment": ""})
    assert refused.status_code == 422
    ruling = center.post(f"workorders/{order.number}/accept_return", {"comment": "改派"})
    assert ruling.json()["status"] == "awaiting_dispatch"


def test_wrong_transition_and_role(make_order, agent, unit_handler, city, api_as):
    order = make_order()
    response = api_as(agent).post(f"workorders/{order.number}/dispatch", {"lead": city.water.pk})
    assert response.status_code == 403 and response.json()["code"] == "action_not_permitted"
    response = api_as(agent).post(
        f"workorders/{order.number}/callback", {"satisfaction": "satisfied", "solved": True}
    )
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"
    assert Event.objects.filter(order=order).count() == 2


def test_direct_answer_reject_and_merge(make_order, agent, api_as):
    client = api_as(agent)
    first, second, third = make_order(accept=False), make_order(), make_order()
    answered = client.post(f"workorders/{first.number}/answer", {"answer": "社保卡可在市民中心办理"})
    assert answered.json()["status"] == "closed" and answered.json()["answer"] == "社保卡可在市民中心办理"
    emergency = client.post(f"workorders/{second.number}/reject", {"reason": "emergency"})
    assert emergency.status_code == 400 and emergency.json()["code"] == "transfer_required"
    merged = client.post(f"workorders/{third.number}/merge", {"master": second.number})
    assert merged.json()["status"] == "merged" and merged.json()["master"] == second.number


def test_queues(
    make_order, agent, dispatcher, unit_handler, city, now, api_as, django_assert_max_num_queries
):
    for _ in range(3):
        make_order()
    make_order(accept=False)
    center = api_as(dispatcher)
    assert center.get("queues/center").json()["dispatch"] == 3
    with django_assert_max_num_queries(4):
        page = center.get("queues/center/dispatch", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = center.get("queues/center/dispatch", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert center.get("queues/center/nope").json()["code"] == "invalid_queue"
    assert api_as(unit_handler).get("queues/center").status_code == 403
    number = page["items"][0]["number"]
    center.post(f"workorders/{number}/dispatch", {"lead": city.water.pk})
    inbox = api_as(unit_handler).get("queues/inbox/to_sign").json()
    assert [row["order"]["number"] for row in inbox["items"]] == [number]
    assert api_as(unit_handler).get("queues/inbox").json()["to_sign"] == 1
    assert center.get("queues/supervision/overdue").json()["items"] == []
    assert center.get("queues/returned/between_units").json()["items"] == []

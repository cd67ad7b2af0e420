import pytest

from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_create_answers_201_with_number_and_state(agent, api_as, order_body):
    response = api_as(agent).post("workorders", order_body)
    assert response.status_code == 201, response.content
    body = response.json()
    order = WorkOrder.objects.get(number=body["number"])
    assert body["status"] == "awaiting_dispatch" == order.status
    assert body["created"] is True and body["version"] == order.version
    assert order.created_by == agent and order.caller_phone == "13900001111"
    assert order.category_id == order_body["category"] and order.location_text == "东湖区幸福里小区门口"


def test_bad_input_gets_the_error_shape_and_changes_nothing(agent, api_as, order_body):
    client = api_as(agent)
    missing = client.post("workorders", {k: v for k, v in order_body.items() if k != "title"})
    assert missing.status_code == 422
    assert missing.json()["code"] == "invalid_request"
    assert missing.json()["details"]["errors"][0]["loc"][-1] == "title"
    wrong = client.post("workorders", {**order_body, "channel": "pigeon"})
    assert wrong.status_code == 400 and wrong.json() == {
        "code": "invalid_channel",
        "message": "Unknown channel 'pigeon'.",
        "details": {},
    }
    assert not WorkOrder.objects.exists()


def test_unit_staff_cannot_take_intake(unit_handler, api_as, order_body):
    response = api_as(unit_handler).post("workorders", order_body)
    assert response.status_code == 403 and response.json()["code"] == "action_not_permitted"


def test_unknown_paths_and_methods_answer_json(agent, api_as):
    client = api_as(agent)
    missing = client.get("nothing/here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = client.client.put("/api/v1/workorders", headers={"Authorization": f"Bearer {client.token}"})
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
    assert "POST" in wrong["Allow"]


def test_body_size_is_limited(agent, api_as, order_body, settings):
    settings.HOTLINE_API_MAX_BODY_BYTES = 500
    response = api_as(agent).post("workorders", {**order_body, "content": "长" * 400})
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert not WorkOrder.objects.exists()


def test_detail_goes_through_the_gate_and_masks_the_caller(
    make_order, agent, dispatcher, unit_handler, other_handler, city, now, api_as
):
    order = make_order(phone="13812345678", name="张三")
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    center = api_as(agent).get(f"workorders/{order.number}").json()
    assert center["caller"] == {
        "name": "张三",
        "phone": "13812345678",
        "company": "",
        "confidential": False,
        "anonymous": False,
        "hidden": False,
    }
    unit = api_as(unit_handler).get(f"workorders/{order.number}").json()
    assert unit["caller"]["phone"] == "138****5678" and unit["caller"]["name"] == "张*"
    assert "sign" in unit["allowed_actions"] and "dispatch" not in unit["allowed_actions"]
    other = api_as(other_handler).get(f"workorders/{order.number}")
    assert other.status_code == 404 and other.json()["code"] == "order_not_found"


def test_confidential_caller_never_reaches_a_unit(make_order, dispatcher, unit_handler, city, now, api_as):
    order = make_order(confidential=True, phone="13812345678")
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    client = api_as(unit_handler)
    body = client.get(f"workorders/{order.number}").json()
    assert body["caller"]["hidden"] is True and body["caller"]["phone"] == "" and body["caller"]["name"] == ""
    assert client.get("workorders", {"q": "13812345678"}).json()["items"] == []


def test_list_filters_and_cursor_pagination(make_order, agent, now, api_as, django_assert_max_num_queries):
    import datetime as dt

    for index in range(7):
        make_order(title=f"噪音扰民{index}", at=now + dt.timedelta(minutes=index))
    make_order(title="咨询社保", request_type="consult", at=now + dt.timedelta(minutes=30))
    client = api_as(agent)
    seen = []
    cursor = None
    while True:
        params = {"type": "complaint", "limit": 3, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(4):
            page = client.get("workorders", params).json()
        seen += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"噪音扰民{i}" for i in reversed(range(7))]
    assert client.get("workorders", {"cursor": "garbage!"}).json()["code"] == "invalid_cursor"
    assert client.get("workorders", {"status": "nope"}).json()["code"] == "invalid_status"
    assert [i["title"] for i in client.get("workorders", {"q": "社保"}).json()["items"]] == ["咨询社保"]


def test_patch_corrects_only_what_is_sent(make_order, agent, api_as):
    order = make_order()
    response = api_as(agent).patch(
        f"workorders/{order.number}", {"urgency": "urgent", "version": order.version}
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.urgency == "urgent" and order.title == "小区停水三天无人处理"
    stale = api_as(agent).patch(f"workorders/{order.number}", {"urgency": "normal", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_attachments_are_checked_and_listed(make_order, agent, api_as, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = make_order()
    client = api_as(agent)
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    response = client.upload(f"workorders/{order.number}/attachments", {"files": [png], "public": "true"})
    assert response.status_code == 201, response.content
    assert response.json()[0]["name"] == "photo.png"
    listed = client.get(f"workorders/{order.number}/attachments").json()
    download = client.get(f"workorders/{order.number}/attachments/{listed[0]['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")
    exe = SimpleUploadedFile("tool.png", b"MZ\x90\x00" + b"\0" * 64)
    refused = client.upload(f"workorders/{order.number}/attachments", {"files": [exe]})
    assert refused.status_code == 400 and refused.json()["code"] == "file_type_not_allowed"
    settings.HOTLINE_API_MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 400)
    assert client.upload(f"workorders/{order.number}/attachments", {"files": [big]}).status_code == 413


def test_too_many_files_in_one_request_is_a_clear_400(make_order, agent, api_as, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    order = make_order()
    files = [SimpleUploadedFile(f"p{i}.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64) for i in range(3)]
    response = api_as(agent).upload(f"workorders/{order.number}/attachments", {"files": files})
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"
    assert not order.attachments.exists()

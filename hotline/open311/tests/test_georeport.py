"""Open311 GeoReport v2 as a real client sees it: the ``georeport`` package from PyPI, over HTTP, in JSON
and in XML. (georeport does not create requests, so POST goes through ``requests`` as the spec says:
a form-encoded body with ``api_key``.)"""

import datetime as dt

import pytest
import requests
import xmltodict
from georeport import GeoReport

from hotline.core.clock import now as clock_now
from hotline.open311.models import ServiceAttribute
from hotline.tokens.services import token_create
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)
JURISDICTION = "12345.haicheng.gov.cn"


@pytest.fixture
def base(live_server) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def api_key(agent) -> str:
    _, raw = token_create(user=agent, name="citizen app", now=clock_now())
    return raw


@pytest.fixture
def attribute(city) -> ServiceAttribute:
    return ServiceAttribute.objects.create(
        category=city.category,
        code="floor",
        datatype="singlevaluelist",
        required=True,
        description="停水楼层",
        values=[{"key": "low", "name": "低层"}, {"key": "high", "name": "高层"}],
    )


def create(base, api_key, **fields):
    body = {
        "api_key": api_key,
        "jurisdiction_id": JURISDICTION,
        "service_code": "01001",
        "description": "3栋高层停水两天，电话13812345678",
        "lat": "30.5",
        "long": "114.3",
        "address_string": "东湖区幸福里3栋",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "attribute[floor]": "high",
        **fields,
    }
    return requests.post(f"{base}/requests.json", data=body, timeout=10)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_and_their_definitions(base, attribute, fmt):
    client = GeoReport(base, jurisdiction=JURISDICTION, output_format=fmt)
    services = client.get_service_list()
    service = services if isinstance(services, dict) else services[0]
    assert (
        service["service_code"] == "01001"
        and service["service_name"] == "供水"
        and service["group"] == "城乡建设"
    )
    assert str(service["metadata"]).lower() == "true"
    definition = client.get_service_definition("01001")
    attributes = definition["attributes"]
    first = attributes[0] if isinstance(attributes, list) else attributes["attribute"]
    assert first["code"] == "floor" and str(first["required"]).lower() == "true"


def test_a_created_request_is_read_back_by_the_client_in_json_and_xml(base, api_key, attribute):
    response = create(base, api_key)
    assert response.status_code == 201, response.content
    created = response.json()[0]
    order = WorkOrder.objects.get(number=created["service_request_id"])
    assert order.channel.code == "app" and order.status == "received" and order.category.code == "01001"
    assert "停水楼层：高层" in order.content and "30.500000,114.300000" in order.location_text
    for fmt in ("json", "xml"):
        client = GeoReport(base, jurisdiction=JURISDICTION, output_format=fmt)
        record = client.get_service_request(order.number)
        assert record["service_request_id"] == order.number and record["status"] == "open"
        assert "13812345678" not in record["description"] and "<手机号>" in record["description"]
        requested = dt.datetime.fromisoformat(record["requested_datetime"])
        assert requested.utcoffset() == dt.timedelta(hours=8)
        listed = client.get_service_requests(status="open")
        listed = listed if isinstance(listed, list) else [listed]
        assert [item["service_request_id"] for item in listed] == [order.number]
    token = requests.get(f"{base}/tokens/{created['token']}.xml", timeout=10)
    assert xmltodict.parse(token.content)["service_requests"]["request"]["service_request_id"] == order.number


def test_status_maps_to_open_and_closed_with_notes_and_agency(
    base, make_order, dispatcher, unit_handler, city
):
    at = clock_now()
    order = make_order(at=at)
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=at)
    client = GeoReport(base, output_format="json")
    record = client.get_service_request(order.number)
    assert record["agency_responsible"] == "市水务局" and record["status"] == "open"
    assert record["expected_datetime"] is not None
    wo.workorder_sign(order=order, actor=unit_handler, now=at)
    wo.workorder_reply(order=order, actor=unit_handler, text="已恢复供水", solved=True, now=at)
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=at)
    wo.workorder_close(order=order, actor=dispatcher, now=at)
    closed = client.get_service_requests(status="closed")
    assert closed[0]["status"] == "closed" and "已恢复供水" in closed[0]["status_notes"]
    assert client.get_service_requests(status="open") == []


def test_confidential_and_unpublishable_orders_are_not_public(base, make_order):
    hidden = make_order(confidential=True, at=clock_now())
    response = requests.get(f"{base}/requests/{hidden.number}.json", timeout=10)
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert GeoReport(base).get_service_requests() == []


def test_errors_are_arrays_of_code_and_description(base, api_key, attribute):
    forbidden = create(base, "wrong-key")
    assert forbidden.status_code == 403 and forbidden.json() == [
        {"code": 403, "description": "A valid api_key is required to create a request."}
    ]
    missing = create(base, api_key, **{"attribute[floor]": ""})
    assert missing.status_code == 400 and "floor" in missing.json()[0]["description"]
    xml = requests.post(f"{base}/requests.xml", data={"api_key": api_key, "service_code": "nope"}, timeout=10)
    error = xmltodict.parse(xml.content)["errors"]["error"]
    assert xml.status_code == 400 and error["code"] == "400"
    assert (
        requests.get(f"{base}/services.json", params={"jurisdiction_id": "elsewhere"}, timeout=10).status_code
        == 404
    )
    wide = requests.get(
        f"{base}/requests.json",
        params={"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-12-01T00:00:00+08:00"},
        timeout=10,
    )
    assert wide.status_code == 400 and "90 days" in wide.json()[0]["description"]
    assert requests.get(f"{base}/requests.yaml", timeout=10).status_code == 404
    assert not WorkOrder.objects.exists()
    with pytest.raises(requests.HTTPError):
        GeoReport(base).get_service_definition("nope")

import pytest
import xmltodict
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db


def test_discovery_in_json_and_xml(city):
    data = Client().get("/open311/v2/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2/")
    xml = xmltodict.parse(Client().get("/open311/v2/discovery.xml").content)["discovery"]
    assert xml["endpoints"]["endpoint"]["formats"]["format"] == ["application/json", "text/xml"]


def test_public_endpoints_are_rate_limited(city, settings):
    cache.clear()
    settings.HOTLINE_OPEN311_READ_RATE = "5/h"
    client = Client()
    answers = [client.get("/open311/v2/services.json").status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
    assert client.get("/open311/v2/services.xml").status_code == 429
    assert client.get("/open311/v2/services.json").json()[0]["code"] == 429
    cache.clear()


def test_channel_callbacks_are_rate_limited(city, settings):
    cache.clear()
    settings.HOTLINE_CHANNELS_CALLBACK_RATE = "2/h"
    client = Client()
    answers = [
        client.post("/channels/sms/inbound", b"{}", content_type="application/json").status_code
        for _ in range(3)
    ]
    assert answers == [401, 401, 429]
    cache.clear()

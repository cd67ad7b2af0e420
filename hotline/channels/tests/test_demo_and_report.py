import datetime as dt
import random

import pytest
from django.test import Client

from hotline.channels import demo
from hotline.channels.models import Call, FirstResponse, MergedHotline, Partner
from hotline.channels.selectors import response_report
from hotline.demo.services import DemoContext
from hotline.tokens.testing import ApiClient

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once(city, make_order, now):
    make_order(channel="sms")
    ctx = DemoContext(
        now=now, rng=random.Random(1), units={"D09": city.water}, categories={"商品质量": city.category}
    )
    demo.load(ctx)
    demo.load(ctx)
    assert MergedHotline.objects.get(number="12315").default_unit == city.water
    assert Partner.objects.count() == 1 and Call.objects.filter(callback="pending").count() == 6
    assert FirstResponse.objects.count() <= 1


def test_response_report_counts_against_the_gbt_33358_targets(
    city, make_order, agent, now, django_assert_max_num_queries
):
    quick = make_order(channel="sms", at=now)
    slow = make_order(channel="sms", at=now)
    mail = make_order(channel="mailbox", at=now)
    make_order(channel="wechat", at=now)  # never answered
    make_order(channel="phone", at=now)  # phone has no media target
    FirstResponse.objects.create(
        order=quick, channel=quick.channel, received_at=now, responded_at=now, seconds=20, via="receipt"
    )
    FirstResponse.objects.create(
        order=slow, channel=slow.channel, received_at=now, responded_at=now, seconds=400, via="message"
    )
    FirstResponse.objects.create(
        order=mail, channel=mail.channel, received_at=now, responded_at=now, seconds=7200, via="receipt"
    )
    with django_assert_max_num_queries(4):
        rows = {
            row.code: row
            for row in response_report(
                since=now, until=now + dt.timedelta(days=1), now=now + dt.timedelta(minutes=10)
            )
        }
    assert "phone" not in rows
    assert (rows["sms"].received, rows["sms"].responded, rows["sms"].within_target) == (2, 2, 1)
    assert rows["sms"].rate == 0.5 and rows["sms"].median_seconds == 210
    assert rows["mailbox"].within_target == 1 and rows["mailbox"].target_minutes == 1440
    assert (rows["wechat"].waiting, rows["wechat"].overdue) == (1, 1)
    api = ApiClient(agent).get(
        "channels/response-times",
        {"since": now.isoformat(), "until": (now + dt.timedelta(days=1)).isoformat()},
    )
    assert api.status_code == 200
    sms = next(row for row in api.json()["channels"] if row["channel"] == "sms")
    assert sms["within_target"] == 1 and api.json()["standard"] == "GB/T 33358-2016"
    page = Client()
    page.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    html = page.get("/channels/responses/", {"from": "2026-11-16", "to": "2026-11-16"}).content.decode()
    assert "短信" in html and "市长信箱" in html


def test_response_times_are_for_the_center(unit_handler, city):
    assert ApiClient(unit_handler).get("channels/response-times").status_code == 403

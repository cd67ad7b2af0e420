"""The citizen portal: submit, track by number and code, see progress and the reply, rate; abuse
resistance (honeypot, fill time, rate limits); citizen text escaped; files only through the portal."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.portal.forms import form_token
from hotline.workbench.tests.chinese import zh
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Attachment, WorkOrder

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 64
)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def submission(city, **overrides):
    data = {
        "request_type": "complaint",
        "title": "小区门口占道经营",
        "content": "幸福里小区门口每天晚上有人占道摆摊，影响通行。",
        "category": city.category.pk,
        "division": city.street_division.pk,
        "location_text": "幸福里小区南门",
        "name": "赵六",
        "phone": "13511112222",
        "publish_consent": "on",
        "website": "",
        "started": form_token(time.time() - 30),
    }
    data.update(overrides)
    return data


def test_home_links_to_submit_and_track(client, db):
    page = client.get("/portal/").content.decode()
    assert 'href="/portal/submit/"' in page and 'href="/portal/track/"' in page
    assert "110" in page  # the emergency numbers are on every portal page


def test_submit_creates_an_unaccepted_web_order_with_files(client, city):
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(
        "/portal/submit/", {**submission(city, confidential="on"), "attachments": [upload]}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/submit/done/"
    order = WorkOrder.objects.get()
    assert order.status == Status.RECEIVED and order.channel.code == "web"
    assert order.created_by is None and order.confidential and order.caller_phone == "13511112222"
    attachment = Attachment.objects.get(order=order)
    assert attachment.public and attachment.uploaded_by is None
    page = client.get("/portal/submit/done/").content.decode()
    assert order.query_code in page and order.number[:4] in page and order.number[-4:] in page


def test_anonymous_submission_keeps_no_phone(client, city):
    response = client.post("/portal/submit/", submission(city, anonymous="on", phone="", name="赵六"))
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.anonymous and order.caller_phone == "" and order.caller_name == ""


def test_a_phone_is_needed_unless_anonymous(client, city):
    response = client.post("/portal/submit/", submission(city, phone=""))
    assert (
        response.status_code == 400
        and zh("Give a phone number for the callback, or submit anonymously.") in response.content.decode()
    )
    assert not WorkOrder.objects.exists()


def test_honeypot_and_minimum_fill_time_stop_scripts(client, city):
    response = client.post("/portal/submit/", submission(city, website="http://spam.example"))
    assert response.status_code == 400
    response = client.post("/portal/submit/", submission(city, started=form_token()))
    assert (
        response.status_code == 400
        and zh("That was faster than a person can type. Please check the form and submit again.")
        in response.content.decode()
    )
    response = client.post("/portal/submit/", submission(city, started="forged"))
    assert (
        response.status_code == 400
        and zh("The form has expired. Please copy your text, reload the page and submit again.")
        in response.content.decode()
    )
    response = client.post(
        "/portal/submit/", submission(city, started=form_token(time.time() - 5 * 24 * 3600))
    )
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()
    # the form kept what the person typed
    assert "幸福里小区门口每天晚上" in response.content.decode()


def test_refused_files_leave_no_order(client, city):
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    response = client.post("/portal/submit/", {**submission(city), "attachments": [bad]})
    assert (
        response.status_code == 400 and zh("This type of file is not accepted.") in response.content.decode()
    )
    assert not WorkOrder.objects.exists()


def test_submissions_are_rate_limited_per_address_and_per_phone(client, city, settings):
    settings.HOTLINE_PORTAL_SUBMIT_RATE_IP = "2/h"
    settings.HOTLINE_PORTAL_SUBMIT_RATE_PHONE = "3/d"
    for _ in range(2):
        assert client.post("/portal/submit/", submission(city)).status_code == 302
    response = client.post("/portal/submit/", submission(city))
    assert (
        response.status_code == 429
        and zh("Too many requests came from here in a short time. Please try again later, or call 12345.")
        in response.content.decode()
    )
    assert WorkOrder.objects.count() == 2
    settings.HOTLINE_PORTAL_SUBMIT_RATE_IP = "100/h"
    other = {"REMOTE_ADDR": "10.0.0.9"}
    assert client.post("/portal/submit/", submission(city), **other).status_code == 302
    assert client.post("/portal/submit/", submission(city), **other).status_code == 429  # same phone
    assert client.post("/portal/submit/", submission(city, phone="13600000000"), **other).status_code == 302


def test_citizen_markup_renders_as_text_everywhere(client, city, agent):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert (
        client.post(
            "/portal/submit/", submission(city, title=script[:90], content=script + "请处理")
        ).status_code
        == 302
    )
    order = WorkOrder.objects.get()
    page = client.get(f"/portal/orders/{order.number}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    client.force_login(agent)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "<script>alert" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_track_by_number_and_code(client, make_order):
    order = make_order(accept=False, channel="web")
    page = client.get(f"/portal/orders/{order.number}/", follow=True).content.decode()
    assert (
        zh("Enter the order number and its query code to see the request.") in page
    )  # not before the code was given
    response = client.post("/portal/track/", {"number": order.number, "code": "WRONG1"})
    assert (
        response.status_code == 400
        and zh("No request matches this number and query code. Check both and try again.")
        in response.content.decode()
    )
    response = client.post("/portal/track/", {"number": "20990101000001", "code": order.query_code})
    assert response.status_code == 400
    response = client.post(
        "/portal/track/", {"number": f" {order.number} ", "code": order.query_code.lower()}
    )
    assert response.status_code == 302 and response["Location"] == f"/portal/orders/{order.number}/"
    page = client.get(response["Location"]).content.decode()
    assert order.title in page and zh("Request received") in page


def test_tracking_is_rate_limited(client, make_order, settings):
    settings.HOTLINE_PORTAL_TRACK_RATE_IP = "3/10m"
    order = make_order()
    for _ in range(3):
        client.post("/portal/track/", {"number": order.number, "code": "AAAAAA"})
    response = client.post("/portal/track/", {"number": order.number, "code": order.query_code})
    assert response.status_code == 429


def _track(client, order):
    client.post("/portal/track/", {"number": order.number, "code": order.query_code})


def test_progress_shows_public_notes_and_the_reviewed_reply_only(
    client, make_order, city, dispatcher, unit_handler, now
):
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_note(order=order, actor=unit_handler, text="已派人现场查看", public=True, now=now)
    wo.workorder_note(order=order, actor=unit_handler, text="内部：需协调城管", public=False, now=now)
    wo.workorder_attach(
        order=order, actor=unit_handler, files=[SimpleUploadedFile("内部.png", PNG)], public=False, now=now
    )
    wo.workorder_reply(order=order, actor=unit_handler, text="已恢复供水并清理现场", solved=True, now=now)
    _track(client, order)
    page = client.get(f"/portal/orders/{order.number}/").content.decode()
    assert "已派人现场查看" in page and "内部：需协调城管" not in page
    assert "已恢复供水并清理现场" not in page  # not before the center reviewed it
    assert "内部.png" not in page
    assert "water_handler" not in page and "dispatcher" not in page  # no staff names
    internal = Attachment.objects.get(order=order)
    assert client.get(f"/portal/orders/{order.number}/files/{internal.pk}/").status_code == 404
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    page = client.get(f"/portal/orders/{order.number}/").content.decode()
    assert "已恢复供水并清理现场" in page and zh("Rate the handling") in page


def test_rating_when_the_order_awaits_its_callback(client, make_order, city, dispatcher, unit_handler, now):
    order = make_order()
    _track(client, order)
    page = client.get(f"/portal/orders/{order.number}/").content.decode()
    assert zh("Rate the handling") not in page
    response = client.post(
        f"/portal/orders/{order.number}/rate/", {"satisfaction": "satisfied", "solved": "yes"}
    )
    assert response.status_code == 409  # not awaiting the callback: refused with a message, not a 500
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now)
    wo.workorder_reply(order=order, actor=unit_handler, text="已处理", solved=True, now=now)
    wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=now)
    response = client.post(
        f"/portal/orders/{order.number}/rate/",
        {"satisfaction": "basically", "solved": "no", "comment": "还行"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.satisfaction == "basically" and order.solved is False
    event = order.events.get(action=Action.CALLBACK)
    assert event.actor is None and event.data["channel"] == "web" and event.comment == "还行"
    page = client.get(f"/portal/orders/{order.number}/").content.decode()
    assert zh("Thank you: your rating was recorded.") in page


def test_rating_needs_the_session_and_a_valid_form(client, make_order):
    order = make_order()
    response = client.post(
        f"/portal/orders/{order.number}/rate/", {"satisfaction": "satisfied", "solved": "yes"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/track/"
    _track(client, order)
    assert client.post(f"/portal/orders/{order.number}/rate/", {"satisfaction": "great"}).status_code == 400


def test_public_attachments_download_for_the_tracker_only(client, city):
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    client.post("/portal/submit/", {**submission(city), "attachments": [upload]})
    order = WorkOrder.objects.get()
    attachment = Attachment.objects.get()
    response = client.get(f"/portal/orders/{order.number}/files/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client.cookies.clear()
    assert client.get(f"/portal/orders/{order.number}/files/{attachment.pk}/").status_code == 404


def test_the_portal_works_in_english_too(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    page = client.get("/portal/submit/").content.decode()
    assert "Submit a request" in page and "Mobile phone" in page

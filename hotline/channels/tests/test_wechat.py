import hashlib
import secrets
import time
from urllib.parse import urlencode

import pytest
import xmltodict
from django.test import Client

from hotline.channels.models import FirstResponse, InboundMessage
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
TOKEN = "dev-wechat-token"


def signed_query(token=TOKEN, age=0, nonce=None, **extra):
    """A query string as WeChat signs it, with a new nonce each time as WeChat makes them."""
    timestamp, nonce = str(int(time.time()) - age), nonce or secrets.token_hex(5)
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def text_xml(content, msg_id="1001", openid="o_user_1"):
    return (
        f"<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def post(xml, **query):
    url = "/channels/wechat/?" + urlencode(signed_query(**query))
    return Client().post(url, xml.encode(), content_type="text/xml")


def reply_text(response):
    return xmltodict.parse(response.content)["xml"]["Content"]


def test_url_verification_echoes_only_with_a_valid_signature(city):
    good = Client().get("/channels/wechat/", signed_query(echostr="abc123"))
    assert good.status_code == 200 and good.content == b"abc123"
    bad = Client().get("/channels/wechat/", signed_query(token="other", echostr="abc123"))
    assert bad.status_code == 403


def test_a_replayed_signature_is_refused_once_it_is_older_than_the_allowed_skew(city, settings):
    """In plaintext mode the signature covers token, timestamp and nonce, not the body: a captured query
    string could carry any message, so it is only good for a few minutes."""
    xml = text_xml("伪造的诉求")
    recent = post(xml, age=200)
    assert recent.status_code == 200 and WorkOrder.objects.count() == 1
    old = post(text_xml("伪造的诉求", msg_id="1002"), age=301)
    assert old.status_code == 403 and old.content == b"stale timestamp"
    signature = hashlib.sha1("".join(sorted([TOKEN, "soon", "n0nce"])).encode()).hexdigest()
    query = {"signature": signature, "timestamp": "soon", "nonce": "n0nce", "echostr": "e"}
    garbage = Client().get("/channels/wechat/", query)
    assert garbage.status_code == 403 and garbage.content == b"stale timestamp"
    settings.HOTLINE_CHANNELS_WECHAT_MAX_SKEW_SECONDS = 600
    assert post(text_xml("x", msg_id="1003"), age=400).status_code == 200
    assert WorkOrder.objects.count() == 2


def test_a_captured_query_string_is_good_for_its_own_message_only(city, caplog):
    """Within the allowed skew a captured signature could still carry a forged message, sent as anyone:
    a nonce spent on one body is refused with any other, and nothing is stored."""
    query = signed_query()
    url = "/channels/wechat/?" + urlencode(query)
    first = Client().post(url, text_xml("路灯不亮", msg_id="501").encode(), content_type="text/xml")
    assert first.status_code == 200 and WorkOrder.objects.count() == 1
    forged = text_xml("伪造的诉求", msg_id="502", openid="o_victim")
    replay = Client().post(url, forged.encode(), content_type="text/xml")
    assert replay.status_code == 403 and replay.content == b"replayed nonce"
    assert replay["Content-Type"] == "text/plain"
    assert WorkOrder.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert "replayed WeChat message refused" in caplog.text
    assert post(forged).status_code == 200 and WorkOrder.objects.count() == 2  # a fresh nonce passes


def test_the_same_nonce_at_another_timestamp_is_another_request(city):
    assert post(text_xml("井盖缺失", msg_id="511"), nonce="12345").status_code == 200
    later = post(text_xml("树倒了", msg_id="512"), nonce="12345", age=-1)
    assert later.status_code == 200 and WorkOrder.objects.count() == 2


def test_wechat_retrying_the_very_request_gets_the_same_answer(city):
    """WeChat retries a message it got no answer to; whether it signs the retry anew or not, the retry
    is answered as the first time and changes nothing."""
    url = "/channels/wechat/?" + urlencode(signed_query())
    xml = text_xml("噪音扰民", msg_id="521").encode()
    first = Client().post(url, xml, content_type="text/xml")
    again = Client().post(url, xml, content_type="text/xml")
    assert again.status_code == 200 and reply_text(first) == reply_text(again)
    assert WorkOrder.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_text_message_becomes_an_order_and_the_number_is_sent_back(city):
    response = post(text_xml("东湖路与解放路交叉口红绿灯坏了，早高峰很堵"))
    assert response.status_code == 200
    reply = xmltodict.parse(response.content)["xml"]
    assert reply["ToUserName"] == "o_user_1" and reply["MsgType"] == "text"
    order = WorkOrder.objects.get()
    assert order.channel.code == "wechat" and order.status == "received"
    assert order.number in reply["Content"] and order.query_code in reply["Content"]
    assert FirstResponse.objects.get(order=order).seconds == 0


def test_wechat_retrying_a_message_gets_the_same_answer(city):
    first = reply_text(post(text_xml("噪音扰民", msg_id="77")))
    again = reply_text(post(text_xml("噪音扰民", msg_id="77")))
    assert first == again and WorkOrder.objects.count() == 1


def test_an_order_number_is_answered_with_its_status_for_its_sender_or_with_the_query_code(city, make_order):
    reply_text(post(text_xml("垃圾站臭气", msg_id="1")))
    order = WorkOrder.objects.get()
    assert "已收到" in reply_text(post(text_xml(order.number, msg_id="2")))
    stranger = reply_text(post(text_xml(order.number, msg_id="3", openid="o_other")))
    assert "未找到" in stranger and order.title not in stranger
    with_code = reply_text(post(text_xml(f"{order.number} {order.query_code}", msg_id="4", openid="o_other")))
    assert "已收到" in with_code
    phone_order = make_order()
    assert "未找到" in reply_text(post(text_xml(phone_order.number, msg_id="5")))


def test_a_signed_message_with_a_bad_signature_is_refused(city):
    url = "/channels/wechat/?" + urlencode(signed_query(token="forged"))
    response = Client().post(url, text_xml("x").encode(), content_type="text/xml")
    assert response.status_code == 403 and not WorkOrder.objects.exists()


def test_subscribe_and_other_types(city):
    event = (
        "<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[o_user_1]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )
    assert "欢迎关注" in reply_text(post(event))
    image = (
        "<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[o_user_1]]></FromUserName>"
        "<CreateTime>1700000001</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl>"
        "<MediaId><![CDATA[m1]]></MediaId><MsgId>9</MsgId></xml>"
    )
    assert "文字" in reply_text(post(image))
    assert not WorkOrder.objects.exists()
    broken = Client().post("/channels/wechat/?" + urlencode(signed_query()), b"<xml", content_type="text/xml")
    assert broken.status_code == 400

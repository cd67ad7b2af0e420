"""WeChat's safe mode (安全模式) and compatible mode (兼容模式): messages encrypted with the account's
EncodingAESKey, as WeChat encrypts and signs them, and replies encrypted back."""

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode

import pytest
import xmltodict
from django.test import Client
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from hotline.channels.models import FirstResponse, InboundMessage
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
TOKEN = "dev-wechat-token"
KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 characters, as WeChat shows it
APP_ID = "wx5823bf96d3bd56c7"
NONCE = "1320562132"


@pytest.fixture(autouse=True)
def safe_mode(settings):
    settings.HOTLINE_CHANNELS_WECHAT_ENCODING_AES_KEY = KEY
    settings.HOTLINE_CHANNELS_WECHAT_APP_ID = APP_ID


def sha1(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def text_xml(content, msg_id="2001", openid="o_user_1"):
    return (
        f"<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def encrypted(xml, *, app_id=APP_ID, plaintext_copy=False):
    """The body WeChat posts in safe mode (with ``plaintext_copy``: compatible mode) and its Encrypt."""
    encrypt = PrpCrypto(base64.b64decode(KEY + "=")).encrypt(xml, app_id).decode()
    inner = xml.removeprefix("<xml>").removesuffix("</xml>") if plaintext_copy else ""
    body = f"<xml><ToUserName><![CDATA[gh_12345]]></ToUserName>{inner}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    return body, encrypt


def query_for(encrypt=None, *, token=TOKEN, msg_token=TOKEN, **extra):
    """The query string WeChat signs: ``signature`` always, ``msg_signature`` over an encrypted body; a
    new nonce each time, as WeChat makes them."""
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
    query = {"signature": sha1(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}
    if encrypt is not None:
        query.update(encrypt_type="aes", msg_signature=sha1(msg_token, timestamp, nonce, encrypt))
    return query


def send(body, query):
    response = Client().post("/channels/wechat/?" + urlencode(query), body.encode(), content_type="text/xml")
    response.sent_timestamp, response.sent_nonce = query["timestamp"], query["nonce"]
    return response


def post(xml, *, token=TOKEN, msg_token=TOKEN, app_id=APP_ID, plaintext_copy=False, tamper=False):
    body, encrypt = encrypted(xml, app_id=app_id, plaintext_copy=plaintext_copy)
    query = query_for(encrypt, token=token, msg_token=msg_token, openid="o_user_1")
    if tamper:  # a body swapped under a signature WeChat made for another one
        body = encrypted(text_xml("伪造的诉求"))[0]
    return send(body, query)


def decrypted_reply(response):
    """The reply as the citizen's WeChat sees it, after checking it is encrypted and signed for us."""
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    outer = xmltodict.parse(response.content)["xml"]
    assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    nonce = response.sent_nonce
    assert outer["Nonce"] == nonce and outer["TimeStamp"] == response.sent_timestamp
    assert outer["MsgSignature"] == sha1(TOKEN, outer["TimeStamp"], nonce, outer["Encrypt"])
    plain = WeChatCrypto(TOKEN, KEY, APP_ID).decrypt_message(
        response.content, outer["MsgSignature"], outer["TimeStamp"], nonce
    )
    return xmltodict.parse(plain)["xml"]


def nothing_stored():
    return not InboundMessage.objects.exists() and not WorkOrder.objects.exists()


def test_an_encrypted_text_message_becomes_an_order_and_the_encrypted_reply_has_its_number(city):
    response = post(text_xml("东湖路与解放路交叉口红绿灯坏了，早高峰很堵"))
    reply = decrypted_reply(response)
    order = WorkOrder.objects.get()
    assert order.channel.code == "wechat" and order.status == "received"
    assert order.content == "东湖路与解放路交叉口红绿灯坏了，早高峰很堵"
    assert reply["ToUserName"] == "o_user_1" and reply["FromUserName"] == "gh_12345"
    assert reply["MsgType"] == "text"
    assert order.number in reply["Content"] and order.query_code in reply["Content"]
    assert order.number.encode() not in response.content
    assert FirstResponse.objects.get(order=order).seconds == 0


def test_a_retry_with_the_same_msg_id_gets_the_same_answer_and_changes_nothing(city):
    first = decrypted_reply(post(text_xml("小区楼下烧烤噪音扰民", msg_id="77")))
    again = decrypted_reply(post(text_xml("小区楼下烧烤噪音扰民", msg_id="77")))
    assert first["Content"] == again["Content"]
    assert WorkOrder.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert FirstResponse.objects.count() == 1


def test_a_retry_of_the_very_request_gets_the_same_answer_and_another_body_is_refused(city):
    """WeChat may retry with the query string it signed the first time: that is answered again. The
    same query string with another body is a replay; in compatible mode its plaintext copy may differ
    while ``msg_signature`` still holds, and it is refused all the same."""
    xml = text_xml("小区楼下烧烤噪音扰民", msg_id="78")
    body, encrypt = encrypted(xml, plaintext_copy=True)
    query = query_for(encrypt)
    first, again = decrypted_reply(send(body, query)), decrypted_reply(send(body, query))
    assert first["Content"] == again["Content"] and WorkOrder.objects.count() == 1
    altered = body.replace("小区楼下烧烤噪音扰民", "伪造的诉求")
    replay = send(altered, query)
    assert replay.status_code == 403 and replay.content == b"replayed nonce"
    assert WorkOrder.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_status_query_is_answered_encrypted(city):
    decrypted_reply(post(text_xml("垃圾站臭气", msg_id="1")))
    order = WorkOrder.objects.get()
    own = decrypted_reply(post(text_xml(order.number, msg_id="2")))["Content"]
    assert order.number in own and "已收到" in own
    stranger = decrypted_reply(post(text_xml(order.number, msg_id="3", openid="o_other")))["Content"]
    assert "未找到" in stranger
    with_code = decrypted_reply(
        post(text_xml(f"{order.number} {order.query_code}", msg_id="4", openid="o_other"))
    )
    assert "已收到" in with_code["Content"]
    assert WorkOrder.objects.count() == 1


def test_compatible_mode_answers_the_encrypted_message_not_the_plaintext_copy(city):
    xml = text_xml("路灯不亮", msg_id="31")
    body, _ = encrypted(xml, plaintext_copy=True)
    assert "<Content>" in body and "<Encrypt>" in body
    reply = decrypted_reply(post(xml, plaintext_copy=True))
    order = WorkOrder.objects.get()
    assert order.content == "路灯不亮" and order.number in reply["Content"]

    # the plaintext copy is not covered by msg_signature, so a different one changes nothing
    forged_copy = text_xml("伪造的诉求", msg_id="32")
    _, encrypt = encrypted(text_xml("井盖缺失", msg_id="32"))
    body = f"<xml>{forged_copy[5:-6]}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    response = send(body, query_for(encrypt))
    decrypted_reply(response)
    assert set(WorkOrder.objects.values_list("content", flat=True)) == {"路灯不亮", "井盖缺失"}


def test_an_encrypted_subscribe_event_is_welcomed_and_other_events_get_success(city):
    def event(name, at):
        return (
            "<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[o_user_1]]></FromUserName>"
            f"<CreateTime>{at}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event></xml>"
        )

    assert "欢迎关注" in decrypted_reply(post(event("subscribe", 1700000000)))["Content"]
    unsubscribe = post(event("unsubscribe", 1700000001))
    assert unsubscribe.status_code == 200 and unsubscribe.content == b"success"
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    "forgery",
    [
        {"msg_token": "forged"},  # msg_signature made without the token
        {"tamper": True},  # a valid msg_signature for another body
        {"token": "forged"},  # the plain signature is still checked
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(city, forgery):
    response = post(text_xml("x"), **forgery)
    assert response.status_code == 403 and response.content == b"invalid signature"
    assert nothing_stored()


def test_a_missing_msg_signature_is_refused(city):
    body, _ = encrypted(text_xml("x"))
    response = send(body, query_for(encrypt_type="aes"))
    assert response.status_code == 403 and nothing_stored()


def test_a_message_encrypted_for_another_account_is_refused(city):
    response = post(text_xml("x"), app_id="wx0000000000000000")
    assert response.status_code == 403 and response.content == b"invalid app id"
    assert nothing_stored()


def test_an_encrypted_message_without_a_key_is_refused_and_nothing_is_stored(city, settings):
    settings.HOTLINE_CHANNELS_WECHAT_ENCODING_AES_KEY = ""
    response = post(text_xml("x"))
    assert response.status_code == 400 and response.content == b"encrypted messages are not configured"
    settings.HOTLINE_CHANNELS_WECHAT_ENCODING_AES_KEY = KEY[:-1]  # 42 characters: not a key
    assert post(text_xml("x")).status_code == 400
    settings.HOTLINE_CHANNELS_WECHAT_ENCODING_AES_KEY = KEY
    settings.HOTLINE_CHANNELS_WECHAT_APP_ID = ""
    assert post(text_xml("x")).status_code == 400
    assert nothing_stored()


def test_a_signed_but_undecryptable_body_is_refused(city):
    for encrypt in ("not base64!", base64.b64encode(b"short").decode()):
        body = f"<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        response = send(body, query_for(encrypt))
        assert response.status_code == 400 and response.content == b"bad message"
    no_encrypt = send(text_xml("x"), query_for(""))
    assert no_encrypt.status_code == 400
    assert nothing_stored()


def test_with_a_key_configured_a_plaintext_message_is_refused_and_other_modes_too(city):
    plain = send(text_xml("树枝压断电线"), query_for())
    assert plain.status_code == 403 and b"plaintext" in plain.content
    other = send(text_xml("x", msg_id="9"), query_for(encrypt_type="sm4"))
    assert other.status_code == 400
    assert nothing_stored()


def test_plaintext_mode_works_again_once_the_key_is_removed(city, settings):
    settings.HOTLINE_CHANNELS_WECHAT_ENCODING_AES_KEY = ""
    plain = send(text_xml("树枝压断电线"), query_for())
    assert plain.status_code == 200 and plain["Content-Type"] == "application/xml"
    assert WorkOrder.objects.get().number in xmltodict.parse(plain.content)["xml"]["Content"]


@pytest.mark.parametrize("age", [-400, 400])
def test_a_signature_from_another_time_is_refused(city, age):
    body, encrypt = encrypted(text_xml("x"))
    timestamp = str(int(time.time()) + age)
    query = {
        "signature": sha1(TOKEN, timestamp, NONCE),
        "timestamp": timestamp,
        "nonce": NONCE,
        "encrypt_type": "aes",
        "msg_signature": sha1(TOKEN, timestamp, NONCE, encrypt),
    }
    response = send(body, query)
    assert response.status_code == 403 and response.content == b"stale timestamp"
    assert nothing_stored()

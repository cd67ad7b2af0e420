"""Callbacks from outside systems: the SMS gateway, the call-center platform, WeChat. No session: each
proves who it is (an HMAC signature; WeChat's signature, and in safe mode its ``msg_signature`` over the
encrypted message) and is rate limited per address. A signature is good for a few minutes; WeChat's, which
does not cover a plaintext body, is also good for one body only."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from hotline.core.clock import now
from hotline.core.errors import ApplicationError

from .. import conf, signing
from ..inbound import InboundSms
from ..services.calls import telephony_event
from ..services.sms import sms_receive
from ..services.wechat import wechat_message

logger = logging.getLogger("hotline.channels")
MAX_BODY = 64 * 1024
_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": {}}, status=status)


def _signed_json(request: HttpRequest, secret: str) -> dict[str, Any] | JsonResponse:
    if getattr(request, "limited", False):
        return _error(429, "rate_limited", "Too many requests.")
    if len(request.body) > MAX_BODY:
        return _error(413, "body_too_large", "The request body is too large.")
    if not signing.verify(
        secret,
        timestamp=request.headers.get(signing.TIMESTAMP_HEADER, ""),
        signature_value=request.headers.get(signing.SIGNATURE_HEADER, ""),
        body=request.body,
    ):
        return _error(401, "bad_signature", "The signature is missing, wrong or too old.")
    try:
        data = json.loads(request.body)
    except ValueError:
        return _error(400, "invalid_json", "The body is not JSON.")
    if not isinstance(data, dict):
        return _error(400, "invalid_json", "The body must be a JSON object.")
    return data


def _instant(value: Any) -> dt.datetime:
    parsed = parse_datetime(str(value)) if value else None
    if parsed is None or parsed.tzinfo is None:
        return now()
    return parsed


@csrf_exempt
@require_POST
@ratelimit(group="channel-callbacks", key="ip", rate=conf.callback_rate, block=False)
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """The SMS gateway's callback for a text a citizen sent (protocol in ``backends.sms``)."""
    data = _signed_json(request, conf.sms_inbound_secret())
    if isinstance(data, JsonResponse):
        return data
    gateway_id, phone = str(data.get("id", "")).strip(), str(data.get("from", "")).strip()
    if not gateway_id or not phone:
        return _error(400, "invalid_message", "id and from are required.")
    sms = InboundSms(
        phone=phone,
        text=str(data.get("text", "")),
        received_at=_instant(data.get("received_at")),
        gateway_id=gateway_id[:200],
    )
    try:
        record = sms_receive(sms, recipient=str(data.get("to", ""))[:20], now=now())
    except ApplicationError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(
        {"ok": True, "outcome": record.outcome, "order": record.order.number if record.order else None}
    )


@csrf_exempt
@require_POST
@ratelimit(group="channel-callbacks", key="ip", rate=conf.callback_rate, block=False)
def telephony(request: HttpRequest) -> JsonResponse:
    """The call-center platform's webhook: ``{"event": "ring"|"answer"|"end"|"abandon", "call_id",
    "caller", "dialled", "agent", "at", "duration", "recording"}``, signed like the SMS gateway."""
    data = _signed_json(request, conf.telephony_secret())
    if isinstance(data, JsonResponse):
        return data
    duration = data.get("duration")
    try:
        call = telephony_event(
            event=str(data.get("event", "")),
            call_id=str(data.get("call_id", ""))[:64],
            at=_instant(data.get("at")),
            caller=str(data.get("caller", "")),
            dialled=str(data.get("dialled", "")),
            agent=str(data.get("agent", "")),
            duration=int(duration) if isinstance(duration, int | float) else None,
            recording=str(data.get("recording", "")),
        )
    except ApplicationError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"ok": True, "call_id": call.call_id, "state": call.state, "callback": call.callback})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@ratelimit(group="channel-callbacks", key="ip", rate=conf.callback_rate, block=False)
def wechat(request: HttpRequest) -> HttpResponse:
    """WeChat's message callback: GET verifies the URL (echo ``echostr``), POST carries a message. In
    plaintext mode the body is the message; with ``encrypt_type=aes`` (safe mode, and compatible mode,
    whose body also has a plaintext copy that is not trusted) it is decrypted from ``<Encrypt>`` after
    checking ``msg_signature``, and the reply is encrypted with the same timestamp and nonce."""
    if getattr(request, "limited", False):
        return _text("rate limited", 429)
    timestamp, nonce = request.GET.get("timestamp", ""), request.GET.get("nonce", "")
    try:
        check_signature(conf.wechat_token(), request.GET.get("signature", ""), timestamp, nonce)
    except InvalidSignatureException:
        return _text("invalid signature", 403)
    if not signing.fresh(timestamp, tolerance=conf.wechat_max_skew_seconds()):
        return _text("stale timestamp", 403)
    if request.method == "GET":
        return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")
    if len(request.body) > MAX_BODY:
        return _text("too large", 413)
    encrypt_type = request.GET.get("encrypt_type", "") or "raw"
    crypto = _wechat_crypto()
    if encrypt_type == "raw" and crypto is not None:
        # With a key configured the account is in safe or compatible mode, where WeChat encrypts every
        # message; a plaintext one (whose body no signature covers) is not from WeChat.
        logger.warning("plaintext WeChat message refused: the account is configured for encryption")
        return _text("plaintext messages are refused: the account encrypts its messages", 403)
    if encrypt_type == "aes" and crypto is None:
        logger.error("encrypted WeChat message refused: no valid EncodingAESKey and AppID configured")
        return _text("encrypted messages are not configured", 400)
    if encrypt_type not in ("raw", "aes"):
        return _text("unsupported encrypt_type", 400)
    try:
        xml = (
            request.body
            if crypto is None
            else crypto.decrypt_message(request.body, request.GET.get("msg_signature", ""), timestamp, nonce)
        )
    except InvalidSignatureException:
        return _text("invalid signature", 403)
    except InvalidAppIdException:
        return _text("invalid app id", 403)
    except Exception:  # bad XML, no <Encrypt>, bad base64 or padding: wechatpy lets them all through
        logger.warning("undecryptable WeChat message")
        return _text("bad message", 400)
    try:
        message = parse_message(xml)
    except Exception:  # wechatpy raises plain XML errors for malformed bodies
        logger.warning("unreadable WeChat message")
        return _text("bad message", 400)
    # The signature does not cover a plaintext body, so a captured query string could carry any message
    # until it goes stale: each nonce is good for one body. WeChat's retry repeats the body and gets the
    # same answer (``wechat_message`` acts on a MsgId once), whether or not it reuses the nonce.
    if not signing.first_use(
        "wechat", f"{timestamp}.{nonce}", window=conf.wechat_max_skew_seconds(), payload=request.body
    ):
        logger.warning("replayed WeChat message refused: nonce %s came with another body", nonce)
        return _text("replayed nonce", 403)
    reply = wechat_message(message, now=now())
    if not reply:
        return HttpResponse("success", content_type="text/plain")
    body = create_reply(reply, message, render=True)
    if crypto is not None:
        body = crypto.encrypt_message(body, nonce, timestamp)
    return HttpResponse(body, content_type="application/xml")


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain")


def _wechat_crypto() -> WeChatCrypto | None:
    """The account's message crypto, or None without an AppID or a well-formed EncodingAESKey (43
    base64 characters, i.e. a 32-byte AES key)."""
    key, app_id = conf.wechat_encoding_aes_key(), conf.wechat_app_id()
    if not app_id or not _AES_KEY.fullmatch(key):
        return None
    return WeChatCrypto(conf.wechat_token(), key, app_id)

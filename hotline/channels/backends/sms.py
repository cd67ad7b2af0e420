"""SMS backends. ``sms_backend()`` picks one by ``HOTLINE_CHANNELS_SMS_BACKEND``.

The HTTP gateway protocol (what a real gateway, or an adapter in front of a carrier's SMS platform,
must speak):

Outbound, platform → gateway
    ``POST {SMS_GATEWAY_URL}/messages`` with JSON ``{"to": "13800000000", "text": "...", "sender":
    "12345", "client_ref": "hl-42"}``, headers ``Authorization: Bearer {SMS_GATEWAY_KEY}`` and the
    signature headers of ``channels.signing`` (HMAC-SHA256 with ``SMS_GATEWAY_SECRET``).
    The gateway answers 200/201/202 with JSON ``{"id": "<its message id>"}``. It must treat
    ``client_ref`` as an idempotency key: the platform retries after a timeout or a 5xx, 408 or 429,
    and the same ``client_ref`` must not send a second text. Any other 4xx is final (not retried).

Inbound, gateway → platform
    ``POST /channels/sms/inbound`` with JSON ``{"id": "<gateway message id>", "from": "13800000000",
    "to": "12345", "text": "...", "received_at": "2026-11-16T09:00:00+08:00"}``, signed the same way
    with ``SMS_INBOUND_SECRET``. The platform answers 200 ``{"ok": true, "outcome": ..., "order": ...}``;
    a repeated ``id`` is answered again and not acted on twice. 401 means a bad or stale signature.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Protocol

import requests

from hotline.core.clock import now

from .. import conf, signing
from . import DeliveryError

logger = logging.getLogger("hotline.channels.sms")


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, ref: str) -> str:
        """Send one text; return the gateway's id for it, or raise ``DeliveryError``."""


class ConsoleSms:
    """Development: the text goes to the log."""

    def send(self, *, to: str, text: str, ref: str) -> str:
        logger.info("SMS to %s [%s]: %s", to, ref, text)
        return f"console-{ref}"


class FileSms:
    """Development: one JSON line per text in ``var/sms/outbox.jsonl``."""

    def send(self, *, to: str, text: str, ref: str) -> str:
        folder = Path(conf.sms_file_dir())
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "ref": ref, "at": now().isoformat()}, ensure_ascii=False)
        with (folder / "outbox.jsonl").open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        return f"file-{ref}"


class MemorySms:
    """Tests: texts are kept in ``MemorySms.outbox``."""

    outbox: list[dict[str, str]] = []
    _lock = threading.Lock()

    def send(self, *, to: str, text: str, ref: str) -> str:
        with self._lock:
            self.outbox.append({"to": to, "text": text, "ref": ref})
        return f"memory-{ref}"


class HttpGatewaySms:
    """Production: the HTTP gateway protocol above."""

    def send(self, *, to: str, text: str, ref: str) -> str:
        url = conf.sms_gateway_url()
        if not url:
            raise DeliveryError("HOTLINE_CHANNELS_SMS_GATEWAY_URL is not set.")
        body = json.dumps(
            {"to": to, "text": text, "sender": conf.sms_sender(), "client_ref": ref}, ensure_ascii=False
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {conf.sms_gateway_key()}",
            **signing.signed_headers(conf.sms_gateway_secret(), body),
        }
        try:
            response = requests.post(f"{url}/messages", data=body, headers=headers, timeout=10)
        except requests.RequestException as exc:
            raise DeliveryError(f"gateway unreachable: {exc}") from exc
        if response.status_code in (200, 201, 202):
            try:
                return str(response.json().get("id", ""))[:100]
            except ValueError:
                return ""
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        raise DeliveryError(
            f"gateway answered {response.status_code}: {response.text[:200]}",
            permanent=permanent,
            status=response.status_code,
        )


_BACKENDS: dict[str, type[SmsBackend]] = {
    "console": ConsoleSms,
    "file": FileSms,
    "memory": MemorySms,
    "http": HttpGatewaySms,
}


def sms_backend() -> SmsBackend:
    name = conf.sms_backend()
    try:
        return _BACKENDS[name]()
    except KeyError as exc:
        raise DeliveryError(f"unknown SMS backend {name!r}", permanent=True) from exc

"""Partner webhooks over HTTP. Each delivery is a POST of JSON to the partner's URL with headers
``X-Hotline-Delivery`` (the delivery's id: the receiver's idempotency key), ``X-Hotline-Event`` and the
signature headers of ``channels.signing`` (HMAC-SHA256 with the partner's secret). 2xx is delivered;
anything else, or no answer within the timeout, is retried with backoff."""

from __future__ import annotations

import requests

from .. import conf, signing
from . import DeliveryError


def post_webhook(*, url: str, body: bytes, secret: str, delivery_id: int, event: str) -> int:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "hotline12345-webhooks/1",
        "X-Hotline-Delivery": str(delivery_id),
        "X-Hotline-Event": event,
        **signing.signed_headers(secret, body),
    }
    try:
        response = requests.post(url, data=body, headers=headers, timeout=conf.webhook_timeout())
    except requests.RequestException as exc:
        raise DeliveryError(f"partner unreachable: {exc}") from exc
    if 200 <= response.status_code < 300:
        return response.status_code
    raise DeliveryError(f"partner answered {response.status_code}", status=response.status_code)

"""Channel settings (``HOTLINE_CHANNELS_*``): Django settings first, then the environment, then defaults
that suit development (console SMS, no mailbox)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


def get(name: str, default: Any) -> Any:
    key = f"HOTLINE_CHANNELS_{name}"
    if hasattr(settings, key):
        return getattr(settings, key)
    return os.environ.get(key, default)


def as_bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def sms_backend() -> str:
    """``console`` (development, the default), ``file`` (one JSON line per text under var/sms/), ``http``
    (the SMS gateway) or ``memory`` (tests)."""
    return str(get("SMS_BACKEND", "console"))


def sms_file_dir() -> str:
    return str(get("SMS_FILE_DIR", str(settings.VAR_DIR / "sms")))


def sms_gateway_url() -> str:
    return str(get("SMS_GATEWAY_URL", "")).rstrip("/")


def sms_gateway_key() -> str:
    return str(get("SMS_GATEWAY_KEY", ""))


def sms_gateway_secret() -> str:
    return str(get("SMS_GATEWAY_SECRET", ""))


def sms_sender() -> str:
    return str(get("SMS_SENDER", "12345"))


def sms_inbound_secret() -> str:
    """Shared secret the gateway signs its inbound callbacks with."""
    return str(get("SMS_INBOUND_SECRET", "dev-sms-inbound-secret"))


def sms_followup_hours() -> float:
    """An SMS from a caller with an SMS order this recent is added to that order, not made a new one."""
    return float(get("SMS_FOLLOWUP_HOURS", 24))


def telephony_secret() -> str:
    return str(get("TELEPHONY_SECRET", "dev-telephony-secret"))


def wechat_token() -> str:
    return str(get("WECHAT_TOKEN", "dev-wechat-token"))


def wechat_encoding_aes_key() -> str:
    """The official account's EncodingAESKey (43 characters), needed for safe and compatible mode; empty:
    encrypted messages are refused."""
    return str(get("WECHAT_ENCODING_AES_KEY", "")).strip()


def wechat_app_id() -> str:
    """The official account's AppID: an encrypted message must name it, and the reply is encrypted for it."""
    return str(get("WECHAT_APP_ID", "")).strip()


def wechat_max_skew_seconds() -> int:
    """How far a callback's ``timestamp`` may lie from the server's clock: a signature captured once
    cannot be replayed later (in plaintext mode it does not cover the body)."""
    return int(get("WECHAT_MAX_SKEW_SECONDS", 300))


def imap() -> dict[str, Any]:
    return {
        "host": str(get("IMAP_HOST", "")),
        "port": int(get("IMAP_PORT", 993)),
        "ssl": as_bool(get("IMAP_SSL", True)),
        "user": str(get("IMAP_USER", "")),
        "password": str(get("IMAP_PASSWORD", "")),
        "folder": str(get("IMAP_FOLDER", "INBOX")),
    }


def mail_backend() -> str:
    return str(get("MAIL_BACKEND", settings.EMAIL_BACKEND))


def mail_options() -> dict[str, Any]:
    """Connection options for the mailbox's SMTP replies (passed to Django's mail backend)."""
    options: dict[str, Any] = {}
    host = str(get("SMTP_HOST", ""))
    if host:
        options.update(
            host=host,
            port=int(get("SMTP_PORT", 25)),
            username=str(get("SMTP_USER", "")) or None,
            password=str(get("SMTP_PASSWORD", "")) or None,
            use_tls=as_bool(get("SMTP_STARTTLS", False)),
            use_ssl=as_bool(get("SMTP_SSL", False)),
            timeout=10,
        )
    return options


def mail_from() -> str:
    return str(get("MAIL_FROM", "mayor-mailbox@12345.example.gov.cn"))


def max_attempts() -> int:
    return int(get("MAX_ATTEMPTS", 6))


def retry_base_seconds() -> int:
    return int(get("RETRY_BASE_SECONDS", 30))


def receipt_channels() -> frozenset[str]:
    """Channels whose callers get an automatic receipt with the order number (by SMS, or by mail for
    the mailbox; WeChat answers in its reply)."""
    value = get("RECEIPT_CHANNELS", "sms,phone,web,app,weibo,message_board,merged,mailbox")
    return frozenset(c.strip() for c in str(value).split(",") if c.strip())


def notice_max_age_minutes() -> float | None:
    """Caller notices are sent only for events this recent (an import or the demo's backdated history
    sends nothing). None: no limit."""
    value = get("NOTICE_MAX_AGE_MINUTES", 60)
    return None if value is None or value == "" else float(value)


def missed_call_sms() -> bool:
    """Text a caller whose call was abandoned that the center will call back."""
    return as_bool(get("MISSED_CALL_SMS", True))


def webhook_timeout() -> float:
    return float(get("WEBHOOK_TIMEOUT", 5))


def callback_rate(group: str, request: object) -> str:
    """Rate limit of the gateways' and platforms' callbacks, per address (django-ratelimit syntax)."""
    return str(get("CALLBACK_RATE", "600/m"))

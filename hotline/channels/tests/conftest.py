from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from hotline.channels.backends.sms import MemorySms

from .mailservers import dovecot, smtp_server  # noqa: F401 - fixtures for the mailbox tests


@pytest.fixture(autouse=True)
def _channel_settings(settings) -> Iterator[None]:
    settings.HOTLINE_CHANNELS_SMS_BACKEND = "memory"
    settings.HOTLINE_CHANNELS_NOTICE_MAX_AGE_MINUTES = None
    settings.HOTLINE_CHANNELS_RETRY_BASE_SECONDS = 30
    MemorySms.outbox.clear()
    cache.clear()  # the nonces WeChat's callback has seen, and the rate limits
    yield
    MemorySms.outbox.clear()


@pytest.fixture
def sms_outbox() -> list[dict[str, str]]:
    return MemorySms.outbox

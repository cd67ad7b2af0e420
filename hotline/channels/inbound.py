"""Inbound SMS, as other apps see it. Apps append a handler in their ``AppConfig.ready()``:

    from hotline.channels.inbound import sms_handlers
    sms_handlers.append(survey_answer)   # def survey_answer(sms: InboundSms) -> bool

Handlers are tried in order; one that returns True has consumed the message (a survey answer, say).
Otherwise the channel makes it a new order, or adds it to the caller's open order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InboundSms:
    phone: str
    text: str
    received_at: dt.datetime
    gateway_id: str


sms_handlers: list[Callable[[InboundSms], bool]] = []

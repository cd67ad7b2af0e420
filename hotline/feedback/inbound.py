"""The inbound SMS handler channels tries before making a message an order: a survey answer."""

from __future__ import annotations

from hotline.channels.inbound import InboundSms

from .services import survey_sms_answer


def survey_answer(sms: InboundSms) -> bool:
    return survey_sms_answer(phone=sms.phone, text=sms.text, now=sms.received_at)

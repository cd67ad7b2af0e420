"""Settings of the callback app (``HOTLINE_FEEDBACK_*`` in the Django settings)."""

from __future__ import annotations

from django.conf import settings


def sms_wait_hours() -> float:
    """How long the SMS survey waits for the caller's answer before the order goes to the phone
    callback queue."""
    return float(getattr(settings, "HOTLINE_FEEDBACK_SMS_WAIT_HOURS", 24))


def max_call_attempts() -> int:
    """Unanswered callback calls after which an agent may close the order as unreachable."""
    return int(getattr(settings, "HOTLINE_FEEDBACK_MAX_CALL_ATTEMPTS", 3))


def late_answer_days() -> int:
    """An SMS answer this many days after the survey is still taken as one (and not as a new request)."""
    return int(getattr(settings, "HOTLINE_FEEDBACK_LATE_ANSWER_DAYS", 7))


def sweep_minutes() -> int:
    return int(getattr(settings, "HOTLINE_FEEDBACK_SWEEP_MINUTES", 5))

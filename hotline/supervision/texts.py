"""The texts of the notices the sweep issues, in the deployment's language (they are stored on the
order and sent by SMS, so they are rendered once, not per reader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hotline.core.clock import localtime


def when(value: dt.datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return localtime(value).strftime("%Y-%m-%d %H:%M")


def _sign_overdue(p: Mapping[str, Any]) -> str:
    return _(
        "Order %(number)s has not been signed for within the sign-for limit (%(due)s). "
        "Sign for it and start handling at once."
    ) % {"number": p["number"], "due": when(p.get("due_at"))}


def _handle_overdue(p: Mapping[str, Any]) -> str:
    return _(
        "Order %(number)s is past its handling deadline (%(due)s). Reply to the caller at once and "
        "explain the delay in writing."
    ) % {"number": p["number"], "due": when(p.get("due_at"))}


def _due_soon(p: Mapping[str, Any]) -> str:
    return _("Order %(number)s is due at %(due)s. Reply before the deadline.") % {
        "number": p["number"],
        "due": when(p.get("due_at")),
    }


def _return_rejected(p: Mapping[str, Any]) -> str:
    return _(
        "The center rejected your return of order %(number)s: the matter is within your unit's duty. "
        "Handle it without delay."
    ) % {"number": p["number"]}


def _passed_between(p: Mapping[str, Any]) -> str:
    return _(
        "Order %(number)s has been returned by %(units)s different units. Your unit is to handle it; "
        "report in writing what you are doing."
    ) % {"number": p["number"], "units": p.get("returning_units", 2)}


def _repeated(p: Mapping[str, Any]) -> str:
    return _(
        "The matter of order %(number)s has been reported %(count)s times in %(days)s days. Solve it "
        "for good and report in writing."
    ) % {"number": p["number"], "count": p.get("count", 3), "days": p.get("days", 30)}


def _instruction(p: Mapping[str, Any]) -> str:
    return _(
        "A leader gave an instruction on order %(number)s: “%(instruction)s” Handle it accordingly "
        "and report in writing."
    ) % {"number": p["number"], "instruction": p.get("instruction", "")}


def _media(p: Mapping[str, Any]) -> str:
    source = p.get("source") or ""
    text = _("Order %(number)s concerns a matter exposed by the media") % {"number": p["number"]}
    if source:
        text += f" ({source})"
    return text + _(". Handle it with priority and report in writing.")


def _sudden(p: Mapping[str, Any]) -> str:
    return _("Order %(number)s concerns a sudden event. Handle it at once and report in writing.") % {
        "number": p["number"]
    }


def _progress(p: Mapping[str, Any]) -> str:
    return _(
        "The caller of order %(number)s has heard no progress by %(due)s, the limit for a progress "
        "report. Send the caller a progress note."
    ) % {"number": p["number"], "due": when(p.get("due_at"))}


_BY_CAUSE: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "sign_overdue": _sign_overdue,
    "handle_overdue": _handle_overdue,
    "due_soon": _due_soon,
    "return_rejected": _return_rejected,
    "passed_between": _passed_between,
    "repeated_complaint": _repeated,
    "leader_instruction": _instruction,
    "media_exposed": _media,
    "sudden_event": _sudden,
    "progress_duty": _progress,
}


def rule_text(cause: str, params: Mapping[str, Any]) -> str:
    """The first notice of a rule's hit."""
    with translation.override(settings.LANGUAGE_CODE):
        return _BY_CAUSE[cause](params)


def unheeded_text(*, number: str, reminded_at: dt.datetime, respond_by: dt.datetime) -> str:
    """The supervision notice that follows an unheeded reminder."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The reminder of %(reminded)s on order %(number)s went unheeded. Handle the order and "
            "respond to this supervision notice in writing by %(respond_by)s."
        ) % {"reminded": when(reminded_at), "number": number, "respond_by": when(respond_by)}


def escalation_text(*, number: str, unit: str, respond_by: dt.datetime | None) -> str:
    """The escalation (通报) of a supervision notice left without a response."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(unit)s did not respond in writing to the supervision notice on order %(number)s by "
            "%(respond_by)s. The matter is reported to the unit's leadership."
        ) % {"unit": unit, "number": number, "respond_by": when(respond_by)}


def response_title(*, unit: str, number: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(unit)s responded to the supervision notice on order %(number)s") % {
            "unit": unit,
            "number": number,
        }


def notice_title(*, level: str, number: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        titles = {
            "remind": _("Reminder on order %(number)s"),
            "supervise": _("Supervision notice on order %(number)s"),
            "escalate": _("Escalation on order %(number)s"),
        }
        return titles[level] % {"number": number}


def manual_remind_text(*, number: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Order %(number)s: speed up the handling and reply to the caller.") % {"number": number}


def manual_escalation_text(*, number: str, unit: str) -> str:
    """A supervisor's escalation without a text of their own."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The handling of order %(number)s by %(unit)s is reported to the unit's leadership, who are "
            "to see that it is solved and report in writing."
        ) % {"number": number, "unit": unit}

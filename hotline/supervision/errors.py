"""Showing a supervision or callback error to a person, in their language. Services raise errors with a
stable code and an English message; codes known here are shown translated, others as they are."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.core.errors import ApplicationError

MESSAGES: dict[str, StrOrPromise] = {
    "order_not_found": _("There is no such work order, or it is not open to you."),
    "notice_not_found": _("There is no such supervision notice, or it is not addressed to your unit."),
    "transition_not_allowed": _("This is not possible in the order's present state."),
    "action_not_permitted": _("Your role may not take this action."),
    "center_only": _("This belongs to the hotline center."),
    "unit_only": _("This belongs to a handling unit."),
    "not_assigned": _("That unit has no open assignment on this order."),
    "no_handling_unit": _("No unit is handling this order."),
    "text_required": _("The text cannot be empty."),
    "invalid_deadline": _("The response deadline must be in the future."),
    "already_escalated": _("This notice was already escalated."),
    "already_responded": _("This notice has been responded to already."),
    "response_not_required": _("Only a supervision notice asks for a written response."),
    "not_a_supervision_notice": _("Only a supervision notice is escalated."),
    "note_required": _("Say what happened."),
    "invalid_flag": _("Unknown flag."),
    "already_flagged": _("The order carries this flag already."),
    "order_closed": _("The order is closed."),
    "invalid_thresholds": _("The thresholds are not valid."),
    "invalid_limit": _("Write a time limit as a number and a unit: 2wd, 8wh or 24h."),
    "invalid_level": _("Unknown level."),
    "unknown_rule": _("Unknown supervision rule."),
    "stale_version": _("Someone else changed this order in the meantime. Reload the page and try again."),
    "invalid_satisfaction": _("Choose the caller's satisfaction."),
    "callback_exempt": _("The order is exempt from callback and was closed."),
    "too_few_attempts": _("Call the caller again before closing without a callback."),
    "already_reopened": _("An order is reopened only once."),
    "name_required": _("A name is required."),
    "invalid_match": _("Choose what the exemption applies to."),
    "value_required": _("This exemption needs a value."),
    "invalid_value": _("Unknown value for this kind of exemption."),
    "invalid_code": _("The code is 2–40 lower-case letters, digits, - or _."),
    "exemption_exists": _("An exemption with this code exists already."),
    "exemption_not_found": _("No such exemption."),
}


def error_text(exc: ApplicationError) -> str:
    known = MESSAGES.get(exc.code)
    text = str(known) if known is not None else exc.message
    errors = exc.details.get("errors") if isinstance(exc.details, dict) else None
    if errors:
        text = f"{text} ({'; '.join(str(e) for e in errors)})"
    return text

"""Showing an ``ApplicationError`` to a person: in their language, with the right 4xx status.

Services raise errors with a stable ``code`` and an English message. The pages show the translated text
for the codes they know and the service's own message otherwise (so a new code is never hidden).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.core.errors import ApplicationError, NotFound, ValidationFailed

MESSAGES: dict[str, StrOrPromise] = {
    "order_not_found": _("There is no such work order, or it is not open to you."),
    "not_found": _("Not found."),
    "stale_version": _("Someone else changed this order in the meantime. Reload the page and try again."),
    "transition_not_allowed": _("This action is not possible in the order's present state."),
    "action_not_permitted": _("Your role may not take this action."),
    "not_assigned": _("Your unit has no open assignment on this order."),
    "account_disabled": _("This account is disabled."),
    "center_only": _("This page belongs to the hotline center."),
    "unit_only": _("This page belongs to a handling unit."),
    "title_required": _("A title is required."),
    "title_too_long": _("The title is longer than 200 characters."),
    "invalid_title": _("A title of 1 to 200 characters is required."),
    "content_required": _("The content of the request is required."),
    "invalid_channel": _("Unknown channel."),
    "invalid_request_type": _("Unknown request type."),
    "invalid_urgency": _("Unknown urgency."),
    "answer_required": _("A direct answer needs the answer given."),
    "invalid_reason": _("Choose a rejection reason."),
    "transfer_required": _("An emergency must be transferred to 110, 119, 120 or 122."),
    "invalid_master": _("The master order must be open and not itself merged."),
    "invalid_unit": _("That unit cannot handle orders."),
    "basis_required": _("An automatic dispatch must record its basis."),
    "instruction_required": _("An instruction cannot be empty."),
    "reason_required": _("A reason is required."),
    "extension_decided": _("This extension request was already decided."),
    "extension_pending": _("An extension request is already pending."),
    "invalid_deadline": _("The requested deadline must be later than the current one."),
    "return_window_closed": _("The time for returning this order has passed; handle it or ask the center."),
    "text_required": _("The text cannot be empty."),
    "not_assisting": _("Only an assisting unit contributes; the lead unit replies."),
    "not_lead": _("Only the lead unit replies; assisting units contribute."),
    "assistants_pending": _("Assisting units have not contributed yet."),
    "invalid_satisfaction": _("Choose the caller's satisfaction."),
    "already_reopened": _("An order is reopened only once."),
    "reopen_not_warranted": _("Only a dissatisfied and unsolved order is reopened."),
    "no_changes": _("Nothing to change."),
    "file_required": _("No file given."),
    "file_empty": _("The file is empty."),
    "file_too_large": _("The file is too large."),
    "file_type_not_allowed": _("This type of file is not accepted."),
    "too_many_files": _("Too many files at once."),
    "invalid_status": _("Unknown status."),
    "invalid_queue": _("Unknown queue."),
    "invalid_tab": _("Unknown inbox tab."),
    "rate_limited": _("Too many requests. Please wait a while and try again."),
    "extension_expired": _(
        "The requested deadline has already passed: refuse it, and the unit may ask again."
    ),
}


def refuse_expired_extension(requested_due_at: dt.datetime, *, approve: bool, now: dt.datetime) -> None:
    """Approving a deadline that has already passed makes no sense (and the SLA clock cannot place its
    warning point before now); say so instead of failing."""
    if approve and requested_due_at <= now:
        raise ValidationFailed("The requested deadline has already passed.", code="extension_expired")


# Codes whose service message names the file or the limit: shown after the translated text.
_WITH_DETAIL = {"file_too_large", "file_type_not_allowed", "file_empty", "assistants_pending"}


def error_message(exc: ApplicationError) -> str:
    known = MESSAGES.get(exc.code)
    if known is None:
        return exc.message
    text = str(known)
    if exc.code in _WITH_DETAIL:
        detail = exc.details.get("name") or ", ".join(exc.details.get("units", []))
        if detail:
            text = f"{text} ({detail})"
    return text


def error_response(
    request: HttpRequest, exc: ApplicationError, *, back_url: str = "", **context: Any
) -> HttpResponse:
    """The error page (or, for htmx, a fragment) with the error's own status; never a 500."""
    status = exc.status if 400 <= exc.status < 500 else 400
    if isinstance(exc, NotFound):
        return render(request, "404.html", {"message": error_message(exc)}, status=404)
    if request.headers.get("HX-Request") == "true":
        return render(request, "includes/error_fragment.html", {"message": error_message(exc)}, status=status)
    return render(
        request,
        "error.html",
        {"message": error_message(exc), "back_url": back_url, **context},
        status=status,
    )

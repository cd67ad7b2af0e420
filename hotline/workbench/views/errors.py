"""Error pages of the staff and citizen UI."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, missing token): say what to do instead of Django's debug text."""
    return render(
        request,
        "error.html",
        {
            "title": _("The form has expired"),
            "message": _("The page was open too long or came from elsewhere. Reload the page and try again."),
            "back_url": request.path,
        },
        status=403,
    )

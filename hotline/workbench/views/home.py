"""The start page: each person lands on their role's workbench."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from hotline.directory.models import Role

from ..access import staff_user

ROLE_HOME: dict[str, str] = {
    Role.AGENT: "workbench:agent",
    Role.DISPATCHER: "workbench:dispatch",
    Role.UNIT_HANDLER: "workbench:inbox",
    Role.UNIT_LEADER: "workbench:inbox",
    Role.SUPERVISOR: "supervision:home",
    Role.LEADER: "workbench:leader",
    Role.ADMIN: "workbench:dispatch",
}


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        return HttpResponseRedirect(reverse(ROLE_HOME.get(user.role, "workorders:list")))
    except NoReverseMatch:
        return HttpResponseRedirect(reverse("workorders:list"))


@require_GET
@login_required
def keepalive(request: HttpRequest) -> HttpResponse:
    """app.js calls this while the person types a long text without other requests (idle sign-out)."""
    return HttpResponse(status=204)

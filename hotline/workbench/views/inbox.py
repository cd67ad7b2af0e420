"""The handling unit's inbox (承办单位): six tabs with counts, each row with its countdown in working
time; signing for straight from the list. Everything else happens on the order page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import UNIT_ROLES
from hotline.workorders import queues
from hotline.workorders import services as wo
from hotline.workorders.queues import InboxTab
from hotline.workorders.selectors import caller_for_user, workorder_for_user

from ..access import roles_required, staff_user
from ..errors import error_message, error_response

PAGE_SIZE = 50
TABS: list[tuple[str, object]] = [
    (InboxTab.TO_SIGN, gettext_lazy("To sign")),
    (InboxTab.IN_PROGRESS, gettext_lazy("In progress")),
    (InboxTab.DUE_SOON, gettext_lazy("Due soon")),
    (InboxTab.OVERDUE, gettext_lazy("Overdue")),
    (InboxTab.RETURNED, gettext_lazy("Returned")),
    (InboxTab.CLOSED, gettext_lazy("Closed")),
]
ALERT_TABS = {InboxTab.OVERDUE, InboxTab.DUE_SOON, InboxTab.TO_SIGN}


@require_GET
@roles_required()
def inbox(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not user.is_unit_staff:
        return render(request, "workbench/inbox_center.html", status=200)
    now = clock_now()
    tab = request.GET.get("tab") or InboxTab.TO_SIGN
    if tab not in InboxTab._value2member_map_:
        tab = InboxTab.TO_SIGN
    counts = queues.unit_inbox_counts(user, now=now)
    page = Paginator(queues.unit_inbox(user, tab, now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(assignment, caller_for_user(user, assignment.order)) for assignment in page.object_list]
    return render(
        request,
        "workbench/inbox.html",
        {
            "tab": tab,
            "tabs": [(key, label, counts.get(key, 0), key in ALERT_TABS) for key, label in TABS],
            "page": page,
            "rows": rows,
            "query": f"tab={tab}",
            "now": now,
            "back": request.get_full_path(),
        },
    )


@require_POST
@roles_required(UNIT_ROLES)
def quick_sign(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    back = reverse("workbench:inbox")
    try:
        order = workorder_for_user(user, number)
        wo.workorder_sign(order=order, actor=user, now=clock_now())
    except NotFound as exc:
        return error_response(request, exc)
    except ApplicationError as exc:
        messages.error(request, f"{number}: {error_message(exc)}")
        return HttpResponseRedirect(back)
    messages.success(request, _("Signed for %(number)s.") % {"number": number})
    return HttpResponseRedirect(back)

"""The dispatcher's workbench (派单员): the center queues with counts, bulk dispatch, quick review of
replies and the decisions on extension requests. Dispatching one order, escalating and ruling on a
return happen on the order page, which has every action form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import Role
from hotline.workorders import queues
from hotline.workorders import services as wo
from hotline.workorders.models import Assignment, WorkOrder
from hotline.workorders.queues import CenterQueue
from hotline.workorders.selectors import workorder_for_user

from ..access import roles_required, staff_user
from ..errors import error_message, error_response, refuse_expired_extension
from ..forms import BulkDispatchForm

DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})
PAGE_SIZE = 50
EXTENSIONS = "extensions"

# The dispatcher's tabs, in working order. Callback is the callback agents' queue (feedback app).
TABS: list[tuple[str, object]] = [
    (CenterQueue.DISPATCH, gettext_lazy("Awaiting dispatch")),
    (CenterQueue.RETURNED, gettext_lazy("Returned")),
    (CenterQueue.REVIEW, gettext_lazy("Replies to review")),
    (EXTENSIONS, gettext_lazy("Extension requests")),
    (CenterQueue.INSTRUCTION, gettext_lazy("Awaiting instruction")),
    (CenterQueue.INTAKE, gettext_lazy("Self-service intake")),
]
TAB_KEYS = [key for key, _label in TABS]


def _queue_rows(request: HttpRequest, tab: str) -> QuerySet[WorkOrder]:
    user = staff_user(request)
    orders = queues.center_queue(user, tab)
    if tab == CenterQueue.RETURNED:
        orders = orders.prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(state=Assignment.State.RETURNED)
                .select_related("unit")
                .order_by("-returned_at"),
                to_attr="returned_assignments",
            )
        )
    elif tab == CenterQueue.REVIEW:
        orders = orders.prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role=Assignment.Role.LEAD, state=Assignment.State.DONE)
                .select_related("unit")
                .order_by("-done_at"),
                to_attr="done_leads",
            )
        )
    return orders


@require_GET
@roles_required(DISPATCH_ROLES)
def queues_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    tab = request.GET.get("tab") or CenterQueue.DISPATCH
    if tab not in TAB_KEYS:
        tab = CenterQueue.DISPATCH
    counts = queues.center_queue_counts(user)
    extensions = queues.pending_extensions(user)
    counts[EXTENSIONS] = extensions.count()
    context: dict[str, object] = {
        "tab": tab,
        "tabs": [(key, label, counts.get(key, 0)) for key, label in TABS],
        "now": clock_now(),
        "back": request.get_full_path(),
    }
    if tab == EXTENSIONS:
        context["page"] = Paginator(extensions, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        orders = Paginator(_queue_rows(request, tab), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = orders
        if tab == CenterQueue.DISPATCH:
            context["bulk_form"] = BulkDispatchForm(numbers=[o.number for o in orders.object_list])
    context["query"] = f"tab={tab}"
    return render(request, "workbench/dispatch.html", context)


@require_POST
@roles_required(DISPATCH_ROLES)
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch several orders to the same units: each order in its own transaction, each outcome shown."""
    user = staff_user(request)
    numbers = request.POST.getlist("orders")
    form = BulkDispatchForm(request.POST, numbers=numbers)
    back = reverse("workbench:dispatch")
    if not numbers:
        messages.error(request, _("Select the orders to dispatch."))
        return HttpResponseRedirect(back)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return HttpResponseRedirect(back)
    now = clock_now()
    done: list[str] = []
    for number in form.cleaned_data["orders"]:
        try:
            order = workorder_for_user(user, number)
            wo.workorder_dispatch(
                order=order,
                actor=user,
                lead=form.cleaned_data["lead"],
                assists=form.cleaned_data["assists"],
                instructions=form.cleaned_data["instructions"],
                now=now,
            )
        except ApplicationError as exc:
            messages.error(request, f"{number}: {error_message(exc)}")
            continue
        done.append(number)
    if done:
        messages.success(
            request,
            _("%(n)d order(s) dispatched to %(unit)s.")
            % {"n": len(done), "unit": form.cleaned_data["lead"].name},
        )
    return HttpResponseRedirect(back)


@require_POST
@roles_required(DISPATCH_ROLES)
def quick_review(request: HttpRequest, number: str) -> HttpResponse:
    """Accept a reply from the review queue without opening the order (sending back needs the order page)."""
    user = staff_user(request)
    back = reverse("workbench:dispatch") + f"?tab={CenterQueue.REVIEW}"
    try:
        order = workorder_for_user(user, number)
        version = int(request.POST.get("version") or 0) or None
        wo.workorder_review_reply(order=order, actor=user, accept=True, now=clock_now(), version=version)
    except (ValueError, TypeError):
        messages.error(request, _("The form was incomplete; reload the page."))
        return HttpResponseRedirect(back)
    except NotFound as exc:
        return error_response(request, exc)
    except ApplicationError as exc:
        messages.error(request, f"{number}: {error_message(exc)}")
        return HttpResponseRedirect(back)
    messages.success(request, _("Reply of %(number)s accepted.") % {"number": number})
    return HttpResponseRedirect(back)


@require_POST
@roles_required(DISPATCH_ROLES)
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    back = reverse("workbench:dispatch") + f"?tab={EXTENSIONS}"
    found = queues.pending_extensions(user).filter(pk=pk).first()
    if found is None:
        messages.error(request, _("This extension request was already decided."))
        return HttpResponseRedirect(back)
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        messages.error(request, _("Choose approve or refuse."))
        return HttpResponseRedirect(back)
    now = clock_now()
    try:
        refuse_expired_extension(found.requested_due_at, approve=decision == "approve", now=now)
        wo.workorder_decide_extension(
            request=found,
            actor=user,
            approve=decision == "approve",
            comment=(request.POST.get("comment") or "")[:2000],
            now=now,
        )
    except ApplicationError as exc:
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(back)
    number = found.assignment.order.number
    if decision == "approve":
        messages.success(request, _("Extension for %(number)s approved.") % {"number": number})
    else:
        messages.success(request, _("Extension for %(number)s refused.") % {"number": number})
    return HttpResponseRedirect(back)

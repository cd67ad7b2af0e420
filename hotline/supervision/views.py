"""The supervision pages: the supervisor's workbench (``supervision:home``), the order panel
(``supervision:panel_order``, slot ``order``) with its actions, a unit's open notices, and the rules.

Thin: each view parses the form, calls a service, and renders; errors are shown, never a 500."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.directory.models import CENTER_ROLES, UNIT_ROLES, Role, Unit, User
from hotline.workorders.lifecycle import FINAL_STATUSES, WITH_UNITS
from hotline.workorders.models import Assignment, WorkOrder
from hotline.workorders.selectors import workorder_for_user

from . import selectors, services
from .access import is_htmx, roles_required, staff_user
from .errors import error_text
from .forms import EscalateForm, FlagForm, RemindForm, RespondForm, RuleForm, SuperviseForm
from .models import Level, Notice, SupervisionRule
from .rules import RULES
from .selectors import ASSIGNMENT_TABS, ORDER_TABS, Tab

PAGE_SIZE = 50
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
RULE_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
TABS: list[tuple[Tab, Any]] = [
    (Tab.OVERDUE, gettext_lazy("Overdue")),
    (Tab.DUE_SOON, gettext_lazy("Due soon")),
    (Tab.UNSIGNED, gettext_lazy("Not signed for")),
    (Tab.RETURNED, gettext_lazy("Repeatedly returned")),
    (Tab.PASSED, gettext_lazy("Passed between units")),
    (Tab.NOTICES, gettext_lazy("Awaiting response")),
    (Tab.PROGRESS, gettext_lazy("No progress to caller")),
    (Tab.HITS, gettext_lazy("Rule hits of the last 7 days")),
    (Tab.FLAGS, gettext_lazy("Media and sudden")),
]
ALERT_TABS = {Tab.OVERDUE, Tab.UNSIGNED, Tab.PASSED, Tab.NOTICES, Tab.PROGRESS}


def _order_page(order: WorkOrder) -> str:
    return services.order_url(order)


def _may_supervise(user: User) -> bool:
    return user.is_superuser or user.role in SUPERVISORS


@require_GET
@roles_required(CENTER_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """The supervisor's workbench: the late, the nearly late and the evasive, with what was sent."""
    user = staff_user(request)
    now = clock_now()
    tab = request.GET.get("tab") or Tab.OVERDUE
    if tab not in Tab._value2member_map_:
        tab = Tab.OVERDUE
    tab = Tab(tab)
    counts = selectors.tab_counts(user, now=now)
    page = Paginator(selectors.tab_rows(user, tab, now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/home.html",
        {
            "tab": str(tab),
            "tabs": [(str(key), label, counts.get(str(key), 0), key in ALERT_TABS) for key, label in TABS],
            "kind": "assignments" if tab in ASSIGNMENT_TABS else "orders" if tab in ORDER_TABS else str(tab),
            "page": page,
            "query": f"tab={tab}",
            "now": now,
            "may_supervise": _may_supervise(user),
            "back": request.get_full_path(),
        },
    )


@require_POST
@roles_required(SUPERVISORS)
def quick_remind(request: HttpRequest, assignment: int) -> HttpResponse:
    """A standard reminder to the unit of one workbench row."""
    user = staff_user(request)
    back = request.POST.get("back") or reverse("supervision:home")
    if not back.startswith("/"):
        back = reverse("supervision:home")
    found = Assignment.objects.select_related("order", "unit").filter(pk=assignment).first()
    if found is None:
        messages.error(request, error_text(NotFound("", code="not_found")))
        return HttpResponseRedirect(back)
    try:
        services.notice_remind(order=found.order, actor=user, now=clock_now(), unit=found.unit)
    except ApplicationError as exc:
        messages.error(request, f"{found.order.number}: {error_text(exc)}")
    else:
        messages.success(
            request,
            _("Reminder sent to %(unit)s on %(number)s.")
            % {"unit": found.unit, "number": found.order.number},
        )
    return HttpResponseRedirect(back)


# The order panel ---------------------------------------------------------------------------------------


def _active_units(order: WorkOrder) -> list[Unit]:
    return [
        a.unit
        for a in order.assignments.filter(state__in=[Assignment.State.PENDING, Assignment.State.SIGNED])
        .select_related("unit")
        .order_by("role", "pk")
    ]


def _panel_context(user: User, order: WorkOrder, **forms: Any) -> dict[str, Any]:
    from hotline.feedback.selectors import surveys_for_order

    data = selectors.order_supervision(user, order)
    may_supervise = _may_supervise(user) and order.status in WITH_UNITS
    units = _active_units(order) if may_supervise else []
    escalatable = (
        [n for n in data.notices if n.level == Level.SUPERVISE and n.escalated_at is None]
        if _may_supervise(user)
        else []
    )
    return {
        "order": order,
        "data": data,
        "notices": data.notices,
        "may_supervise": may_supervise,
        "escalatable": escalatable,
        "may_flag": (user.is_superuser or user.is_center_staff) and order.status not in FINAL_STATUSES,
        "remind_form": forms.get("remind_form") or RemindForm(units=units, auto_id="sv-remind-%s"),
        "supervise_form": forms.get("supervise_form")
        or SuperviseForm(units=units, auto_id="sv-supervise-%s"),
        "flag_form": forms.get("flag_form") or FlagForm(auto_id="sv-flag-%s"),
        "respond_forms": [
            (n, RespondForm(initial={"notice": n.pk}, auto_id=f"sv-respond-{n.pk}-%s"))
            for n in data.awaiting_response
        ],
        "error": forms.get("error"),
        "surveys": surveys_for_order(order),
        "is_center": user.is_superuser or user.is_center_staff,
        "now": clock_now(),
    }


def _render_panel(request: HttpRequest, order: WorkOrder, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request,
        "supervision/panel_order.html",
        _panel_context(staff_user(request), order, **forms),
        status=status,
    )


@require_GET
@roles_required()
def panel_order(request: HttpRequest) -> HttpResponse:
    """The order's supervision and callback: notices, responses, escalations, flags, survey state, and
    the forms the viewer may use (remind/supervise/escalate/flag for supervisors, respond for the unit)."""
    user = staff_user(request)
    try:
        order = workorder_for_user(user, request.GET.get("order", ""))
    except NotFound as exc:
        return render(request, "includes/error_fragment.html", {"message": error_text(exc)}, status=404)
    return _render_panel(request, order)


def _done(request: HttpRequest, order: WorkOrder, message: str) -> HttpResponse:
    messages.success(request, message)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the order page shows the new event in its history
        return response
    return HttpResponseRedirect(_order_page(order))


def _failed(request: HttpRequest, order: WorkOrder, exc: ApplicationError, **forms: Any) -> HttpResponse:
    if is_htmx(request):
        # htmx swaps only 2xx answers: the panel comes back with the error shown
        return _render_panel(request, order, error=error_text(exc), **forms)
    messages.error(request, error_text(exc))
    return HttpResponseRedirect(_order_page(order))


def _invalid(request: HttpRequest, order: WorkOrder, **forms: Any) -> HttpResponse:
    if is_htmx(request):
        return _render_panel(request, order, **forms)
    messages.error(request, _("Check the form and try again."))
    return HttpResponseRedirect(_order_page(order))


def _load(request: HttpRequest, number: str) -> WorkOrder | HttpResponse:
    try:
        return workorder_for_user(staff_user(request), number)
    except NotFound as exc:
        return render(request, "includes/error_fragment.html", {"message": error_text(exc)}, status=404)


@require_POST
@roles_required(SUPERVISORS)
def remind(request: HttpRequest, number: str) -> HttpResponse:
    order = _load(request, number)
    if isinstance(order, HttpResponse):
        return order
    form = RemindForm(request.POST, units=_active_units(order), auto_id="sv-remind-%s")
    if not form.is_valid():
        return _invalid(request, order, remind_form=form)
    try:
        notice = services.notice_remind(
            order=order,
            actor=staff_user(request),
            now=clock_now(),
            text=form.cleaned_data["text"],
            unit=form.cleaned_data["unit"],
        )
    except ApplicationError as exc:
        return _failed(request, order, exc, remind_form=form)
    return _done(request, order, _("Reminder sent to %(unit)s.") % {"unit": notice.unit})


@require_POST
@roles_required(SUPERVISORS)
def supervise(request: HttpRequest, number: str) -> HttpResponse:
    order = _load(request, number)
    if isinstance(order, HttpResponse):
        return order
    form = SuperviseForm(request.POST, units=_active_units(order), auto_id="sv-supervise-%s")
    if not form.is_valid():
        return _invalid(request, order, supervise_form=form)
    try:
        notice = services.notice_supervise(
            order=order,
            actor=staff_user(request),
            now=clock_now(),
            text=form.cleaned_data["text"],
            respond_by=form.cleaned_data["respond_by"],
            unit=form.cleaned_data["unit"],
        )
    except ApplicationError as exc:
        return _failed(request, order, exc, supervise_form=form)
    return _done(request, order, _("Supervision notice issued to %(unit)s.") % {"unit": notice.unit})


def _notice(order: WorkOrder, pk: int | None) -> Notice:
    if pk is None:
        raise NotFound("No such supervision notice.", code="notice_not_found")
    found = Notice.objects.filter(pk=pk, order=order).select_related("order", "unit").first()
    if found is None:
        raise NotFound("No such supervision notice.", code="notice_not_found")
    return found


@require_POST
@roles_required(SUPERVISORS)
def escalate(request: HttpRequest, number: str) -> HttpResponse:
    order = _load(request, number)
    if isinstance(order, HttpResponse):
        return order
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, order)
    try:
        services.notice_escalate(
            notice=_notice(order, form.cleaned_data["notice"]),
            actor=staff_user(request),
            now=clock_now(),
            text=form.cleaned_data["text"],
        )
    except ApplicationError as exc:
        return _failed(request, order, exc)
    return _done(request, order, _("Escalated to the unit's leadership and the leaders."))


@require_POST
@roles_required(UNIT_ROLES)
def respond(request: HttpRequest, number: str) -> HttpResponse:
    order = _load(request, number)
    if isinstance(order, HttpResponse):
        return order
    form = RespondForm(request.POST)
    if not form.is_valid():
        return _invalid(request, order)
    try:
        services.notice_respond(
            notice=_notice(order, form.cleaned_data["notice"]),
            actor=staff_user(request),
            text=form.cleaned_data["text"],
            now=clock_now(),
        )
    except ApplicationError as exc:
        return _failed(request, order, exc)
    return _done(request, order, _("Your written response was sent to the center."))


@require_POST
@roles_required(CENTER_ROLES)
def flag(request: HttpRequest, number: str) -> HttpResponse:
    order = _load(request, number)
    if isinstance(order, HttpResponse):
        return order
    form = FlagForm(request.POST, auto_id="sv-flag-%s")
    if not form.is_valid():
        return _invalid(request, order, flag_form=form)
    try:
        services.flag_order(
            order=order,
            actor=staff_user(request),
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            source=form.cleaned_data["source"],
            now=clock_now(),
        )
    except ApplicationError as exc:
        return _failed(request, order, exc, flag_form=form)
    return _done(request, order, _("Flagged; the supervision sweep takes it up within minutes."))


# A unit's open notices -----------------------------------------------------------------------------------


@require_GET
@roles_required(UNIT_ROLES)
def unit_notices(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    page = Paginator(selectors.unit_open_notices(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/unit_notices.html", {"page": page, "now": clock_now()})


# Rules -------------------------------------------------------------------------------------------------


@require_GET
@roles_required(RULE_EDITORS)
def rules(request: HttpRequest) -> HttpResponse:
    rows = [(rule, RULES.get(rule.code)) for rule in SupervisionRule.objects.order_by("order", "code")]
    return render(request, "supervision/rules.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@roles_required(RULE_EDITORS)
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    rule = SupervisionRule.objects.filter(code=code).first()
    spec = RULES.get(code)
    if rule is None or spec is None:
        return render(
            request, "404.html", {"message": error_text(NotFound("", code="unknown_rule"))}, status=404
        )
    form = RuleForm(request.POST or None, spec=spec, rule=rule)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(
                rule=rule,
                actor=staff_user(request),
                now=clock_now(),
                active=form.cleaned_data["active"],
                level=form.cleaned_data["level"],
                thresholds=form.thresholds(),
                respond_within=form.cleaned_data["respond_within"],
                escalate_after=form.cleaned_data["escalate_after"],
            )
        except ApplicationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("Rule saved: %(name)s.") % {"name": spec.name})
            return HttpResponseRedirect(reverse("supervision:rules"))
    changes = rule.changes.select_related("changed_by")[:20]
    return render(
        request,
        "supervision/rule_edit.html",
        {"rule": rule, "spec": spec, "form": form, "error": error, "changes": changes},
        status=400 if request.method == "POST" else 200,
    )

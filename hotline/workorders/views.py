"""The order page (workorders:detail) with every action form the person may take, the attachment download
behind the permission gate, and the order search. Views parse, call the services and selectors, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound, ValidationFailed
from hotline.directory.models import User
from hotline.workbench.access import roles_required, staff_user
from hotline.workbench.errors import error_message, error_response, refuse_expired_extension
from hotline.workbench.order_actions import SPECS, Available, available_actions

from . import forms as f
from . import services as wo
from .lifecycle import Status
from .models import Assignment, Attachment, ExtensionRequest, WorkOrder
from .queues import order_events
from .selectors import OrderFilter, caller_for_user, workorder_for_user, workorder_search

FORMS: dict[str, type[f.ActionForm]] = {
    "accept": f.AcceptForm,
    "answer": f.AnswerForm,
    "reject": f.RejectForm,
    "merge": f.MergeForm,
    "update": f.UpdateForm,
    "dispatch": f.DispatchForm,
    "escalate": f.EscalateForm,
    "instruct": f.InstructForm,
    "rule_return": f.RuleReturnForm,
    "review_reply": f.ReviewReplyForm,
    "decide_extension": f.DecideExtensionForm,
    "callback": f.CallbackForm,
    "close": f.CloseForm,
    "reopen": f.ReopenForm,
    "note": f.NoteForm,
    "attach": f.AttachForm,
    "sign": f.SignForm,
    "return": f.ReturnForm,
    "request_extension": f.ExtensionRequestForm,
    "contribute": f.ContributeForm,
    "commit": f.CommitForm,
    "reply": f.ReplyForm,
}

# Actions after which the person usually goes on with the same order; the others return to the list.
STAY_ON_ORDER = frozenset({"accept", "rule_return", "sign", "note", "attach", "update", "commit"})

# Field names are prefixed by the action (several forms share the page), except the dispatch form: the
# dispatch panels fill its fields by their plain names (``lead``, ``assists``; CONTRACTS.md).
UNPREFIXED = frozenset({"dispatch"})


def _prefix(action: str) -> str | None:
    return None if action in UNPREFIXED else action


Handler = Callable[[User, WorkOrder, dict[str, Any], dt.datetime], str]


def _load(user: User, number: str) -> WorkOrder:
    return workorder_for_user(user, number)


def _assignments(order: WorkOrder) -> list[Assignment]:
    return list(
        order.assignments.select_related("unit", "signed_by", "dispatched_by")
        .prefetch_related(Prefetch("extensions", queryset=ExtensionRequest.objects.order_by("requested_at")))
        .order_by("round", "role", "pk")
    )


def _initial_forms(order: WorkOrder, available: Available) -> dict[str, forms.Form]:
    built: dict[str, forms.Form] = {}
    for key in available.keys:
        initial: dict[str, Any] = {"version": order.version}
        if key == "update":
            initial.update({name: getattr(order, name) for name in f.UpdateForm.FIELDS})
            initial["category"] = order.category_id or ""
            initial["division"] = order.division_id or ""
        built[key] = FORMS[key](initial=initial, prefix=_prefix(key))
    return built


def _page(
    request: HttpRequest,
    order: WorkOrder,
    *,
    bound: tuple[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    now = clock_now()
    assignments = _assignments(order)
    available = available_actions(user, order, now=now, assignments=assignments)
    action_forms = _initial_forms(order, available)
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    events = list(order_events(order))
    attachments = list(order.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    open_key = bound[0] if bound is not None else available.primary
    context = {
        "order": order,
        "now": now,
        "caller": caller_for_user(user, order),
        "assignments": assignments,
        "lead": next((a for a in reversed(assignments) if a.role == Assignment.Role.LEAD and a.result), None),
        "available": available,
        "action_forms": action_forms,
        "specs": [(spec, action_forms[spec.key]) for spec in available.specs],
        "open_key": open_key,
        "events": events,
        "attachments": attachments,
        "merged_orders": (
            list(order.merged_orders.only("number", "title", "status")) if not user.is_unit_staff else []
        ),
        "error": error,
        "back": _back_url(request),
    }
    return render(request, "workorders/detail.html", context, status=status)


def _back_url(request: HttpRequest) -> str:
    back = request.POST.get("back") or request.GET.get("back") or ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return ""


@require_GET
@roles_required()
def detail(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    try:
        order = _load(user, number)
    except NotFound as exc:
        return error_response(request, exc)
    return _page(request, order)


@require_POST
@roles_required()
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = staff_user(request)
    if action not in FORMS:
        raise Http404
    try:
        order = _load(user, number)
    except NotFound as exc:
        return error_response(request, exc)
    form = FORMS[action](request.POST, request.FILES, prefix=_prefix(action))
    if not form.is_valid():
        return _page(request, order, bound=(action, form), status=400)
    try:
        message = HANDLERS[action](user, order, form.cleaned_data, clock_now())
    except ApplicationError as exc:
        form.add_error(None, error_message(exc))
        return _page(request, order, bound=(action, form), error=error_message(exc), status=exc.status)
    messages.success(request, message)
    back = _back_url(request)
    detail_url = reverse("workorders:detail", args=[number])
    if action in STAY_ON_ORDER or not back:
        # the next step is on this order (dispatch after accepting a return, reply after signing)
        return HttpResponseRedirect(detail_url + (f"?{urlencode({'back': back})}" if back else ""))
    return HttpResponseRedirect(back)


@require_GET
@roles_required()
def attachment(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """An attachment, only to someone who may see the order (the gate); never a public media URL."""
    user = staff_user(request)
    try:
        order = _load(user, number)
    except NotFound as exc:
        return error_response(request, exc)
    found = Attachment.objects.filter(order=order, pk=pk).first()
    if found is None:
        raise Http404
    return attachment_response(found)


def attachment_response(found: Attachment) -> FileResponse:
    inline = found.content_type.startswith("image/") or found.content_type == "application/pdf"
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=not inline,
        filename=found.name,
        content_type=found.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "—"), *Status.choices])
    open_only = forms.BooleanField(required=False)


@require_GET
@roles_required()
def order_list(request: HttpRequest) -> HttpResponse:
    """Search every order the person may see (the gate), by number, phone or words."""
    user = staff_user(request)
    form = SearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = OrderFilter(
        q=data.get("q", ""),
        statuses=(data["status"],) if data.get("status") else (),
        open_only=bool(data.get("open_only")),
    )
    try:
        orders = workorder_search(user, filters)
    except ValidationFailed as exc:
        return error_response(request, exc)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workorders/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "now": clock_now()},
    )


# ---------------------------------------------------------------------------------------------------------
# One handler per action: call the service, say what happened.


def _accept(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_accept(order=order, actor=user, now=now, version=data["version"])
    return _("The request was accepted and waits for dispatch.")


def _answer(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_answer(
        order=order,
        actor=user,
        answer=data["answer"],
        knowledge_ref=data.get("knowledge_ref", ""),
        now=now,
        version=data["version"],
    )
    return _("Answered directly and closed.")


def _reject(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_reject(
        order=order,
        actor=user,
        reason_code=data["reason"].code,
        comment=data.get("comment", ""),
        transfer_to=data.get("transfer_to", ""),
        now=now,
        version=data["version"],
    )
    if data.get("transfer_to"):
        return _("Recorded as transferred to %(service)s.") % {"service": data["transfer_to"]}
    return _("The request was rejected.")


def _merge(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    master = workorder_for_user(user, data["master"].strip())
    wo.workorder_merge(
        order=order,
        master=master,
        actor=user,
        comment=data.get("comment", ""),
        now=now,
        version=data["version"],
    )
    return _("Merged into %(number)s.") % {"number": master.number}


def _update(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_update(
        order=order,
        actor=user,
        now=now,
        version=data["version"],
        comment=data.get("comment", ""),
        **{name: data[name] for name in f.UpdateForm.FIELDS},
    )
    return _("The details were corrected.")


def _dispatch(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_dispatch(
        order=order,
        actor=user,
        lead=data["lead"],
        assists=data.get("assists") or [],
        instructions=data.get("instructions", ""),
        now=now,
        version=data["version"],
    )
    return _("Dispatched to %(unit)s.") % {"unit": data["lead"].name}


def _escalate(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_escalate(order=order, actor=user, comment=data["comment"], now=now, version=data["version"])
    return _("Put before a leader for an instruction.")


def _instruct(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_instruct(
        order=order, actor=user, instruction=data["instruction"], now=now, version=data["version"]
    )
    return _("The instruction was recorded.")


def _rule_return(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    accept = data["decision"] == "accept"
    wo.workorder_review_return(
        order=order,
        actor=user,
        accept=accept,
        comment=data.get("comment", ""),
        now=now,
        version=data["version"],
    )
    if accept:
        return _("Return accepted: the order waits for re-dispatch.")
    return _("Return rejected: the order is back with the unit.")


def _review_reply(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    accept = data["decision"] == "accept"
    moved = wo.workorder_review_reply(
        order=order,
        actor=user,
        accept=accept,
        comment=data.get("comment", ""),
        now=now,
        version=data["version"],
    )
    if not accept:
        return _("The reply was sent back for rework.")
    if moved.status == Status.CLOSED:
        return _("Reply accepted; the order is closed (no callback needed).")
    return _("Reply accepted; the order waits for the callback.")


def _decide_extension(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    request = ExtensionRequest.objects.filter(pk=data["request"], assignment__order=order).first()
    if request is None:
        raise NotFound("No such extension request.", code="not_found")
    approve = data["decision"] == "approve"
    refuse_expired_extension(request.requested_due_at, approve=approve, now=now)
    wo.workorder_decide_extension(
        request=request,
        actor=user,
        approve=approve,
        comment=data.get("comment", ""),
        now=now,
        version=data["version"],
    )
    return _("Extension approved.") if approve else _("Extension refused.")


def _callback(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_callback(
        order=order,
        actor=user,
        satisfaction=data["satisfaction"],
        solved=data["solved"],
        comment=data.get("comment", ""),
        channel="phone",
        now=now,
        version=data["version"],
    )
    return _("The callback was recorded and the order closed.")


def _close(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_close(
        order=order,
        actor=user,
        reason=data["reason"],
        comment=data.get("comment", ""),
        now=now,
        version=data["version"],
    )
    return _("The order was closed.")


def _reopen(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_reopen(order=order, actor=user, comment=data["comment"], now=now, version=data["version"])
    return _("The order was reopened and waits for dispatch.")


def _note(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_note(
        order=order,
        actor=user,
        text=data["text"],
        public=data.get("public", False),
        now=now,
        version=data["version"],
    )
    return _("The progress note was added.")


def _attach(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    added = wo.workorder_attach(
        order=order,
        actor=user,
        files=data["attachments"],
        public=data.get("public", False),
        now=now,
        version=data["version"],
    )
    return _("%(n)d file(s) attached.") % {"n": len(added)}


def _sign(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_sign(order=order, actor=user, now=now, version=data["version"])
    return _("Signed for. The order is in progress.")


def _return(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_return(order=order, actor=user, reason=data["reason"], now=now, version=data["version"])
    return _("Returned to the center with your reason.")


def _request_extension(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_request_extension(
        order=order, actor=user, until=data["until"], reason=data["reason"], now=now, version=data["version"]
    )
    return _("The extension request was sent to the center.")


def _contribute(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_contribute(order=order, actor=user, text=data["text"], now=now, version=data["version"])
    return _("Your unit's contribution was recorded.")


def _commit(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    wo.workorder_commit(
        order=order, actor=user, text=data["text"], until=data["until"], now=now, version=data["version"]
    )
    return _("The commitment reply was recorded.")


def _reply(user: User, order: WorkOrder, data: dict[str, Any], now: dt.datetime) -> str:
    files = data.get("attachments") or []
    with transaction.atomic():
        version = data["version"]
        if files:
            wo.workorder_attach(
                order=order,
                actor=user,
                files=files,
                public=data.get("public_files", False),
                now=now,
                version=version,
            )
            version = None  # attaching moved the version on; the lock was checked just now
        wo.workorder_reply(
            order=order, actor=user, text=data["text"], solved=data["solved"], now=now, version=version
        )
    return _("The reply was sent to the center for review.")


HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "answer": _answer,
    "reject": _reject,
    "merge": _merge,
    "update": _update,
    "dispatch": _dispatch,
    "escalate": _escalate,
    "instruct": _instruct,
    "rule_return": _rule_return,
    "review_reply": _review_reply,
    "decide_extension": _decide_extension,
    "callback": _callback,
    "close": _close,
    "reopen": _reopen,
    "note": _note,
    "attach": _attach,
    "sign": _sign,
    "return": _return,
    "request_extension": _request_extension,
    "contribute": _contribute,
    "commit": _commit,
    "reply": _reply,
}
assert set(HANDLERS) == set(FORMS) == set(SPECS)

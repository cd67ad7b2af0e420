"""The public citizen portal: submit a request, track it by number and query code, rate the handling.

No account: a citizen proves an order is theirs with its query code once; the session then remembers the
numbers they opened. Every page is rate limited and the submit form resists scripts without a CAPTCHA
(a hidden honeypot field and a minimum fill time)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.core.clock import now as clock_now
from hotline.core.errors import ApplicationError, NotFound
from hotline.workbench.errors import error_message
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Attachment, WorkOrder
from hotline.workorders.views import attachment_response

from . import conf, selectors, services
from .forms import RateForm, SubmitForm, TrackForm, form_token
from .limits import over_limit, over_phone_limit

SESSION_ORDERS = "portal_orders"
SESSION_RECEIPT = "portal_receipt"
MAX_TRACKED = 20


def _remember(request: HttpRequest, number: str) -> None:
    numbers = [n for n in request.session.get(SESSION_ORDERS, []) if n != number]
    request.session[SESSION_ORDERS] = [number, *numbers][:MAX_TRACKED]


def _may_see(request: HttpRequest, number: str) -> bool:
    return number in request.session.get(SESSION_ORDERS, [])


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/limited.html", status=429)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"tracked": request.session.get(SESSION_ORDERS, [])})


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if over_limit(request, group="portal-submit-ip", rate=conf.submit_rate_ip()) or over_limit(
            request, group="portal-submit-ip-day", rate=conf.submit_rate_ip_daily()
        ):
            return _too_many(request)
        form = SubmitForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if over_phone_limit(request, phone=data["phone"], rate=conf.submit_rate_phone()):
                return _too_many(request)
            try:
                order = services.portal_submit(
                    request_type=data["request_type"],
                    title=data["title"],
                    content=data["content"],
                    name=data["name"],
                    phone=data["phone"],
                    confidential=data["confidential"],
                    anonymous=data["anonymous"],
                    publish_consent=data["publish_consent"],
                    category=data["category"],
                    division=data["division"],
                    location_text=data["location_text"],
                    files=data["attachments"],
                    now=clock_now(),
                )
            except ApplicationError as exc:
                form.add_error(
                    "attachments" if exc.code.startswith("file") or exc.code == "too_many_files" else None,
                    error_message(exc),
                )
            else:
                _remember(request, order.number)
                request.session[SESSION_RECEIPT] = {"number": order.number, "code": order.query_code}
                return HttpResponseRedirect(reverse("portal:receipt"))
        fresh = request.POST.copy()
        fresh["started"] = form_token()  # a fresh token: correcting the form is not "too fast"
        form.data = fresh
        return render(request, "portal/submit.html", {"form": form}, status=400)
    form = SubmitForm(initial={"started": form_token()})
    return render(request, "portal/submit.html", {"form": form})


@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    found = request.session.get(SESSION_RECEIPT)
    if not found:
        return HttpResponseRedirect(reverse("portal:track"))
    number = str(found["number"])
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return render(request, "portal/receipt.html", {"number": number, "groups": groups, "code": found["code"]})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if over_limit(request, group="portal-track-ip", rate=conf.track_rate_ip()):
            return _too_many(request)
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                order = selectors.order_for_citizen(form.cleaned_data["number"], form.cleaned_data["code"])
            except NotFound:
                form.add_error(
                    None, _("No request matches this number and query code. Check both and try again.")
                )
            else:
                _remember(request, order.number)
                return HttpResponseRedirect(reverse("portal:order", args=[order.number]))
        return render(request, "portal/track.html", {"form": form}, status=400)
    return render(request, "portal/track.html", {"form": TrackForm()})


@require_GET
def order_page(request: HttpRequest, number: str) -> HttpResponse:
    if not _may_see(request, number):
        messages.info(request, _("Enter the order number and its query code to see the request."))
        return HttpResponseRedirect(reverse("portal:track"))
    try:
        order = selectors.tracked_order(number)
    except NotFound as exc:
        raise Http404 from exc
    return _order(request, order, RateForm())


def _order(request: HttpRequest, order: WorkOrder, rate_form: RateForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "portal/order.html",
        {
            "order": order,
            "steps": selectors.citizen_timeline(order),
            "reply": selectors.citizen_reply(order),
            "attachments": selectors.public_attachments(order),
            "may_rate": order.status == Status.AWAITING_CALLBACK,
            "rate_form": rate_form,
        },
        status=status,
    )


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    if not _may_see(request, number):
        return HttpResponseRedirect(reverse("portal:track"))
    if over_limit(request, group="portal-rate-ip", rate=conf.rate_rate_ip()):
        return _too_many(request)
    try:
        order = selectors.tracked_order(number)
    except NotFound as exc:
        raise Http404 from exc
    form = RateForm(request.POST)
    if not form.is_valid():
        return _order(request, order, form, status=400)
    try:
        services.portal_rate(
            order=order,
            satisfaction=form.cleaned_data["satisfaction"],
            solved=form.cleaned_data["solved"],
            comment=form.cleaned_data["comment"],
            now=clock_now(),
        )
    except ApplicationError as exc:
        form.add_error(None, error_message(exc))
        return _order(request, order, form, status=exc.status)
    messages.success(request, _("Thank you: your rating was recorded."))
    return HttpResponseRedirect(reverse("portal:order", args=[number]))


@require_GET
def attachment(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    if not _may_see(request, number):
        raise Http404
    found = Attachment.objects.filter(order__number=number, pk=pk, public=True).first()
    if found is None:
        raise Http404
    return attachment_response(found)

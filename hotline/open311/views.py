"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``: discovery, services
and their definitions, requests (GET with the standard filters, POST with ``api_key``), one request,
and tokens. Every endpoint answers ``.json`` or ``.xml``; errors are arrays of ``code`` and
``description``; all times carry their offset."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from hotline.core.clock import now
from hotline.core.errors import ApplicationError
from hotline.tokens.selectors import user_for_token

from . import conf, selectors
from .formats import FORMATS, errors, render
from .models import RequestToken
from .services import request_create

MAX_SPAN = dt.timedelta(days=90)


def _guard(request: HttpRequest, fmt: str) -> HttpResponse | None:
    if fmt not in FORMATS:
        return errors("json", 404, f"Unknown format {fmt!r}: use json or xml.")
    if getattr(request, "limited", False):
        return errors(fmt, 429, "Too many requests; slow down.")
    params = request.POST if request.method == "POST" else request.GET
    jurisdiction = params.get("jurisdiction_id", "")
    if jurisdiction and jurisdiction != conf.jurisdiction():
        return errors(fmt, 404, f"jurisdiction_id {jurisdiction!r} is not served here.")
    return None


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@require_GET
@ratelimit(group="open311", key="ip", rate=conf.read_rate, block=False)
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _guard(request, fmt)
    if refused:
        return refused
    base = request.build_absolute_uri("/open311/v2/")
    return render(
        {
            "changeset": "2026-12-01T00:00:00+08:00",
            "contact": conf.contact(),
            "key_service": "API keys are tokens issued by the hotline center (`hotline token create`).",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-12-01T00:00:00+08:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
        root="discovery",
        element="discovery",
    )


@require_GET
@ratelimit(group="open311", key="ip", rate=conf.read_rate, block=False)
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _guard(request, fmt)
    if refused:
        return refused
    categories = selectors.services()
    attributes = selectors.attributes_of(categories)
    root_names = selectors.roots()
    records = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.name,
            "metadata": bool(attributes[c.pk]),
            "type": "realtime",
            "keywords": c.keywords,
            "group": selectors.group_of(c, root_names),
        }
        for c in categories
    ]
    return render(records, fmt, root="services", element="service")


@require_GET
@ratelimit(group="open311", key="ip", rate=conf.read_rate, block=False)
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    refused = _guard(request, fmt)
    if refused:
        return refused
    category = selectors.service(code)
    if category is None:
        return errors(fmt, 404, f"No service {code!r}.")
    definition = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in a.values],
            }
            for a in selectors.attributes_of([category])[category.pk]
        ],
    }
    return render(definition, fmt, root="service_definition", element="service_definition")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@ratelimit(group="open311", key="ip", rate=conf.read_rate, method="GET", block=False)
@ratelimit(group="open311-post", key="ip", rate=conf.write_rate, method="POST", block=False)
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _guard(request, fmt)
    if refused:
        return refused
    if request.method == "POST":
        return _create(request, fmt)
    ids = _list(request.GET.get("service_request_id", ""))
    start, end = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    start_at, end_at = parse_datetime(start) if start else None, parse_datetime(end) if end else None
    if (start and start_at is None) or (end and end_at is None):
        return errors(
            fmt, 400, "start_date and end_date must be W3C datetimes, e.g. 2026-12-01T00:00:00+08:00."
        )
    if (start_at and start_at.tzinfo is None) or (end_at and end_at.tzinfo is None):
        return errors(fmt, 400, "start_date and end_date need a time zone offset.")
    if not ids:
        end_at = end_at or now()
        start_at = start_at or end_at - MAX_SPAN
        if end_at - start_at > MAX_SPAN:
            return errors(fmt, 400, "The date range may not span more than 90 days.")
    statuses = _list(request.GET.get("status", ""))
    if any(status not in ("open", "closed") for status in statuses):
        return errors(fmt, 400, "status is open or closed.")
    orders = selectors.search(
        ids=ids,
        service_codes=_list(request.GET.get("service_code", "")),
        start=start_at,
        end=end_at,
        statuses=statuses,
        limit=conf.max_results(),
    )
    return render(
        [selectors.request_record(o) for o in orders], fmt, root="service_requests", element="request"
    )


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = user_for_token(data.get("api_key", ""), now=now())
    if client is None:
        return errors(fmt, 403, "A valid api_key is required to create a request.")
    category = selectors.service(data.get("service_code", ""))
    if category is None:
        return errors(fmt, 400, f"service_code {data.get('service_code', '')!r} is not a service.")
    try:
        lat = float(data["lat"]) if data.get("lat") else None
        long = float(data["long"]) if data.get("long") else None
    except ValueError:
        return errors(fmt, 400, "lat and long must be numbers.")
    if (lat is None) != (long is None):
        return errors(fmt, 400, "Give both lat and long, or neither.")
    if lat is not None and long is not None and not (-90 <= lat <= 90 and -180 <= long <= 180):
        return errors(fmt, 400, "lat and long are out of range.")
    attributes = {
        key[len("attribute[") : -1]: data.getlist(key)
        for key in data
        if key.startswith("attribute[") and key.endswith("]")
    }
    try:
        order, token = request_create(
            client=client,
            category=category,
            description=data.get("description", ""),
            now=now(),
            attributes=attributes,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            address=data.get("address_string", ""),
            lat=lat,
            long=long,
            media_url=data.get("media_url", ""),
            device_id=data.get("device_id", ""),
            account_id=data.get("account_id", ""),
        )
    except ApplicationError as exc:
        return errors(fmt, 400, exc.message)
    record = {"service_request_id": order.number, "token": token, "service_notice": "", "account_id": ""}
    return render([record], fmt, root="service_requests", element="request", status=201)


@require_GET
@ratelimit(group="open311", key="ip", rate=conf.read_rate, block=False)
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    refused = _guard(request, fmt)
    if refused:
        return refused
    order = selectors.public_requests().filter(number=request_id).first()
    if order is None:
        return errors(fmt, 404, f"No public request {request_id!r}.")
    return render([selectors.request_record(order)], fmt, root="service_requests", element="request")


@require_GET
@ratelimit(group="open311", key="ip", rate=conf.read_rate, block=False)
def token(request: HttpRequest, token_id: str, fmt: str) -> HttpResponse:
    refused = _guard(request, fmt)
    if refused:
        return refused
    found = RequestToken.objects.filter(token=token_id).select_related("order").first()
    if found is None:
        return errors(fmt, 404, f"No token {token_id!r}.")
    record = {"service_request_id": found.order.number, "token": found.token}
    return render([record], fmt, root="service_requests", element="request")

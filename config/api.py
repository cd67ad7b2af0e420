"""The one NinjaAPI of the platform; each app contributes a router from its ``api/views.py``.

What every endpoint gets from here:
- auth: a bearer token (systems) or the session with CSRF (browsers); ``request.user`` is the acting user
  either way. Public endpoints say ``auth=None`` and carry a rate limit.
- errors: always ``{"code", "message", "details"}`` with the right status, for the platform's
  ``ApplicationError``s and for ninja's own validation, authentication, throttling, 404 and 405 answers.
- limits on the size of request bodies and uploads, and ``Idempotency-Key`` on every POST.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from hotline.core.errors import ApplicationError
from hotline.tokens import conf, idempotency
from hotline.tokens.auth import DEFAULT_AUTH

logger = logging.getLogger("hotline.api")

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


class HotlineAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern.callback = _guarded(pattern.callback)
            patterns.append(pattern)
        patterns.append(re_path(r"^.*$", _not_found, name="api-not-found"))
        return patterns


api = HotlineAPI(
    title="12345 Hotline Platform API",
    version="1.0.0",
    urls_namespace="api-v1",
    description=(
        "Unified intake and work-order lifecycle of the 12345 government service hotline. Systems send "
        "`Authorization: Bearer TOKEN` (tokens from `hotline token create`); browsers use the staff "
        "session and send the CSRF token as `X-CSRFToken`. Every POST honours `Idempotency-Key`. Errors "
        'are `{"code", "message", "details"}`.'
    ),
    auth=DEFAULT_AUTH,
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, **details: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
        if isinstance(error, dict)
    ]
    return error_response(request, 422, "invalid_request", "The request is not valid.", errors=errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthenticated", "Sign in, or send Authorization: Bearer TOKEN."
    )
    response["WWW-Authenticate"] = 'Bearer realm="hotline"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(request, 429, "rate_limited", "Too many requests; slow down.", wait=exc.wait)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "csrf_failed" if "CSRF" in exc.message else _CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, exc.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "body_too_large", "The request body is too large.")


@api.exception_handler(SuspiciousOperation)
def suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # too many fields or files, a malformed multipart body: refused like Django's own views do
    return error_response(request, 400, "invalid_request", str(exc) or "The request is malformed.")


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # a value the database cannot hold (out of range, bad encoding) is the client's error
    return error_response(request, 400, "invalid_value", "A value is out of range or not valid.")


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(request, 500, "server_error", "Internal error; it has been logged.")


@csrf_exempt
def _not_found(request: HttpRequest) -> HttpResponse:
    return error_response(request, 404, "not_found", f"No API endpoint {request.path}.")


def _guarded(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an endpoint's view: body size limits, ``Idempotency-Key`` on POST, JSON for 405."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = _size_refusal(request) or _nul_refusal(request)
        if refused is not None:
            return refused
        key = request.headers.get(idempotency.HEADER)
        if request.method == "POST" and key is not None:
            try:
                response = idempotency.run_once(request, key, lambda: view(request, *args, **kwargs))
            except idempotency.IdempotencyRefused as exc:
                return error_response(request, exc.status, exc.code, exc.message)
        else:
            response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = error_response(
                request, 405, "method_not_allowed", f"{request.method} is not allowed here.", allowed=allowed
            )
            response["Allow"] = allowed
        return response

    return guarded


def _nul_refusal(request: HttpRequest) -> HttpResponse | None:
    """NUL characters are never valid text here, and PostgreSQL refuses to store them."""
    query = request.META.get("QUERY_STRING", "")
    body = request.body if request.content_type != "multipart/form-data" else b""
    if "%00" in query or "\x00" in request.path or b"\x00" in body or b"\\u0000" in body:
        return error_response(request, 422, "invalid_request", "NUL characters are not allowed.")
    return None


def _size_refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return error_response(request, 400, "bad_request", "Content-Length is not a number.")
    multipart = request.content_type == "multipart/form-data"
    limit = conf.max_upload_bytes() if multipart else conf.max_body_bytes()
    if length > limit:
        return error_response(
            request, 413, "body_too_large", f"The request body is larger than {limit} bytes.", max=limit
        )
    return None


def _register() -> None:
    from importlib import import_module

    for app in (
        "workorders",
        "directory",
        "taxonomy",
        "sla",
        "tokens",
        "channels",
        "routing",
        "knowledge",
        "analytics",
        "publication",
        "supervision",
        "notifications",
        "feedback",
        "assessment",
        "briefings",
        "portal",
    ):
        api.add_router("", import_module(f"hotline.{app}.api.views").router)


_register()

"""The middleware only pages need, kept off the path of the interfaces that answer machines.

``PageMiddleware`` stands in ``MIDDLEWARE`` for the chain ``settings.PAGE_MIDDLEWARE`` (slash redirects,
framing, the content security policy, htmx). Requests to the JSON API and Open311 (``MACHINE_PREFIXES``)
skip that chain: none of it applies to a JSON or XML answer, and it made 8 % of the Python calls of an
API create (django-csp builds its policy anew for every response). Their answers still get the two
headers that matter for a document a browser might be tricked into opening: a policy that allows
nothing, and no framing.

Only middleware that works through ``__call__``, ``process_request`` and ``process_response`` can be in
the chain: Django collects ``process_view`` and the other hooks from ``MIDDLEWARE`` itself, so a member
with one is refused at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

MACHINE_PREFIXES = ("/api/", "/open311/")
MACHINE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}
_HOOKS = ("process_view", "process_exception", "process_template_response")

Handler = Callable[[HttpRequest], HttpResponseBase]


class PageMiddleware:
    def __init__(self, get_response: Handler):
        self.get_response = get_response
        chain = get_response
        for path in reversed(settings.PAGE_MIDDLEWARE):
            middleware = import_string(path)(chain)
            hooks = [hook for hook in _HOOKS if hasattr(middleware, hook)]
            if hooks:
                raise ImproperlyConfigured(
                    f"{path} has {', '.join(hooks)}: list it in MIDDLEWARE, not in PAGE_MIDDLEWARE"
                )
            chain = middleware
        self.pages = chain

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(MACHINE_PREFIXES):
            return self.pages(request)
        response = self.get_response(request)
        for header, value in MACHINE_HEADERS.items():
            response.headers.setdefault(header, value)
        return response

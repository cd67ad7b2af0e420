"""The notification pages: the list (``notifications:list``), the unread badge fragment the base template
loads with htmx (``notifications:badge``), opening one notification and marking all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from hotline.core.clock import now
from hotline.directory.models import User

from .models import Notification
from .selectors import notifications_for_user, unread_count
from .services import notifications_mark_read

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications_for_user(user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "unread": unread_count(user)},
    )


@require_GET
@login_required
def badge(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/badge.html", {"unread": unread_count(_user(request))})


@require_POST
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link (only a link inside the platform)."""
    user = _user(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    notifications_mark_read(user=user, now=now(), ids=[notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=_user(request), now=now())
    return HttpResponseRedirect(reverse("notifications:list"))

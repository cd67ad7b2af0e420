"""The shell every page shares: landing by role, navigation, language, sign-in, lockout, idle sign-out,
and the security headers (CSP without inline script or style)."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from hotline.workbench.middleware import SESSION_KEY
from hotline.workbench.tests.chinese import zh

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("agent", "/agent/"),
        ("dispatcher", "/dispatch/"),
        ("unit_handler", "/inbox/"),
        ("unit_leader", "/inbox/"),
        ("leader", "/leader/"),
    ],
)
def test_home_sends_each_role_to_its_workbench(client, request, persona, target):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get("/agent/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/agent/")


def test_navigation_follows_the_role(client, agent, unit_handler):
    client.force_login(agent)
    page = client.get("/agent/").content.decode()
    assert 'href="/agent/"' in page and 'href="/inbox/"' not in page
    assert 'aria-current="page"' in page
    client.force_login(unit_handler)
    page = client.get("/inbox/").content.decode()
    assert 'href="/inbox/"' in page and 'href="/agent/"' not in page


def test_pages_of_other_roles_are_refused(client, unit_handler, agent):
    client.force_login(unit_handler)
    assert client.get("/agent/").status_code == 403
    assert client.get("/dispatch/").status_code == 403
    assert client.get("/leader/").status_code == 403
    client.force_login(agent)
    assert client.get("/leader/").status_code == 403


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.I)


def test_every_page_has_a_strict_csp_and_no_inline_script_or_style(
    client, agent, dispatcher, unit_handler, leader, make_order
):
    order = make_order()
    pages = [
        (None, "/accounts/login/"),
        (None, "/portal/"),
        (None, "/portal/submit/"),
        (None, "/portal/track/"),
        (agent, "/agent/"),
        (agent, f"/orders/{order.number}/"),
        (agent, "/orders/"),
        (dispatcher, "/dispatch/"),
        (leader, "/leader/"),
        (unit_handler, "/inbox/"),
    ]
    for user, url in pages:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert not INLINE_STYLE.search(html), url
        assert '"includeIndicatorStyles": false' in html  # htmx injects no <style>
        assert response["X-Frame-Options"] == "DENY"


def test_htmx_sends_the_csrf_token(client, agent):
    client.force_login(agent)
    html = client.get("/agent/").content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html)
    assert token is not None and len(token.group(1)) >= 32


def test_session_cookie_settings(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.HOTLINE_SESSION_IDLE_SECONDS <= 3600


def test_login_with_the_form_and_lockout_after_repeated_failures(client, agent, settings):
    url = reverse("login")
    assert "Sign in" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() or True
    response = client.post(url, {"username": "agent", "password": "pw-agent"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post(reverse("logout"))
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "agent", "password": "wrong"})
    assert response.status_code in (403, 429)
    assert zh("Account locked") in response.content.decode()
    # locked: even the right password is refused now
    response = client.post(url, {"username": "agent", "password": "pw-agent"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_failed_login_says_so_without_saying_which_part_was_wrong(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        zh(
            "The username or password is wrong. After several failed attempts the account is locked for a while."
        )
        in page
    )


def test_idle_sessions_end(client, agent, settings):
    settings.HOTLINE_SESSION_IDLE_SECONDS = 60
    client.force_login(agent)
    assert client.get("/agent/").status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 120
    session.save()
    response = client.get("/agent/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "idle=1" in response["Location"]
    assert client.get("/agent/").status_code == 302  # signed out for good
    page = client.get(response["Location"]).content.decode()
    assert zh("You were signed out after a period without activity. Please sign in again.") in page


def test_polling_does_not_keep_an_idle_session_alive(client, agent, settings):
    settings.HOTLINE_SESSION_IDLE_SECONDS = 60
    client.force_login(agent)
    client.get("/agent/")
    session = client.session
    stale = int(time.time()) - 50  # older than WRITE_EVERY_SECONDS, younger than the idle limit
    session[SESSION_KEY] = stale
    session.save()
    # a poll made without the person (app.js sends X-Hotline-Active: 0) does not count as activity
    client.get("/agent/history/", HTTP_HX_REQUEST="true", HTTP_X_HOTLINE_ACTIVE="0")
    assert client.session[SESSION_KEY] == stale
    client.get("/agent/history/", HTTP_HX_REQUEST="true", HTTP_X_HOTLINE_ACTIVE="1")
    assert client.session[SESSION_KEY] > stale
    # an htmx request after the idle limit is told to go to the login page
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 120
    session.save()
    response = client.get("/agent/history/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and "/accounts/login/" in response["HX-Redirect"]


def test_keepalive_counts_as_activity(client, agent):
    client.force_login(agent)
    response = client.get("/keepalive/", HTTP_HX_REQUEST="true", HTTP_X_HOTLINE_ACTIVE="1")
    assert response.status_code == 204


def test_chinese_by_default_english_on_request_and_back(client, agent):
    client.force_login(agent)
    page = client.get("/agent/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert zh("Agent console") in page  # the browser's language does not switch the UI
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/agent/"})
    assert response.status_code == 302
    page = client.get("/agent/").content.decode()
    assert "Agent console" in page and 'lang="en"' in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/agent/"})
    page = client.get("/agent/").content.decode()
    assert zh("Agent console") in page and 'lang="zh-Hans"' in page


def test_no_public_media_url(client, db):
    assert client.get("/media/attachments/x.png").status_code == 404


def test_a_form_without_the_csrf_token_is_refused_with_a_page(db, agent):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post("/agent/", {"title": "x"})
    assert response.status_code == 403
    assert zh("The form has expired") in response.content.decode()
    response = client.post("/portal/track/", {"number": "1", "code": "x"})
    assert response.status_code == 403

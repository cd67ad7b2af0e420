"""What the Chinese UI shows for an English msgid, for tests that look for a message on a page.

Django merges every app's catalogue, and the first app in INSTALLED_APPS that translates a msgid wins;
looking the text up (instead of writing the Chinese in the test) keeps a test right whichever catalogue
provides it, while still proving the string is translated."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext, ngettext, override


def zh(msgid: str, plural: str = "", count: int = 1, **params: object) -> str:
    with override("zh-hans"):
        text = ngettext(msgid, plural, count) if plural else gettext(msgid)
    assert text != msgid or not any(c.isalpha() and c.isascii() for c in msgid), f"not translated: {msgid!r}"
    if params:
        text = text % params
    return str(escape(text))

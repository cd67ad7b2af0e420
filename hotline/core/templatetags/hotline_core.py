from __future__ import annotations

from django import template

from hotline.core.clock import localtime, now
from hotline.sla.selectors import calendar_warnings as _calendar_warnings

register = template.Library()


@register.simple_tag
def calendar_warnings() -> list[str]:
    """Warnings about holiday years that are not loaded (shown in the admin)."""
    return _calendar_warnings(today=localtime(now()).date())

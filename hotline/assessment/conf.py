"""Settings of the assessment app, read from Django settings with these defaults."""

from __future__ import annotations

from django.conf import settings


def auto_publish() -> bool:
    """Publish the default scheme's results for the previous month on the 1st (the worker's schedule)."""
    return bool(getattr(settings, "HOTLINE_ASSESSMENT_AUTO_PUBLISH", True))


def drill_page_size() -> int:
    return int(getattr(settings, "HOTLINE_ASSESSMENT_PAGE_SIZE", 50))

"""The assessment of the demo city: the shipped schemes, and last month's results published by both, so
the ranking, the published notice and the drill-down have something to show."""

from __future__ import annotations

from hotline.core.clock import localtime
from hotline.demo.services import DemoContext

from .models import Indicator, Publication, Scheme
from .periods import last_complete
from .presets import install
from .services import publication_create


def load(ctx: DemoContext) -> None:
    install(Scheme, Indicator, now=ctx.now)
    period = last_complete("month", localtime(ctx.now).date())
    publisher = ctx.users.get("supervisor1")
    for scheme in Scheme.objects.filter(active=True).order_by("-is_default", "code"):
        if Publication.objects.filter(scheme=scheme, period_start=period.start).exists():
            continue
        publication_create(scheme=scheme, period=period, actor=publisher, now=ctx.now)

"""Smart dispatch in the demo city: the dispatch catalogue of its units, a small gazetteer, the matter index
over its orders, the evidence of its returns, and a category model trained on its own (made-up) orders."""

from __future__ import annotations

from django.db import transaction

from hotline.demo import city as data
from hotline.demo.services import DemoContext
from hotline.directory.models import Division, Unit
from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event, WorkOrder

from . import similar
from .services import (
    RuleInput,
    catalogue_rule_save,
    examples_from_rows,
    model_train,
    place_save,
    record_evidence,
)

LANDMARKS = ("公园", "文化广场", "中学", "农贸市场")


def load(ctx: DemoContext) -> None:
    _catalogue(ctx)
    _gazetteer(ctx)
    for order in WorkOrder.objects.order_by("pk").iterator(chunk_size=500):
        similar.index_order(order)
    for event_id in Event.objects.filter(
        action__in=[Action.SIGN, Action.ACCEPT_RETURN, Action.REJECT_RETURN]
    ).values_list("pk", flat=True):
        record_evidence(event_id=event_id)
    rows = [
        {"title": title, "content": content, "label": code}
        for title, content, code in WorkOrder.objects.filter(category__isnull=False).values_list(
            "title", "content", "category__code"
        )
    ]
    model_train(examples=examples_from_rows(rows), actor=None, now=ctx.now, source="demo city orders")


def _catalogue(ctx: DemoContext) -> None:
    for leaf, (lead_ref, assist_codes) in data.ROUTES.items():
        category = ctx.categories[leaf]
        territorial = lead_ref == "street"
        lead = None if territorial else ctx.units[lead_ref.split(":", 1)[1]]
        catalogue_rule_save(
            data=RuleInput(
                category=category,
                division=None,
                lead=lead,
                assists=[ctx.units[code] for code in assist_codes],
                territorial=territorial,
                territorial_kind=Unit.Kind.STREET,
                basis="属地管理" if territorial else f"{lead.short_name if lead else ''}职责",
            ),
            actor=None,
            now=ctx.now,
            source="demo",
        )
    # The two counties answer through their 12345 workstations: a county rule beats the city-wide one.
    for code, county in (("W21", "青溪县"), ("W22", "白石县")):
        division = Division.objects.get(name=county)
        for leaf in ("政策咨询", "证件办理"):
            catalogue_rule_save(
                data=RuleInput(
                    category=ctx.categories[leaf], division=division, lead=ctx.units[code], basis="县级工作站"
                ),
                actor=None,
                now=ctx.now,
                source="demo",
            )


def _gazetteer(ctx: DemoContext) -> None:
    with transaction.atomic():
        _places(ctx)


def _places(ctx: DemoContext) -> None:
    for street_div in (d for d in ctx.divisions if d.level == Division.Level.STREET):
        stem = street_div.name[:2]
        for suffix in LANDMARKS:
            place_save(name=f"{stem}{suffix}", division=street_div, kind="landmark")

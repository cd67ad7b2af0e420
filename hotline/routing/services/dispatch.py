"""What the router does by itself after intake, and what it learns from units.

``route_order`` records a ``RoutingDecision`` for an order waiting for dispatch and dispatches it only
when every condition holds: auto-dispatch is enabled, the text raises no risk flag, the caller is not
flagged, no similar open order is waiting to be merged, the active model is at least as confident as
configured, the agent's category (if any) agrees with the model, the catalogue names a lead unit for the
category and place, the top suggestion is that unit, and that unit has not been returning the matter.
Everything else waits for a person, with the reason recorded.

``record_evidence`` counts a lead unit's signing for an order (evidence for) and an accepted return
(evidence against) into ``UnitEvidence`` once per event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from hotline.core.errors import ApplicationError
from hotline.directory.models import Unit
from hotline.taxonomy.models import Category
from hotline.workorders import services as wo
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Assignment, Event, WorkOrder

from .. import conf, similar
from ..models import EvidenceMark, RoutingDecision, UnitEvidence
from ..risk import caller_flags
from ..suggest import Suggestions, evidence_area, label_category, suggest


def _decision(
    order: WorkOrder, now: dt.datetime, result: Suggestions | None, outcome: str, reason: str
) -> RoutingDecision:
    prediction = result.prediction if result else None
    return RoutingDecision.objects.create(
        order=order,
        at=now,
        model_version_id=prediction.version_id if prediction else None,
        category_label=prediction.label if prediction else "",
        confidence=prediction.confidence if prediction else None,
        suggestions=[
            {
                "unit": u.unit_id,
                "name": u.unit_name,
                "score": u.score,
                "rule": u.rule_id,
                "reasons": u.reasons,
            }
            for u in (result.units if result else [])
        ],
        flags=[
            {"code": f.code, "matched": f.matched, "hazard_only": f.hazard_only} for f in result.risk.flags
        ]
        if result
        else [],
        outcome=outcome,
        reason=reason,
    )


def route_order(*, order_id: int, now: dt.datetime) -> RoutingDecision | None:
    """Suggest and, when everything agrees, dispatch the order without a person. Idempotent: an order
    already routed or no longer waiting for dispatch is left alone (None)."""
    order = WorkOrder.objects.select_related("category", "division").filter(pk=order_id).first()
    if order is None or order.status != Status.AWAITING_DISPATCH:
        return None
    if RoutingDecision.objects.filter(order=order).exists():
        return None
    result = suggest(
        title=order.title,
        content=order.content,
        location_text=order.location_text,
        category=None,
        division=order.division,
    )
    waiting = RoutingDecision.Outcome.WAITING
    reason = _refusal(order, result, now)
    if reason:
        return _decision(order, now, result, waiting, reason)
    prediction = result.prediction
    assert prediction is not None
    top = result.units[0]
    lead = Unit.objects.get(pk=top.unit_id)
    assists = list(Unit.objects.filter(pk__in=top.assist_ids, active=True))
    basis: dict[str, Any] = {
        "auto": True,
        "rule": top.rule_id,
        "model_version": prediction.version_id,
        "category": prediction.label,
        "confidence": round(prediction.confidence, 4),
        "threshold": conf.auto_dispatch_confidence(),
        "reasons": top.reasons,
    }
    predicted = label_category(prediction.label)
    try:
        with transaction.atomic():
            if order.category_id is None and predicted is not None:
                # file the category the model found, so the order is counted and searched under it
                order = wo.workorder_update(
                    order=order,
                    actor=None,
                    now=now,
                    version=order.version,
                    category=Category.objects.get(pk=predicted.pk),
                    comment=f"smart dispatch: model {prediction.version_id}, confidence {prediction.confidence:.2f}",
                )
            wo.workorder_dispatch(
                order=order,
                actor=None,
                lead=lead,
                assists=assists,
                now=now,
                version=order.version,
                basis=basis,
            )
            return _decision(order, now, result, RoutingDecision.Outcome.AUTO_DISPATCHED, "")
    except ApplicationError as exc:  # someone acted on the order meanwhile, or the unit cannot take it
        return _decision(order, now, result, waiting, f"dispatch refused: {exc.code}")


def _refusal(order: WorkOrder, result: Suggestions, now: dt.datetime) -> str:
    """Why the order must wait for a person, or "" when it may be dispatched automatically."""
    if not conf.auto_dispatch_enabled():
        return "auto-dispatch is off"
    if result.risk.flags:
        return "risk flags: " + ", ".join(f.code for f in result.risk.flags)
    prediction = result.prediction
    if prediction is None:
        return "no active category model"
    if prediction.confidence < conf.auto_dispatch_confidence():
        return f"confidence {prediction.confidence:.2f} below {conf.auto_dispatch_confidence():.2f}"
    predicted = label_category(prediction.label)
    if predicted is None:
        return f"label {prediction.label!r} is no category"
    if order.category is not None and not order.category.path.startswith(predicted.path):
        return "the agent's category differs from the model's"
    if not result.units or result.units[0].rule_id is None or result.units[0].category_id != predicted.pk:
        return "the catalogue names no unit for the predicted category and place"
    if order.caller_phone:
        flags = caller_flags(
            phone=order.caller_phone,
            now=now,
            title=order.title,
            content=order.content,
            location_text=order.location_text,
            exclude=order.pk,
        )
        if flags.harassment or flags.repeat:
            return "caller flagged: repeat or harassment"
    if similar.search(
        title=order.title,
        content=order.content,
        location_text=order.location_text,
        division_id=order.division_id,
        exclude=order.pk,
        limit=1,
    ):
        return "a similar open order may be the same matter"
    evidence = UnitEvidence.objects.filter(
        unit_id=result.units[0].unit_id, category_id=predicted.pk, division__isnull=True
    ).first()
    if evidence is not None and evidence.signed + evidence.returned >= 5:
        share = evidence.signed / (evidence.signed + evidence.returned)
        if share < conf.auto_dispatch_min_evidence():
            return f"the unit signed only {share:.0%} of such orders"
    return ""


def _bump(unit_id: int, category_id: int, division_id: int | None, field: str) -> None:
    """Count one for the unit in the area and one over every area (the row without a division)."""
    for area in {division_id, None}:
        rows = UnitEvidence.objects.filter(unit_id=unit_id, category_id=category_id)
        rows = rows.filter(division__isnull=True) if area is None else rows.filter(division_id=area)
        if rows.update(**{field: F(field) + 1}):
            continue
        try:
            with transaction.atomic():
                UnitEvidence.objects.create(
                    unit_id=unit_id, category_id=category_id, division_id=area, **{field: 1}
                )
        except IntegrityError:  # created meanwhile by another worker
            rows.update(**{field: F(field) + 1})


def record_evidence(*, event_id: int) -> bool:
    """Count a lead unit's signature (for) or an accepted return (against) once; True if counted."""
    event = (
        Event.objects.select_related("order__category", "order__division", "assignment")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.order.category_id is None:
        return False
    if event.action == Action.SIGN:
        assignment = event.assignment
        if assignment is None or assignment.role != Assignment.Role.LEAD:
            return False
        unit_id, field = assignment.unit_id, "signed"
    elif event.action in (Action.ACCEPT_RETURN, Action.REJECT_RETURN):
        returned_unit = (event.data or {}).get("unit")
        if not returned_unit:
            return False
        unit_id = int(returned_unit)
        # An accepted return says the order was not the unit's; a rejected one, that it was.
        field = "returned" if event.action == Action.ACCEPT_RETURN else "signed"
    else:
        return False
    area = evidence_area(event.order.division)
    with transaction.atomic():
        try:
            with transaction.atomic():
                EvidenceMark.objects.create(event_id=event.pk)
        except IntegrityError:
            return False
        assert event.order.category_id is not None
        _bump(int(unit_id), event.order.category_id, area.pk if area else None, field)
    return True

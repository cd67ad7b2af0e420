"""``/taxonomy``: the category tree, channels, request types, urgencies and rejection reasons."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from hotline.taxonomy.models import Category, Channel, RejectionReason, RequestType, Urgency
from hotline.tokens.api.errors import ERRORS, ErrorOut

from .schemas import CategoryOut, ChannelOut, ChoiceOut, RejectionReasonOut

router = Router(tags=["taxonomy"])


@router.get("/taxonomy/categories", response={200: list[CategoryOut], ERRORS: ErrorOut}, summary="Categories")
def categories(request: HttpRequest, active_only: bool = True) -> list[CategoryOut]:
    """The three-level tree in tree order, each with its parent's id."""
    everything = list(Category.objects.order_by("path"))
    by_path = {c.path: c.pk for c in everything}
    return [
        CategoryOut(
            id=c.pk,
            code=c.code,
            name=c.name,
            level=c.depth,
            parent=by_path.get(c.path[: -c.steplen]) if c.depth > 1 else None,
            active=c.active,
        )
        for c in everything
        if c.active or not active_only
    ]


@router.get("/taxonomy/channels", response={200: list[ChannelOut], ERRORS: ErrorOut}, summary="Channels")
def channels(request: HttpRequest) -> list[ChannelOut]:
    return [
        ChannelOut(code=c.code, name=c.name, first_response_minutes=c.first_response_minutes, active=c.active)
        for c in Channel.objects.all()
    ]


@router.get(
    "/taxonomy/request-types", response={200: list[ChoiceOut], ERRORS: ErrorOut}, summary="Request types"
)
def request_types(request: HttpRequest) -> list[ChoiceOut]:
    return [ChoiceOut(code=value, name=str(label)) for value, label in RequestType.choices]


@router.get("/taxonomy/urgencies", response={200: list[ChoiceOut], ERRORS: ErrorOut}, summary="Urgencies")
def urgencies(request: HttpRequest) -> list[ChoiceOut]:
    return [ChoiceOut(code=value, name=str(label)) for value, label in Urgency.choices]


@router.get(
    "/taxonomy/rejection-reasons",
    response={200: list[RejectionReasonOut], ERRORS: ErrorOut},
    summary="Rejection reasons (不予受理)",
)
def rejection_reasons(request: HttpRequest) -> list[RejectionReasonOut]:
    return [
        RejectionReasonOut(code=r.code, name=r.name, description=r.description, transfer=r.transfer)
        for r in RejectionReason.objects.filter(active=True)
    ]

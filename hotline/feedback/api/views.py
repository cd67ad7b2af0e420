"""``/feedback``: an order's callback surveys, and recording a phone callback."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from hotline.core.clock import now
from hotline.directory.models import User
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.tokens.api.params import MAX_ID
from hotline.workorders.selectors import workorder_for_user

from ..models import Survey
from ..selectors import surveys_for_order
from ..services import survey_record_phone

router = Router(tags=["feedback"])


class SurveyOut(Schema):
    round: int
    state: str
    unit: str | None = Field(None, description="the lead unit whose reply was rated")
    sms_sent_at: dt.datetime | None
    answer_by: dt.datetime | None
    satisfaction: str = Field(..., description="satisfied, basically, dissatisfied, or empty")
    solved: bool | None
    channel: str = Field(..., description="sms, phone or other (the portal, a partner), once answered")
    answered_at: dt.datetime | None
    attempts: int
    reopened: bool


class CallbackIn(Schema):
    satisfaction: str = Field(..., max_length=16, description="satisfied, basically or dissatisfied")
    solved: bool
    comment: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, le=MAX_ID)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the default auth only lets staff accounts through
    return user


def _out(survey: Survey) -> SurveyOut:
    return SurveyOut(
        round=survey.round,
        state=survey.state,
        unit=survey.unit.name if survey.unit else None,
        sms_sent_at=survey.sms_sent_at,
        answer_by=survey.answer_by,
        satisfaction=survey.satisfaction,
        solved=survey.solved,
        channel=survey.channel,
        answered_at=survey.answered_at,
        attempts=survey.attempts,
        reopened=survey.reopened,
    )


@router.get(
    "/feedback/orders/{number}/surveys",
    response={200: list[SurveyOut], ERRORS: ErrorOut},
    summary="An order's callback surveys",
)
def surveys(request: HttpRequest, number: str) -> list[SurveyOut]:
    return [_out(s) for s in surveys_for_order(workorder_for_user(_user(request), number))]


@router.post(
    "/feedback/orders/{number}/callback",
    response={201: SurveyOut, ERRORS: ErrorOut},
    summary="Record a phone callback (回访)",
)
def callback(request: HttpRequest, number: str, body: CallbackIn) -> Status[SurveyOut]:
    """Closes the order, or reopens it once when the caller is dissatisfied and the problem unsolved."""
    user = _user(request)
    survey = survey_record_phone(
        order=workorder_for_user(user, number),
        actor=user,
        satisfaction=body.satisfaction,
        solved=body.solved,
        comment=body.comment,
        version=body.version,
        now=now(),
    )
    return Status(201, _out(survey))

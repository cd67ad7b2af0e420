"""Callback in the demo city: the surveys of the orders now awaiting callback, texted when their reply
was accepted, about half of them answered by made-up SMS (a few only half), and the rest gone to the
phone callback queue once the wait passed. The callbacks of the demo's closed orders already have their
survey records (kept by the event listener as the orders were made)."""

from __future__ import annotations

import datetime as dt

from hotline.demo.services import DemoContext
from hotline.workorders.lifecycle import Action, Status
from hotline.workorders.models import Event, WorkOrder

from .models import Survey
from .services import feedback_sweep, survey_sms_answer, survey_start

ANSWERS = ["1Y", "1 是", "满意，已解决", "2 是", "2Y", "1", "3否", "3 N", "不满意 未解决", "2"]


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    waiting = WorkOrder.objects.filter(status=Status.AWAITING_CALLBACK).order_by("pk")
    for order in waiting:
        accepted = (
            Event.objects.filter(order=order, action=Action.ACCEPT_REPLY)
            .order_by("-seq")
            .values_list("at", flat=True)
            .first()
        )
        start = accepted or ctx.now
        survey = survey_start(order=order, now=start)
        if survey is None or survey.state != Survey.State.AWAITING_SMS or rng.random() < 0.45:
            continue
        answered = start + dt.timedelta(minutes=rng.uniform(5, 20 * 60))
        if answered >= ctx.now:
            continue
        survey_sms_answer(phone=survey.phone, text=rng.choice(ANSWERS), now=answered)
    feedback_sweep(now=ctx.now, batch=10_000)

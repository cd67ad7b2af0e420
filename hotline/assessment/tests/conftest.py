from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hotline.assessment.models import Indicator, Scheme
from hotline.assessment.presets import install
from hotline.conftest import City, MakeOrder
from hotline.directory.models import Role, User
from hotline.workorders import services as wo
from hotline.workorders.models import ExtensionRequest

from .stories import Cast, H, accept_and_callback, dispatch, fresh, lead_of, reply, sign

DAY = 24 * H


@pytest.fixture
def presets(db: None, now: dt.datetime) -> dict[str, Scheme]:
    """The shipped schemes (a transactional test may have flushed the migration's rows)."""
    install(Scheme, Indicator, now=now)
    return {scheme.code: scheme for scheme in Scheme.objects.all()}


@pytest.fixture
def cast(
    city: City,
    dispatcher: User,
    agent: User,
    supervisor: User,
    unit_handler: User,
    other_handler: User,
    street_handler: User,
) -> Cast:
    district_handler = User.objects.create_user(
        username="district_handler", password="pw", role=Role.UNIT_HANDLER, unit=city.district_gov
    )
    return Cast(
        dispatcher=dispatcher,
        agent=agent,
        supervisor=supervisor,
        handlers={
            city.water.pk: unit_handler,
            city.urban.pk: other_handler,
            city.street.pk: street_handler,
            city.district_gov.pk: district_handler,
        },
    )


@pytest.fixture
def world(city: City, cast: Cast, make_order: MakeOrder, now: dt.datetime) -> dict[str, Any]:
    """Nine stories in November 2026 (dispatched Monday 16th, 09:00)."""
    water, urban, street, gov = city.water, city.urban, city.street, city.district_gov
    # A. water, good: signed after an hour (with urban assisting, which declines), replied next day, satisfied
    a = make_order(title="A")
    dispatch(cast, a, water, now, assists=(urban,))
    wo.workorder_return(
        order=fresh(a), actor=cast.handlers[urban.pk], reason="非本单位职责", now=now + H, unit=urban
    )
    sign(cast, a, water, now + H)
    reply(cast, a, water, now + DAY)
    accept_and_callback(cast, a, now + DAY + H)
    # B. water, late: signed the next afternoon, replied after 20 days, basically satisfied but unsolved
    b = make_order(title="B")
    dispatch(cast, b, water, now)
    sign(cast, b, water, now + 30 * H)
    reply(cast, b, water, now + 20 * DAY, solved=False)
    accept_and_callback(cast, b, now + 20 * DAY + H, satisfaction="basically", solved=False)
    # C. water, never signed; reminded twice and given a supervision notice
    c = make_order(title="C")
    dispatch(cast, c, water, now)
    wo.workorder_remind(order=fresh(c), actor=cast.supervisor, now=now + 3 * DAY)
    wo.workorder_remind(order=fresh(c), actor=cast.supervisor, now=now + 4 * DAY)
    wo.workorder_supervise(order=fresh(c), actor=cast.supervisor, comment="请立即办理", now=now + 5 * DAY)
    # D. urban returns; the center accepts and re-dispatches to the district government (left open)
    d = make_order(title="D")
    dispatch(cast, d, urban, now)
    wo.workorder_return(order=fresh(d), actor=cast.handlers[urban.pk], reason="属地事项", now=now + H)
    wo.workorder_review_return(order=fresh(d), actor=cast.dispatcher, accept=True, now=now + 2 * H)
    dispatch(cast, d, gov, now + 3 * H)
    # E. urban returns; the center rejects it as urban's duty; urban replies, the caller is dissatisfied
    e = make_order(title="E")
    dispatch(cast, e, urban, now)
    wo.workorder_return(order=fresh(e), actor=cast.handlers[urban.pk], reason="不归我们管", now=now + H)
    wo.workorder_review_return(
        order=fresh(e), actor=cast.dispatcher, accept=False, comment="属于职责", now=now + 2 * H
    )
    reply(cast, e, urban, now + 2 * DAY, solved=False)
    accept_and_callback(cast, e, now + 2 * DAY + H, satisfaction="dissatisfied", solved=False)
    # F. street: an approved extension, replied after the original deadline but before the extended one
    f = make_order(title="F")
    dispatch(cast, f, street, now)
    sign(cast, f, street, now + H)
    original_due = lead_of(f, street).due_at
    wo.workorder_request_extension(
        order=fresh(f),
        actor=cast.handlers[street.pk],
        until=original_due + 7 * DAY,
        reason="需协调",
        now=now + 2 * H,
    )
    request = ExtensionRequest.objects.get(assignment=lead_of(f, street))
    wo.workorder_decide_extension(request=request, actor=cast.dispatcher, approve=True, now=now + 3 * H)
    reply(cast, f, street, original_due + 2 * DAY)
    accept_and_callback(cast, f, original_due + 2 * DAY + H)
    # G. street: dissatisfied and unsolved, reopened, handled again, then satisfied
    g = make_order(title="G")
    dispatch(cast, g, street, now)
    sign(cast, g, street, now + H)
    reply(cast, g, street, now + DAY, solved=False)
    accept_and_callback(cast, g, now + DAY + H, satisfaction="dissatisfied", solved=False)
    wo.workorder_reopen(order=fresh(g), actor=cast.agent, now=now + DAY + 3 * H)
    dispatch(cast, g, street, now + DAY + 4 * H)
    sign(cast, g, street, now + DAY + 5 * H)
    reply(cast, g, street, now + 2 * DAY)
    accept_and_callback(cast, g, now + 2 * DAY + H)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "as_of": now + 40 * DAY}

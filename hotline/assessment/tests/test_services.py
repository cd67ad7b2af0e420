"""Schemes as data: creating, editing (validated, audited, versioned), the default."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.assessment import services
from hotline.assessment.models import Scheme, SchemeChange
from hotline.assessment.services import IndicatorInput
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.directory.models import User

pytestmark = pytest.mark.django_db


def test_presets_ship_with_the_migration() -> None:
    schemes = {s.code: s for s in Scheme.objects.prefetch_related("indicators")}
    assert {"three_rates", "weighted"} <= set(schemes)
    assert [i.code for i in schemes["three_rates"].indicators.all()] == [
        "response",
        "resolution",
        "satisfaction",
    ]
    assert sum(i.weight for i in schemes["weighted"].indicators.all() if i.kind == "weighted") == 100
    assert Scheme.objects.filter(is_default=True).count() == 1


def test_create_from_preset_and_copy(presets: dict[str, Scheme], admin_user: User, now: dt.datetime) -> None:
    fresh = services.scheme_create(
        actor=admin_user, now=now, code="sanlv2", name="三率（试行）", preset="three_rates"
    )
    assert fresh.indicators.count() == 3 and fresh.preset == "three_rates"
    copy = services.scheme_create(
        actor=admin_user, now=now, code="copy", name="复制", copy_of=presets["weighted"]
    )
    assert copy.indicators.count() == presets["weighted"].indicators.count()
    assert SchemeChange.objects.filter(scheme=copy, action="create", actor=admin_user).exists()
    with pytest.raises(Conflict):
        services.scheme_create(actor=admin_user, now=now, code="copy", name="again")
    with pytest.raises(ValidationFailed):
        services.scheme_create(actor=admin_user, now=now, code="Bad Code", name="x")


def test_only_admins_change_schemes(presets: dict[str, Scheme], supervisor: User, now: dt.datetime) -> None:
    with pytest.raises(Forbidden):
        services.scheme_create(actor=supervisor, now=now, code="x", name="x")
    with pytest.raises(Forbidden):
        services.scheme_set_default(scheme=presets["three_rates"], actor=supervisor, now=now)


def _update(
    scheme: Scheme, user: User, now: dt.datetime, indicators: list[IndicatorInput], **kw: object
) -> Scheme:
    return services.scheme_update(
        scheme=scheme, actor=user, now=now, name=scheme.name, indicators=indicators, **kw
    )  # type: ignore[arg-type]


def test_update_replaces_indicators_and_audits(
    presets: dict[str, Scheme], admin_user: User, now: dt.datetime
) -> None:
    scheme = presets["three_rates"]
    updated = _update(
        scheme,
        admin_user,
        now,
        [
            IndicatorInput("on_time", "按时办结率", "rate(completed_on_time, completion_due)", weight=70),
            IndicatorInput("sat", "满意率", "rate(satisfied + basically, rated)", weight=30),
            IndicatorInput(
                "sup", "督办扣分", "supervisions", kind="adjustment", score_formula="-min(5, value)"
            ),
        ],
        min_orders=3,
        version=scheme.version,
    )
    assert [i.code for i in updated.indicators.order_by("sort")] == ["on_time", "sat", "sup"]
    assert updated.version == scheme.version + 1 and updated.min_orders == 3
    change = SchemeChange.objects.filter(scheme=scheme, action="update").get()
    assert [i["code"] for i in change.snapshot["indicators"]] == ["on_time", "sat", "sup"]
    with pytest.raises(Conflict):  # the old version is stale now
        _update(
            scheme, admin_user, now, [IndicatorInput("x", "x", "assigned", weight=1)], version=scheme.version
        )


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([IndicatorInput("a", "A", "rate(nope, assigned)", weight=10)], "invalid_formula"),
        ([IndicatorInput("a", "A", "assigned", score_formula="eval('1')", weight=10)], "invalid_formula"),
        (
            [IndicatorInput("a", "A", "assigned", weight=10), IndicatorInput("a", "B", "assigned", weight=1)],
            "duplicate_indicator",
        ),
        ([IndicatorInput("a", "A", "supervisions", kind="adjustment")], "no_weighted_indicator"),
        ([IndicatorInput("a", "A", "assigned", weight=-1)], "invalid_weight"),
        ([IndicatorInput("a", "", "assigned", weight=1)], "name_required"),
    ],
)
def test_invalid_indicators_change_nothing(
    presets: dict[str, Scheme], admin_user: User, now: dt.datetime, items: list[IndicatorInput], code: str
) -> None:
    scheme = presets["weighted"]
    before = list(scheme.indicators.values_list("code", "formula"))
    with pytest.raises(ValidationFailed) as error:
        _update(scheme, admin_user, now, items)
    assert error.value.code == code
    assert list(scheme.indicators.values_list("code", "formula")) == before
    assert not SchemeChange.objects.filter(scheme=scheme, action="update").exists()


def test_default_scheme(presets: dict[str, Scheme], admin_user: User, now: dt.datetime) -> None:
    services.scheme_set_default(scheme=presets["three_rates"], actor=admin_user, now=now)
    assert list(Scheme.objects.filter(is_default=True).values_list("code", flat=True)) == ["three_rates"]
    with pytest.raises(Conflict):  # the default cannot be switched off
        _update(
            presets["three_rates"],
            admin_user,
            now,
            [IndicatorInput("a", "A", "assigned", weight=1)],
            active=False,
        )

"""The supervision rules the sweep knows, with their defaults. Which rules run, their thresholds and
levels are data (``SupervisionRule`` rows, edited on the rules page); this table says what each code
checks, which thresholds it takes and what they default to.

The ``manual`` row has no check: its response limit and escalation delay apply to the notices staff
issue by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.core.errors import ValidationFailed
from hotline.sla.limits import Limit

from .models import Level

MANUAL = "manual"


@dataclass(frozen=True)
class Threshold:
    name: str
    label: StrOrPromise
    default: int
    minimum: int = 0
    maximum: int = 10_000


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: StrOrPromise
    description: StrOrPromise
    level: str
    respond_within: str = "2wd"
    escalate_after: str = ""
    thresholds: tuple[Threshold, ...] = field(default=())

    def default_thresholds(self) -> dict[str, int]:
        return {t.name: t.default for t in self.thresholds}


_GRACE = Threshold("grace_hours", _("hours of grace after the deadline"), 0, 0, 720)
_LOOKBACK = Threshold("lookback_days", _("days looked back"), 30, 1, 365)

RULES: dict[str, RuleSpec] = {
    spec.code: spec
    for spec in (
        RuleSpec(
            "sign_overdue",
            _("Unsigned past the sign-for limit"),
            _("A unit has not signed for its assignment when the sign-for limit has passed."),
            Level.REMIND,
            escalate_after="4wh",
            thresholds=(_GRACE,),
        ),
        RuleSpec(
            "handle_overdue",
            _("Unhandled past the handling limit"),
            _("A unit's assignment is still open after its handling deadline."),
            Level.SUPERVISE,
            respond_within="1wd",
            thresholds=(_GRACE,),
        ),
        RuleSpec(
            "due_soon",
            _("Due soon"),
            _("A unit's assignment has passed its warning point and is not yet due (a warning)."),
            Level.REMIND,
        ),
        RuleSpec(
            "return_rejected",
            _("Return rejected as within the unit's duty"),
            _("The center rejected a unit's return: the order is within that unit's duty."),
            Level.REMIND,
            escalate_after="2wd",
            thresholds=(_LOOKBACK,),
        ),
        RuleSpec(
            "passed_between",
            _("Passed between units"),
            _("An open order returned by two or more different units (推诿)."),
            Level.SUPERVISE,
            thresholds=(
                Threshold("min_units", _("different units that returned it"), 2, 2, 50),
                Threshold("min_returns", _("returns in all"), 2, 2, 50),
            ),
        ),
        RuleSpec(
            "repeated_complaint",
            _("Repeated complaints about one matter"),
            _("The same matter reported again and again within a period."),
            Level.SUPERVISE,
            thresholds=(
                Threshold("count", _("orders about the matter, this one included"), 3, 2, 1000),
                Threshold("days", _("within days"), 30, 1, 365),
            ),
        ),
        RuleSpec(
            "leader_instruction",
            _("Leader's instruction"),
            _("A leader gave an instruction (批示) on the order; the handling unit is supervised on it."),
            Level.SUPERVISE,
            thresholds=(_LOOKBACK,),
        ),
        RuleSpec(
            "media_exposed",
            _("Exposed by the media"),
            _("Center staff flagged the order as exposed by the media."),
            Level.SUPERVISE,
            respond_within="1wd",
        ),
        RuleSpec(
            "sudden_event",
            _("Sudden event"),
            _("Center staff flagged the order as a sudden or emerging event."),
            Level.SUPERVISE,
            respond_within="1wd",
        ),
        RuleSpec(
            "progress_duty",
            _("No progress reported to the caller"),
            _("The caller has heard no progress within the progress limit (5 working days by default)."),
            Level.REMIND,
            thresholds=(_GRACE,),
        ),
        RuleSpec(
            MANUAL,
            _("Issued by staff"),
            _("Reminders and notices staff issue by hand: their response limit and escalation delay."),
            Level.REMIND,
            escalate_after="1wd",
        ),
    )
}


def spec_for(code: str) -> RuleSpec:
    try:
        return RULES[code]
    except KeyError as exc:
        raise ValidationFailed(f"Unknown supervision rule {code!r}.", code="unknown_rule") from exc


def clean_thresholds(code: str, raw: dict[str, Any]) -> dict[str, int]:
    """The rule's thresholds from ``raw``: every known name, an integer within its bounds, missing ones
    at their default; an unknown name or a bad value is refused with all problems listed."""
    spec = spec_for(code)
    known = {t.name: t for t in spec.thresholds}
    errors = [f"unknown threshold {name!r}" for name in raw if name not in known]
    cleaned: dict[str, int] = {}
    for name, threshold in known.items():
        value = raw.get(name, threshold.default)
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors.append(f"{name}: a whole number is required")
            continue
        try:
            number = int(value)
        except ValueError:
            errors.append(f"{name}: a whole number is required")
            continue
        if not threshold.minimum <= number <= threshold.maximum:
            errors.append(f"{name}: between {threshold.minimum} and {threshold.maximum}")
            continue
        cleaned[name] = number
    if errors:
        raise ValidationFailed(
            "The thresholds are not valid.", code="invalid_thresholds", details={"errors": errors}
        )
    return cleaned


def clean_limit(text: str, *, field_name: str, allow_blank: bool) -> str:
    text = (text or "").strip()
    if not text and allow_blank:
        return ""
    try:
        return str(Limit.parse(text))
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_limit", details={"field": field_name}) from exc

"""Writes of the assessment: schemes and their indicators (each change audited), the default scheme, Word
templates, and publishing a period's results with the notice (考核通报)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction

from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.uploads import max_file_bytes
from hotline.directory.models import User

from . import access, documents, formulas
from .exports import notice_context
from .measures import MEASURES
from .models import DocumentTemplate, Indicator, Publication, Scheme, SchemeChange
from .periods import Period
from .presets import PRESETS, indicator_fields
from .selectors import VIEWS, assess, scheme_spec
from .serialization import assessment_to_dict, period_to_dict

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class IndicatorInput:
    code: str
    name: str
    formula: str
    weight: Decimal | float | str = 0
    kind: str = Indicator.Kind.WEIGHTED
    score_formula: str = "value"
    unit_label: str = "%"
    higher_is_better: bool = True
    description: str = ""


def _snapshot(scheme: Scheme) -> dict[str, Any]:
    return {
        "code": scheme.code,
        "name": scheme.name,
        "description": scheme.description,
        "active": scheme.active,
        "is_default": scheme.is_default,
        "exempt_accepted_returns": scheme.exempt_accepted_returns,
        "exempt_approved_extensions": scheme.exempt_approved_extensions,
        "min_orders": scheme.min_orders,
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "kind": i.kind,
                "formula": i.formula,
                "score_formula": i.score_formula,
                "weight": str(i.weight),
                "unit_label": i.unit_label,
                "higher_is_better": i.higher_is_better,
                "description": i.description,
            }
            for i in scheme.indicators.order_by("sort", "pk")
        ],
    }


def _audit(scheme: Scheme, action: str, actor: User | None, now: dt.datetime) -> None:
    SchemeChange.objects.create(scheme=scheme, action=action, actor=actor, at=now, snapshot=_snapshot(scheme))


def _check_code(code: str) -> str:
    value = (code or "").strip()
    if not CODE.match(value):
        raise ValidationFailed(
            "A code is lower-case letters, digits and _, starting with a letter, at most 40 long.",
            code="invalid_code",
            details={"code": value},
        )
    return value


def scheme_create(
    *,
    actor: User,
    now: dt.datetime,
    code: str,
    name: str,
    preset: str = "",
    copy_of: Scheme | None = None,
    description: str = "",
) -> Scheme:
    """A new scheme: a fresh copy of a preset, a copy of an existing scheme, or (neither) empty."""
    access.require_manage(actor)
    code = _check_code(code)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A scheme needs a name.", code="name_required")
    if preset and preset not in PRESETS:
        raise ValidationFailed(
            f"Unknown preset {preset!r}.", code="invalid_preset", details={"allowed": list(PRESETS)}
        )
    if Scheme.objects.filter(code=code).exists():
        raise Conflict(f"A scheme with the code {code!r} exists.", code="scheme_exists")
    with transaction.atomic():
        source = PRESETS[preset] if preset else None
        scheme = Scheme.objects.create(
            code=code,
            name=name,
            description=description
            or (source["description"] if source else copy_of.description if copy_of else ""),
            preset=preset or (copy_of.preset if copy_of else ""),
            min_orders=source.get("min_orders", 5) if source else copy_of.min_orders if copy_of else 5,
            exempt_accepted_returns=copy_of.exempt_accepted_returns if copy_of else True,
            exempt_approved_extensions=copy_of.exempt_approved_extensions if copy_of else True,
            updated_at=now,
            updated_by=actor,
        )
        if source:
            for sort, spec in enumerate(source["indicators"], start=1):
                Indicator.objects.create(scheme=scheme, **indicator_fields(spec, sort * 10))
        elif copy_of:
            for indicator in copy_of.indicators.order_by("sort", "pk"):
                indicator.pk = None
                indicator.scheme = scheme
                indicator.save()
        _audit(scheme, SchemeChange.Action.CREATE, actor, now)
    return scheme


def _weight(value: Decimal | float | str) -> Decimal:
    try:
        weight = Decimal(str(value).strip() or "0")
    except InvalidOperation as exc:
        raise ValidationFailed(f"{value!r} is not a weight.", code="invalid_weight") from exc
    if weight < 0 or weight > 1000:
        raise ValidationFailed("A weight is between 0 and 1000.", code="invalid_weight")
    return weight.quantize(Decimal("0.01"))


def validate_indicators(items: Sequence[IndicatorInput]) -> list[dict[str, Any]]:
    """Check a scheme's indicators; return the model field values. At least one weighted indicator with a
    weight above zero; codes unique; every formula valid on the measures."""
    allowed = set(MEASURES) | set(formulas.POPULATION_NAMES)
    sample: dict[str, float] = dict.fromkeys(allowed, 10.0)
    seen: set[str] = set()
    fields: list[dict[str, Any]] = []
    for index, item in enumerate(items, start=1):
        code = _check_code(item.code)
        if code in seen:
            raise ValidationFailed(f"The indicator code {code!r} is used twice.", code="duplicate_indicator")
        seen.add(code)
        if not (item.name or "").strip():
            raise ValidationFailed(f"Indicator {code!r} needs a name.", code="name_required")
        if item.kind not in Indicator.Kind.values:
            raise ValidationFailed(f"Unknown indicator kind {item.kind!r}.", code="invalid_indicator_kind")
        try:
            formulas.validate(item.formula, allowed=allowed, sample=sample)
            formulas.validate(
                item.score_formula or "value", allowed=allowed | {"value"}, sample={**sample, "value": 50.0}
            )
        except ValidationFailed as exc:
            exc.details = {**exc.details, "indicator": code}
            raise
        fields.append(
            {
                "code": code,
                "name": item.name.strip()[:60],
                "kind": item.kind,
                "formula": item.formula.strip(),
                "score_formula": (item.score_formula or "value").strip(),
                "weight": _weight(item.weight),
                "unit_label": (item.unit_label or "").strip()[:10],
                "higher_is_better": bool(item.higher_is_better),
                "description": (item.description or "").strip(),
                "sort": index * 10,
            }
        )
    if not any(f["kind"] == Indicator.Kind.WEIGHTED and f["weight"] > 0 for f in fields):
        raise ValidationFailed(
            "A scheme needs at least one weighted indicator with a weight above zero.",
            code="no_weighted_indicator",
        )
    return fields


def scheme_update(
    *,
    scheme: Scheme,
    actor: User,
    now: dt.datetime,
    name: str,
    indicators: Sequence[IndicatorInput],
    description: str = "",
    active: bool = True,
    exempt_accepted_returns: bool = True,
    exempt_approved_extensions: bool = True,
    min_orders: int = 5,
    version: int | None = None,
) -> Scheme:
    """Replace the scheme's settings and indicators at once. Refused as a whole if any indicator is
    invalid; ``version`` guards against two admins editing at the same time."""
    access.require_manage(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A scheme needs a name.", code="name_required")
    if min_orders < 0 or min_orders > 100000:
        raise ValidationFailed("The minimum is between 0 and 100000.", code="invalid_min_orders")
    fields = validate_indicators(indicators)
    with transaction.atomic():
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if version is not None and locked.version != version:
            raise Conflict(
                "The scheme was changed by someone else; reload it and try again.",
                code="stale_version",
                details={"expected": version, "current": locked.version},
            )
        if not active and locked.is_default:
            raise Conflict(
                "The default scheme cannot be deactivated; make another the default first.",
                code="default_scheme",
            )
        locked.name, locked.description, locked.active = name[:100], description.strip(), active
        locked.exempt_accepted_returns = exempt_accepted_returns
        locked.exempt_approved_extensions = exempt_approved_extensions
        locked.min_orders = min_orders
        locked.version += 1
        locked.updated_at, locked.updated_by = now, actor
        locked.save()
        locked.indicators.all().delete()
        Indicator.objects.bulk_create([Indicator(scheme=locked, **f) for f in fields])
        _audit(locked, SchemeChange.Action.UPDATE, actor, now)
    return locked


def scheme_set_default(*, scheme: Scheme, actor: User, now: dt.datetime) -> Scheme:
    """Make ``scheme`` the default (used by the briefings and the monthly publication)."""
    access.require_manage(actor)
    if not scheme.active:
        raise Conflict("An inactive scheme cannot be the default.", code="inactive_scheme")
    with transaction.atomic():
        Scheme.objects.filter(is_default=True).exclude(pk=scheme.pk).update(is_default=False)
        Scheme.objects.filter(pk=scheme.pk).update(is_default=True, updated_at=now, updated_by=actor)
        scheme.refresh_from_db()
        _audit(scheme, SchemeChange.Action.DEFAULT, actor, now)
    return scheme


# ---------------------------------------------------------------------------------------------------------
# Word templates


def template_upload(
    *,
    kind: str,
    upload: File,  # type: ignore[type-arg]
    actor: User,
    now: dt.datetime,
    note: str = "",
) -> DocumentTemplate:
    """Put an edited Word template in use. It must be a .docx that renders with the sample figures."""
    access.require_manage(actor)
    if kind not in DocumentTemplate.Kind.values:
        raise ValidationFailed(f"Unknown template kind {kind!r}.", code="invalid_template_kind")
    # Not core.uploads.check_upload: it refuses a real .docx today (filetype names its own MIME type). The
    # content check is stronger here anyway: the file must open as a Word document and fill in.
    name = (upload.name or "template.docx").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = upload.size or 0
    if size <= 0:
        raise ValidationFailed(f"{name} is empty.", code="file_empty")
    if size > max_file_bytes():
        raise ValidationFailed(f"{name} is too large.", code="file_too_large")
    if not name.lower().endswith(".docx"):
        raise ValidationFailed("A template is a Word .docx file.", code="invalid_template")
    upload.seek(0)
    data = upload.read()
    documents.check_template(kind, data)
    with transaction.atomic():
        template = DocumentTemplate(
            kind=kind, name=name, note=(note or "").strip()[:200], uploaded_by=actor, uploaded_at=now
        )
        template.file.save(name, ContentFile(data), save=False)
        template.save()
    return template


def template_reset(*, kind: str, actor: User, now: dt.datetime) -> int:
    """Go back to the built-in template (earlier uploads stay in the list, inactive)."""
    access.require_manage(actor)
    return DocumentTemplate.objects.filter(kind=kind, active=True).update(active=False)


# ---------------------------------------------------------------------------------------------------------
# Publication


def assessments_for(scheme: Scheme, period: Period, *, as_of: dt.datetime) -> dict[str, Any]:
    spec = scheme_spec(scheme)
    return {view: assess(spec, period, as_of=as_of, view=view) for view in VIEWS}


def notice_document(assessments: dict[str, Any], *, generated_at: dt.datetime) -> bytes:
    return documents.render(
        DocumentTemplate.Kind.NOTICE, notice_context(assessments, generated_at=generated_at)
    )


def publication_create(
    *,
    scheme: Scheme,
    period: Period,
    actor: User | None,
    now: dt.datetime,
    trigger: str = Publication.Trigger.MANUAL,
) -> Publication:
    """Freeze the period's results in every view and generate the notice. ``actor`` is None for the
    scheduled monthly publication, which happens once per scheme and period."""
    if actor is not None:
        access.require_publish(actor)
    elif trigger != Publication.Trigger.SCHEDULE:
        raise ValidationFailed("A publication on demand needs a person.", code="actor_required")
    if period.start_at() >= now:
        raise ValidationFailed("The period has not started yet.", code="period_in_future")
    assessments = assessments_for(scheme, period, as_of=now)
    content = {
        "period": period_to_dict(period),
        "views": {view: assessment_to_dict(a) for view, a in assessments.items()},
    }
    notice = notice_document(assessments, generated_at=now)
    try:
        with transaction.atomic():
            publication = Publication(
                scheme=scheme,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                as_of=now,
                content=content,
                trigger=trigger,
                generated_by=actor,
                generated_at=now,
            )
            publication.notice.save(f"{scheme.code}-{period.key}.docx", ContentFile(notice), save=False)
            publication.save()
    except IntegrityError as exc:
        raise Conflict(
            "This period was already published by the schedule.", code="already_published"
        ) from exc
    return publication

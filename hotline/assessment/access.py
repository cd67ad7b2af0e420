"""Who may see and change what in the assessment. Orders themselves are always read through the
work-order gate; these rules decide which scores a person may open.

- center staff (every center role) see all scores and rankings;
- unit staff see their own unit's detail (a unit leader also the sub-units' and, for a district
  government, the district's), never other units';
- supervisors, leaders and admins publish results; admins edit schemes and Word templates.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hotline.core.errors import Forbidden
from hotline.directory.models import Role, Unit, User
from hotline.workorders.selectors import units_in_scope

PUBLISH_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


def is_center(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_center_staff))


def may_view_overview(user: User) -> bool:
    return is_center(user)


def may_manage_schemes(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def may_publish(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role in PUBLISH_ROLES)
    )


def visible_units(user: User) -> QuerySet[Unit]:
    if is_center(user):
        return Unit.objects.exclude(kind=Unit.Kind.CENTER)
    if user.is_authenticated and user.is_active and user.is_unit_staff:
        return units_in_scope(user)
    return Unit.objects.none()


def may_view_unit(user: User, unit: Unit) -> bool:
    return is_center(user) or visible_units(user).filter(pk=unit.pk).exists()


def require_overview(user: User) -> None:
    if not may_view_overview(user):
        raise Forbidden(
            "Only the hotline center sees the assessment of all units.", code="assessment_forbidden"
        )


def require_manage(user: User) -> None:
    if not may_manage_schemes(user):
        raise Forbidden("Only an administrator edits assessment schemes.", code="assessment_forbidden")


def require_publish(user: User) -> None:
    if not may_publish(user):
        raise Forbidden("You may not publish assessment results.", code="assessment_forbidden")


def require_group(user: User, key: str, unit: Unit | None) -> None:
    """Unit staff may open their own units' figures (and their district's, for a district leader)."""
    if is_center(user):
        return
    if unit is not None and key.startswith(("unit:", "district:")) and may_view_unit(user, unit):
        if key.startswith("district:") and user.role != Role.UNIT_LEADER:
            raise Forbidden("You may not see these figures.", code="assessment_forbidden")
        return
    raise Forbidden("You may not see these figures.", code="assessment_forbidden")

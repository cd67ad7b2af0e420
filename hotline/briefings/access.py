"""Who may read and make briefings: the center reads them; supervisors, leaders and admins generate them;
center staff choose typical cases."""

from __future__ import annotations

from hotline.assessment.access import PUBLISH_ROLES, is_center
from hotline.core.errors import Forbidden
from hotline.directory.models import User


def may_read(user: User) -> bool:
    return is_center(user)


def may_generate(user: User) -> bool:
    return bool(is_center(user) and (user.is_superuser or user.role in PUBLISH_ROLES))


def require_read(user: User) -> None:
    if not may_read(user):
        raise Forbidden("Briefings are for the hotline center and the leaders.", code="briefings_forbidden")


def require_generate(user: User) -> None:
    if not may_generate(user):
        raise Forbidden("You may not generate briefings.", code="briefings_forbidden")


def require_cases(user: User) -> None:
    if not is_center(user):
        raise Forbidden("Only the hotline center chooses typical cases.", code="briefings_forbidden")

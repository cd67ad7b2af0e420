"""Who may do what with an entry: small predicates used by the services (which enforce them) and by the
pages (which only show what a user may do).

- The center's editors (``conf.editor_roles()``) review, edit, publish and withdraw any entry.
- Other staff draft entries for their own unit (编报); unit staff edit and submit only entries their unit
  owns, and only while those are drafts or returned; starting a revision of a published entry they own
  makes a new draft while the published version stays live.
- Every staff account may read live entries and report one as wrong; unit staff see other units'
  entries only once published.
"""

from __future__ import annotations

import datetime as dt

from hotline.directory.models import CENTER_ROLES, Role, Unit, User

from . import conf
from .models import Entry, EntryStatus, EntryVersion

EDITABLE_BY_OWNERS = frozenset({EntryStatus.DRAFT, EntryStatus.RETURNED, EntryStatus.PUBLISHED})
SUBMITTABLE = frozenset({EntryStatus.DRAFT, EntryStatus.RETURNED})
PUBLISHABLE = frozenset(
    {EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.RETURNED, EntryStatus.WITHDRAWN}
)


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in Role.values))


def is_editor(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in conf.editor_roles()))


def is_center(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in CENTER_ROLES))


def acting_units(user: User) -> set[int]:
    """The units a user drafts for: their own, and for a unit leader also the sub-units."""
    if not user.is_authenticated or user.unit_id is None:
        return set()
    if user.role == Role.UNIT_LEADER and user.unit is not None:
        return {user.unit_id, *Unit.objects.get_tree(user.unit).values_list("pk", flat=True)}
    return {user.unit_id}


def owner_unit_ids(version: EntryVersion | None) -> set[int]:
    if version is None:
        return set()
    cached = getattr(version, "_owner_ids", None)
    if cached is None:
        cached = set(version.owner_units.values_list("pk", flat=True))
        version._owner_ids = cached  # type: ignore[attr-defined]
    return set(cached)


def owns(user: User, entry: Entry) -> bool:
    units = acting_units(user)
    if not units:
        return False
    return entry.unit_id in units or bool(units & owner_unit_ids(entry.latest))


def is_live(entry: Entry, today: dt.date) -> bool:
    """Whether agents see the entry today: published, not withdrawn, in force."""
    version = entry.published
    if version is None or entry.status == EntryStatus.WITHDRAWN:
        return False
    if version.effective_from and version.effective_from > today:
        return False
    return not (version.expires_on and version.expires_on < today)


def can_view(user: User, entry: Entry) -> bool:
    if is_center(user):
        return True
    if not is_staff(user):
        return False
    return (entry.published_id is not None and entry.status != EntryStatus.WITHDRAWN) or owns(user, entry)


def can_draft(user: User) -> bool:
    return is_editor(user) or (is_staff(user) and user.unit_id is not None)


def can_edit(user: User, entry: Entry) -> bool:
    if is_editor(user):
        return True
    return entry.status in EDITABLE_BY_OWNERS and owns(user, entry)


def can_submit(user: User, entry: Entry) -> bool:
    return entry.status in SUBMITTABLE and (is_editor(user) or owns(user, entry))


def can_review(user: User, entry: Entry) -> bool:
    """Return with comments or publish."""
    return is_editor(user) and entry.status in PUBLISHABLE


def can_return(user: User, entry: Entry) -> bool:
    return is_editor(user) and entry.status == EntryStatus.SUBMITTED


def can_withdraw(user: User, entry: Entry) -> bool:
    return is_editor(user) and entry.published_id is not None and entry.status != EntryStatus.WITHDRAWN


def can_confirm(user: User, entry: Entry) -> bool:
    """Confirm at review time that the published entry is still right (复核)."""
    return (
        entry.published_id is not None
        and entry.status != EntryStatus.WITHDRAWN
        and (is_editor(user) or owns(user, entry))
    )


def can_report(user: User, entry: Entry) -> bool:
    return is_staff(user) and entry.published_id is not None and entry.status != EntryStatus.WITHDRAWN

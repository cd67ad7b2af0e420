"""Writing entries: draft (编报), edit, submit, return, publish, withdraw, confirm at review time.

Every service runs in one transaction, locks the entry row, checks ``policy`` and refuses with an
``ApplicationError``, appends an ``EntryEvent``, and — when what agents see changes — stamps the entry
with a new index generation so every process's search index picks it up. An edit never changes an
existing version: it adds the next one. A published version stays live while a newer revision is
drafted or reviewed, until the newer one is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core.clock import localtime
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.uploads import check_uploads
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category
from hotline.text.normalize import normalize
from hotline.workorders.models import WorkOrder

from .. import conf, content, policy
from ..models import (
    Entry,
    EntryAction,
    EntryAttachment,
    EntryEvent,
    EntryStatus,
    EntryVersion,
    Visibility,
)
from ..search import analysis, engine
from . import notices

QUESTION_MAX = 300
LIST_MAX = 500
REVIEW_CYCLE_MAX = 3650


@dataclass
class EntryInput:
    """The content of an entry as a form, the API or an import gives it. ``answer`` is HTML (sanitised
    here) or plain text."""

    question: str
    answer: str
    keywords: str = ""
    synonyms: str = ""
    category: Category | None = None
    owner_units: Sequence[Unit] = ()
    divisions: Sequence[Division] = ()
    effective_from: dt.date | None = None
    expires_on: dt.date | None = None
    review_cycle_days: int | None = None
    visibility: str = Visibility.INTERNAL
    note: str = ""
    files: Sequence[File] = field(default_factory=list)  # type: ignore[type-arg]
    remove_attachments: Sequence[int] = ()


@dataclass(frozen=True)
class _Clean:
    question: str
    answer_html: str
    answer_text: str
    keywords: str
    synonyms: str
    category: Category | None
    owner_ids: tuple[int, ...]
    division_ids: tuple[int, ...]
    effective_from: dt.date | None
    expires_on: dt.date | None
    review_cycle_days: int
    visibility: str

    def same_as(self, version: EntryVersion) -> bool:
        return (
            self.question == version.question
            and self.answer_html == version.answer_html
            and self.keywords == version.keywords
            and self.synonyms == version.synonyms
            and self.category == version.category
            and set(self.owner_ids) == set(version.owner_units.values_list("pk", flat=True))
            and set(self.division_ids) == set(version.divisions.values_list("pk", flat=True))
            and self.effective_from == version.effective_from
            and self.expires_on == version.expires_on
            and self.review_cycle_days == version.review_cycle_days
            and self.visibility == version.visibility
        )


def _clean_list(value: str, label: str) -> str:
    items: list[str] = []
    for item in analysis.split_list(normalize(value)):
        if item not in items:
            items.append(item)
    joined = ",".join(items)
    if len(joined) > LIST_MAX:
        raise ValidationFailed(
            _("%(field)s is too long (at most %(max)s characters).") % {"field": label, "max": LIST_MAX},
            code="too_long",
            details={"field": label},
        )
    return joined


def _clean(data: EntryInput, actor: User) -> _Clean:
    errors: dict[str, str] = {}
    question = " ".join((data.question or "").split())
    if len(question) < 2:
        errors["question"] = _("Write the question as callers ask it.")
    elif len(question) > QUESTION_MAX:
        errors["question"] = _("The question is longer than %(max)s characters.") % {"max": QUESTION_MAX}
    answer_html = content.sanitize(data.answer)
    answer_text = content.html_to_text(answer_html)
    if len(answer_text) < 2:
        errors["answer"] = _("The answer is empty.")
    if data.visibility not in Visibility.values:
        errors["visibility"] = _("Choose public or internal.")
    if data.effective_from and data.expires_on and data.expires_on < data.effective_from:
        errors["expires_on"] = _("The expiry date is before the effective date.")
    cycle = conf.default_review_cycle_days() if data.review_cycle_days is None else data.review_cycle_days
    if not 0 <= cycle <= REVIEW_CYCLE_MAX:
        errors["review_cycle_days"] = _("The review cycle is between 0 and %(max)s days.") % {
            "max": REVIEW_CYCLE_MAX
        }
    owners = list(data.owner_units)
    if not owners and actor.unit is not None:
        owners = [actor.unit]
    if not owners:
        errors["owner_units"] = _("Name at least one owning unit.")
    elif not policy.is_editor(actor) and not (policy.acting_units(actor) & {u.pk for u in owners}):
        errors["owner_units"] = _("Your unit must be one of the owning units.")
    if any(not u.active for u in owners):
        errors["owner_units"] = _("An owning unit is no longer active.")
    if data.category is not None and not data.category.active:
        errors["category"] = _("This category is no longer in use.")
    if errors:
        raise ValidationFailed(_("The entry has errors."), code="invalid_entry", details=errors)
    return _Clean(
        question=question,
        answer_html=answer_html,
        answer_text=answer_text,
        keywords=_clean_list(data.keywords, "keywords"),
        synonyms=_clean_list(data.synonyms, "synonyms"),
        category=data.category,
        owner_ids=tuple(sorted({u.pk for u in owners})),
        division_ids=tuple(sorted({d.pk for d in data.divisions})),
        effective_from=data.effective_from,
        expires_on=data.expires_on,
        review_cycle_days=cycle,
        visibility=data.visibility,
    )


def _event(
    entry: Entry,
    action: str,
    *,
    actor: User | None,
    now: dt.datetime,
    version: EntryVersion | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> EntryEvent:
    return EntryEvent.objects.create(
        entry=entry,
        version=version or entry.latest,
        action=action,
        actor=actor,
        at=now,
        comment=comment,
        data=data or {},
    )


def _attachments_after(
    entry: Entry,
    actor: User,
    now: dt.datetime,
    files: Sequence[File],  # type: ignore[type-arg]
    remove: Sequence[int],
) -> list[dict[str, Any]]:
    current = list(entry.latest.attachments) if entry.latest is not None else []
    if remove:
        known = {a["id"] for a in current}
        unknown = set(remove) - known
        if unknown:
            raise ValidationFailed(
                _("No such attachment."), code="invalid_attachment", details={"ids": sorted(unknown)}
            )
        current = [a for a in current if a["id"] not in set(remove)]
    for checked in check_uploads(list(files)) if files else []:
        attachment = EntryAttachment(
            entry=entry,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
            uploaded_at=now,
        )
        attachment.file.save(checked.name, checked.file, save=False)
        attachment.save()
        current.append({"id": attachment.pk, "name": attachment.name, "size": attachment.size})
    return current


def _new_version(
    entry: Entry,
    clean: _Clean,
    *,
    actor: User,
    now: dt.datetime,
    note: str,
    attachments: list[dict[str, Any]],
) -> EntryVersion:
    number = (entry.latest.number + 1) if entry.latest is not None else 1
    version = EntryVersion.objects.create(
        entry=entry,
        number=number,
        question=clean.question,
        answer_html=clean.answer_html,
        answer_text=clean.answer_text,
        keywords=clean.keywords,
        synonyms=clean.synonyms,
        category=clean.category,
        effective_from=clean.effective_from,
        expires_on=clean.expires_on,
        review_cycle_days=clean.review_cycle_days,
        visibility=clean.visibility,
        attachments=attachments,
        note=(note or "").strip()[:300],
        author=actor,
        created_at=now,
    )
    version.owner_units.set(clean.owner_ids)
    version.divisions.set(clean.division_ids)
    return version


def locked_entry(entry: Entry) -> Entry:
    try:
        return (
            Entry.objects.select_for_update(of=("self",))
            .select_related("latest", "published")
            .get(pk=entry.pk)
        )
    except Entry.DoesNotExist as exc:
        raise NotFound(_("No such entry."), code="entry_not_found") from exc


def _deny(message: str, code: str) -> Forbidden:
    return Forbidden(message, code=code)


def entry_create(
    *,
    actor: User,
    data: EntryInput,
    now: dt.datetime,
    submit: bool = False,
    source_order: WorkOrder | None = None,
    notify: bool = True,
) -> Entry:
    """Draft a new entry (version 1); with ``submit`` also send it for review (telling the editors
    unless ``notify`` is off, as for a batch of drafts built from past orders)."""
    if not policy.can_draft(actor):
        raise _deny(_("You may not draft knowledge entries."), "kb_draft_not_permitted")
    clean = _clean(data, actor)
    with transaction.atomic():
        entry = Entry.objects.create(
            status=EntryStatus.DRAFT,
            # the drafting unit: the author's own when it is an owner, else the first owner
            unit=actor.unit if actor.unit_id in clean.owner_ids else Unit.objects.get(pk=clean.owner_ids[0]),
            created_by=actor,
            created_at=now,
            updated_at=now,
            source_order=source_order,
        )
        attachments = _attachments_after(entry, actor, now, data.files, ())
        version = _new_version(entry, clean, actor=actor, now=now, note=data.note, attachments=attachments)
        entry.latest = version
        entry.save(update_fields=["latest"])
        _event(entry, EntryAction.CREATE, actor=actor, now=now, version=version, comment=data.note)
        if submit:
            entry = _submit(entry, actor=actor, now=now, comment="", notify=notify)
    return entry


def entry_update(
    *,
    entry: Entry,
    actor: User,
    data: EntryInput,
    now: dt.datetime,
    expected_version: int | None = None,
    publish: bool = False,
) -> Entry:
    """Save an edit as the next version. Owners edit drafts and returned entries (and start a revision
    of a published one); editors edit any entry, and with ``publish`` publish the edit at once.
    ``expected_version`` is the version number the editor started from: if someone saved a newer one
    meanwhile the edit is refused (``stale_version``). An edit that changes nothing adds no version."""
    with transaction.atomic():
        entry = locked_entry(entry)
        if not policy.can_edit(actor, entry):
            raise _deny(_("You may not edit this entry."), "kb_edit_not_permitted")
        if (
            expected_version is not None
            and entry.latest is not None
            and entry.latest.number != expected_version
        ):
            raise Conflict(
                _("Someone saved a newer version meanwhile; reload the entry and edit again."),
                code="stale_version",
                details={"expected": expected_version, "current": entry.latest.number},
            )
        clean = _clean(data, actor)
        assert entry.latest is not None
        changed = not clean.same_as(entry.latest) or bool(data.files) or bool(data.remove_attachments)
        if changed:
            attachments = _attachments_after(entry, actor, now, data.files, data.remove_attachments)
            version = _new_version(
                entry, clean, actor=actor, now=now, note=data.note, attachments=attachments
            )
            entry.latest = version
            if entry.status in (EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN, EntryStatus.RETURNED):
                entry.status = EntryStatus.DRAFT
            entry.updated_at = now
            entry.save(update_fields=["latest", "status", "updated_at"])
            _event(entry, EntryAction.EDIT, actor=actor, now=now, version=version, comment=data.note)
            if data.remove_attachments:
                EntryAttachment.objects.filter(entry=entry, pk__in=data.remove_attachments).update(
                    removed_at=now
                )
        if publish:
            entry = _publish(entry, actor=actor, now=now, comment=data.note)
    return entry


def _submit(entry: Entry, *, actor: User, now: dt.datetime, comment: str, notify: bool = True) -> Entry:
    if not policy.can_submit(actor, entry):
        raise Conflict(_("Only a draft or a returned entry can be submitted."), code="kb_not_submittable")
    entry.status = EntryStatus.SUBMITTED
    entry.updated_at = now
    entry.save(update_fields=["status", "updated_at"])
    _event(entry, EntryAction.SUBMIT, actor=actor, now=now, comment=comment)
    assert entry.latest is not None
    if not notify:
        return entry
    notices.notify_editors(
        entry,
        kind="kb_submitted",
        title=_("Knowledge entry submitted for review: %(q)s") % {"q": entry.latest.question[:60]},
        body=comment,
        now=now,
    )
    return entry


def entry_submit(*, entry: Entry, actor: User, now: dt.datetime, comment: str = "") -> Entry:
    """Send a draft to the center for review (报送)."""
    with transaction.atomic():
        entry = locked_entry(entry)
        if not (policy.is_editor(actor) or policy.owns(actor, entry)):
            raise _deny(_("Only the owning unit submits this entry."), "kb_submit_not_permitted")
        return _submit(entry, actor=actor, now=now, comment=comment.strip())


def entry_return(*, entry: Entry, actor: User, now: dt.datetime, comment: str) -> Entry:
    """Send a submitted entry back to its unit with what to change (退回修改)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(_("Say what the unit should change."), code="comment_required")
    with transaction.atomic():
        entry = locked_entry(entry)
        if not policy.is_editor(actor):
            raise _deny(_("Only the center's editors review entries."), "kb_review_not_permitted")
        if not policy.can_return(actor, entry):
            raise Conflict(_("Only a submitted entry can be returned."), code="kb_not_returnable")
        entry.status = EntryStatus.RETURNED
        entry.updated_at = now
        entry.save(update_fields=["status", "updated_at"])
        _event(entry, EntryAction.RETURN, actor=actor, now=now, comment=comment)
        assert entry.latest is not None
        notices.notify_owners(
            entry,
            kind="kb_returned",
            title=_("Knowledge entry returned for changes: %(q)s") % {"q": entry.latest.question[:60]},
            body=comment,
            now=now,
        )
        return entry


def _publish(entry: Entry, *, actor: User, now: dt.datetime, comment: str) -> Entry:
    if not policy.is_editor(actor):
        raise _deny(_("Only the center's editors publish entries."), "kb_publish_not_permitted")
    if not policy.can_review(actor, entry):
        raise Conflict(_("This entry has nothing new to publish."), code="kb_not_publishable")
    version = entry.latest
    assert version is not None
    today = localtime(now).date()
    if version.expires_on and version.expires_on < today:
        raise ValidationFailed(
            _("This version has already expired; change its expiry date."), code="kb_expired"
        )
    entry.published = version
    entry.published_at = now
    entry.withdrawn_at = None
    entry.status = EntryStatus.PUBLISHED
    start = max(today, version.effective_from) if version.effective_from else today
    entry.review_due_on = (
        start + dt.timedelta(days=version.review_cycle_days) if version.review_cycle_days else None
    )
    entry.review_notified_for = None
    entry.expiry_notified_for = None
    entry.updated_at = now
    entry.save(
        update_fields=[
            "published",
            "published_at",
            "withdrawn_at",
            "status",
            "review_due_on",
            "review_notified_for",
            "expiry_notified_for",
            "updated_at",
        ]
    )
    engine.touch(entry)
    _event(entry, EntryAction.PUBLISH, actor=actor, now=now, version=version, comment=comment)
    if not policy.owns(actor, entry):
        notices.notify_owners(
            entry,
            kind="kb_published",
            title=_("Knowledge entry published: %(q)s") % {"q": version.question[:60]},
            now=now,
        )
    return entry


def entry_publish(*, entry: Entry, actor: User, now: dt.datetime, comment: str = "") -> Entry:
    """Publish the working version: agents (and, if public, citizens) see it from now on."""
    with transaction.atomic():
        return _publish(locked_entry(entry), actor=actor, now=now, comment=comment.strip())


def entry_withdraw(*, entry: Entry, actor: User, now: dt.datetime, reason: str) -> Entry:
    """Take a published entry down (下架): nobody sees it in search any more; its history stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the entry is withdrawn."), code="reason_required")
    with transaction.atomic():
        entry = locked_entry(entry)
        if not policy.is_editor(actor):
            raise _deny(_("Only the center's editors withdraw entries."), "kb_withdraw_not_permitted")
        if not policy.can_withdraw(actor, entry):
            raise Conflict(_("This entry is not published."), code="kb_not_published")
        entry.status = EntryStatus.WITHDRAWN
        entry.withdrawn_at = now
        entry.updated_at = now
        entry.save(update_fields=["status", "withdrawn_at", "updated_at"])
        engine.touch(entry)
        _event(entry, EntryAction.WITHDRAW, actor=actor, now=now, comment=reason)
        return entry


def entry_confirm_review(*, entry: Entry, actor: User, now: dt.datetime, comment: str = "") -> Entry:
    """Confirm at review time that the published entry is still right (复核): the next review date
    moves one review cycle on."""
    with transaction.atomic():
        entry = locked_entry(entry)
        if not policy.can_confirm(actor, entry):
            raise _deny(
                _("Only the owning unit or the center confirms this entry."), "kb_confirm_not_permitted"
            )
        version = entry.published
        assert version is not None
        today = localtime(now).date()
        cycle = version.review_cycle_days or conf.default_review_cycle_days()
        entry.review_due_on = today + dt.timedelta(days=cycle)
        entry.review_notified_for = None
        entry.updated_at = now
        entry.save(update_fields=["review_due_on", "review_notified_for", "updated_at"])
        _event(entry, EntryAction.CONFIRM, actor=actor, now=now, version=version, comment=comment.strip())
        return entry


def entry_input_from_version(version: EntryVersion, **overrides: Any) -> EntryInput:
    """An ``EntryInput`` holding a version's content (to edit one field, or to revise)."""
    values: dict[str, Any] = {
        "question": version.question,
        "answer": version.answer_html,
        "keywords": version.keywords,
        "synonyms": version.synonyms,
        "category": version.category,
        "owner_units": list(version.owner_units.all()),
        "divisions": list(version.divisions.all()),
        "effective_from": version.effective_from,
        "expires_on": version.expires_on,
        "review_cycle_days": version.review_cycle_days,
        "visibility": version.visibility,
    }
    values.update(overrides)
    return EntryInput(**values)

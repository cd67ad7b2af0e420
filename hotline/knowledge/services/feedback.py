"""Agents' reports that an entry is wrong or outdated (纠错), and how owners and editors settle them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.directory.models import User
from hotline.workorders.models import WorkOrder

from .. import policy
from ..models import Entry, EntryAction, EntryEvent, EntryReport, ReportKind, ReportState
from . import notices

COMMENT_MAX = 1000


def entry_report(
    *,
    entry: Entry,
    actor: User,
    kind: str,
    now: dt.datetime,
    comment: str = "",
    order: WorkOrder | None = None,
) -> EntryReport:
    """Record that ``entry`` is wrong, outdated or unclear; its owners and the editors are told."""
    if kind not in ReportKind.values:
        raise ValidationFailed(
            _("Say what is wrong with the entry."),
            code="invalid_report_kind",
            details={"allowed": ReportKind.values},
        )
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_("The comment is too long."), code="too_long")
    if kind == ReportKind.OTHER and not comment:
        raise ValidationFailed(_("Describe the problem."), code="comment_required")
    if not policy.can_report(actor, entry):
        raise Forbidden(_("This entry cannot be reported."), code="kb_report_not_permitted")
    with transaction.atomic():
        report = EntryReport.objects.create(
            entry=entry,
            version=entry.published,
            kind=kind,
            comment=comment,
            order=order,
            reporter=actor,
            created_at=now,
        )
        Entry.objects.filter(pk=entry.pk).update(open_reports=F("open_reports") + 1)
        EntryEvent.objects.create(
            entry=entry,
            version=entry.published,
            action=EntryAction.REPORT,
            actor=actor,
            at=now,
            comment=comment,
            data={"kind": kind, "report": report.pk, **({"order": order.number} if order else {})},
        )
        question = entry.published.question if entry.published else str(entry)
        title = _("Knowledge entry reported as %(kind)s: %(q)s") % {
            "kind": ReportKind(kind).label,
            "q": question[:60],
        }
        notices.notify_owners(entry, kind="kb_report", title=title, body=comment, now=now)
        notices.notify_editors(entry, kind="kb_report", title=title, body=comment, now=now)
    return report


def report_settle(
    *, report: EntryReport, actor: User, now: dt.datetime, state: str, resolution: str = ""
) -> EntryReport:
    """Close a report as resolved (the entry was corrected) or dismissed (it was right)."""
    if state not in (ReportState.RESOLVED, ReportState.DISMISSED):
        raise ValidationFailed(_("Resolve or dismiss the report."), code="invalid_state")
    resolution = (resolution or "").strip()
    if state == ReportState.DISMISSED and not resolution:
        raise ValidationFailed(_("Say why the report is dismissed."), code="comment_required")
    with transaction.atomic():
        report = (
            EntryReport.objects.select_for_update(of=("self",))
            .select_related("entry__latest")
            .get(pk=report.pk)
        )
        entry = report.entry
        if not (policy.is_editor(actor) or policy.owns(actor, entry)):
            raise Forbidden(
                _("Only the owning unit or the center settles reports."), code="kb_settle_not_permitted"
            )
        if report.state != ReportState.OPEN:
            raise Conflict(_("This report is already settled."), code="kb_report_settled")
        report.state = state
        report.resolved_by = actor
        report.resolved_at = now
        report.resolution = resolution
        report.save(update_fields=["state", "resolved_by", "resolved_at", "resolution"])
        Entry.objects.filter(pk=entry.pk, open_reports__gt=0).update(open_reports=F("open_reports") - 1)
        EntryEvent.objects.create(
            entry=entry,
            version=entry.latest,
            action=EntryAction.RESOLVE,
            actor=actor,
            at=now,
            comment=resolution,
            data={"report": report.pk, "state": state},
        )
    return report

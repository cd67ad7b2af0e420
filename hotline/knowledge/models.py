"""The knowledge base (知识库): entries, their immutable versions, the review workflow's audit trail,
reports from agents, use on orders, searches that found nothing, and synonym groups."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")  # 公开: also on the citizen portal
    INTERNAL = "internal", _("internal")  # 内部: agents and staff only


class EntryStatus(models.TextChoices):
    """The state of an entry's working revision. A published version stays live for agents while a
    newer revision is drafted or under review."""

    DRAFT = "draft", _("draft")  # 草稿
    SUBMITTED = "submitted", _("submitted for review")  # 已报送待审核
    RETURNED = "returned", _("returned for changes")  # 退回修改
    PUBLISHED = "published", _("published")  # 已发布
    WITHDRAWN = "withdrawn", _("withdrawn")  # 已下架


class Entry(models.Model):
    """One knowledge-base entry. Its content lives in versions: ``latest`` is the working revision,
    ``published`` the version agents and citizens see (none until first published)."""

    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT, db_index=True
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_entries",
        verbose_name=_("drafting unit"),
    )
    # a version goes only with its entry (entries are withdrawn, not deleted, in normal use)
    latest = models.ForeignKey(
        "EntryVersion",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("latest version"),
    )
    published = models.ForeignKey(
        "EntryVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published version"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    review_due_on = models.DateField(_("review due"), null=True, blank=True, db_index=True)
    review_notified_for = models.DateField(null=True, blank=True, help_text="review date already flagged")
    expiry_notified_for = models.DateField(null=True, blank=True, help_text="expiry date already flagged")
    index_generation = models.BigIntegerField(default=0, db_index=True)
    use_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    open_reports = models.PositiveSmallIntegerField(_("open reports"), default=0)
    source_order = models.ForeignKey(
        "workorders.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")

    def __str__(self) -> str:
        return f"KB{self.pk}"

    @property
    def ref(self) -> str:
        """The reference agents pass as ``knowledge_ref`` on a direct answer."""
        return str(self.pk)


class EntryVersion(models.Model):
    """An immutable snapshot of an entry's content: every edit makes a new one."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    question = models.CharField(_("question"), max_length=300)
    answer_html = models.TextField(_("answer"))
    answer_text = models.TextField(_("answer (plain text)"))
    keywords = models.CharField(_("keywords"), max_length=500, blank=True, help_text=_("comma separated"))
    synonyms = models.CharField(
        _("synonyms"), max_length=500, blank=True, help_text=_("other ways callers say it, comma separated")
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    owner_units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("owning units"))  # type: ignore[var-annotated]
    divisions = models.ManyToManyField(  # type: ignore[var-annotated]
        Division, blank=True, related_name="+", verbose_name=_("applicable divisions")
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    review_cycle_days = models.PositiveSmallIntegerField(_("review cycle (days)"), default=180)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    attachments = models.JSONField(default=list, blank=True, help_text="[{id, name}] at this version")
    note = models.CharField(_("change note"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="kb_version_unique")]
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")

    def __str__(self) -> str:
        return f"KB{self.entry_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("entry versions are immutable: make a new version")
        super().save(*args, **kwargs)

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in (s.strip() for s in self.keywords.split(",")) if k]

    @property
    def synonym_list(self) -> list[str]:
        return [k for k in (s.strip() for s in self.synonyms.split(",")) if k]


def attachment_path(instance: EntryAttachment, filename: str) -> str:
    return f"knowledge/{instance.entry_id}/{filename}"


class EntryAttachment(models.Model):
    """A file that belongs to an entry's answer (a form, a map, a fee table)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.name


class EntryAction(models.TextChoices):
    CREATE = "create", _("created")
    EDIT = "edit", _("edited")
    SUBMIT = "submit", _("submitted")
    RETURN = "return", _("returned")
    PUBLISH = "publish", _("published")
    WITHDRAW = "withdraw", _("withdrawn")
    CONFIRM = "confirm", _("review confirmed")
    REPORT = "report", _("reported")
    RESOLVE = "resolve", _("report resolved")
    REVIEW_DUE = "review_due", _("review due flagged")
    EXPIRY = "expiry", _("expiry flagged")
    ATTACH = "attach", _("attachment added")
    DETACH = "detach", _("attachment removed")


class EntryEvent(models.Model):
    """The audit trail of an entry: who did what, when, with which version. Append-only."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        EntryVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=EntryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["entry", "at", "id"]

    def __str__(self) -> str:
        return f"KB{self.entry_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("entry events are append-only")
        super().save(*args, **kwargs)


class ReportKind(models.TextChoices):
    WRONG = "wrong", _("wrong")  # 内容错误
    OUTDATED = "outdated", _("outdated")  # 已过时
    UNCLEAR = "unclear", _("unclear")  # 表述不清
    OTHER = "other", _("other")


class ReportState(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


class EntryReport(models.Model):
    """An agent's report that an entry is wrong or outdated (纠错)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(EntryVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("problem"), max_length=10, choices=ReportKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    order = models.ForeignKey(
        "workorders.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"KB{self.entry_id} {self.kind}"


class EntryUse(models.Model):
    """An entry used to answer an order: recorded from the order's ANSWER event with ``knowledge_ref``."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="uses")
    version = models.ForeignKey(EntryVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="knowledge_uses")
    event_id = models.BigIntegerField(unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"KB{self.entry_id} → {self.order_id}"


class SearchSource(models.TextChoices):
    PANEL = "panel", _("agent console")
    STAFF = "staff", _("staff search")
    PUBLIC = "public", _("public FAQ")
    API = "api", _("API")


class SearchGap(models.Model):
    """A query that found nothing: a gap the center may fill with a new entry."""

    query = models.CharField(_("query"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("times searched"), default=0)
    first_at = models.DateTimeField(_("first searched"))
    last_at = models.DateTimeField(_("last searched"), db_index=True)
    last_source = models.CharField(max_length=10, choices=SearchSource.choices)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("filled by")
    )

    class Meta:
        ordering = ["-count", "-last_at"]

    def __str__(self) -> str:
        return self.query


class SynonymGroup(models.Model):
    """Words that mean the same to callers (医保, 医疗保险, 医疗保障): a query with one also finds the others."""

    terms = models.CharField(_("terms"), max_length=500, help_text=_("comma separated"))
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [t for t in (s.strip() for s in self.terms.replace("，", ",").split(",")) if t]


class IndexState(models.Model):
    """One row: the generation counter bumped by every change that affects search, so each process can
    tell cheaply whether its in-memory index is current, and the shared snapshot the worker last built.
    ``token`` changes when the row is recreated (a new database), which forces a rebuild."""

    token = models.CharField(max_length=32)
    generation = models.BigIntegerField(default=0)
    snapshot_name = models.CharField(max_length=100, blank=True)
    snapshot_generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"generation {self.generation}"

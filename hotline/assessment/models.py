"""Assessment (考核): schemes of weighted indicators with their formulas, the published results with their
notices (考核通报), the Word templates an admin edits, and the audit of scheme changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.Model):
    """An assessment scheme: indicators with weights and formulas, and what is exempt."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    preset = models.CharField(_("from preset"), max_length=40, blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("used by the briefings and the monthly publication")
    )
    active = models.BooleanField(_("active"), default=True)
    exempt_accepted_returns = models.BooleanField(
        _("accepted returns are exempt"),
        default=True,
        help_text=_("a return the center accepted is not held against the unit"),
    )
    exempt_approved_extensions = models.BooleanField(
        _("approved extensions are exempt"),
        default=True,
        help_text=_("an approved extension moves the deadline the unit is judged by"),
    )
    min_orders = models.PositiveIntegerField(
        _("minimum assignments to be ranked"),
        default=5,
        help_text=_("units with fewer are listed, not ranked"),
    )
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock; bumped by every change")
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="assessment_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One indicator of a scheme. ``formula`` gives its value from the measures (e.g.
    ``rate(completed_on_time, completion_due)``); ``score_formula`` turns the value into points (0–100 for
    a weighted indicator; bonus or penalty points for an adjustment)."""

    class Kind(models.TextChoices):
        WEIGHTED = "weighted", _("weighted")  # 权重指标
        ADJUSTMENT = "adjustment", _("bonus or penalty")  # 加减分项

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.WEIGHTED)
    formula = models.CharField(_("value formula"), max_length=500)
    score_formula = models.CharField(_("score formula"), max_length=500, default="value")
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=0)
    unit_label = models.CharField(_("unit of the value"), max_length=10, blank=True, default="%")
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    description = models.TextField(_("description"), blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="assessment_indicator_code")]

    def __str__(self) -> str:
        return f"{self.scheme.code}.{self.code}"


class SchemeChange(models.Model):
    """Audit of every change to a scheme: who, when, and the scheme as it was after the change."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DEFAULT = "default", _("made default")
        DEACTIVATE = "deactivate", _("deactivated")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DocumentTemplate(models.Model):
    """A Word template (docxtpl: Jinja tags in a .docx) for the assessment notice or the briefings. The
    newest upload of a kind is the one in use; without any, the built-in template is used."""

    class Kind(models.TextChoices):
        NOTICE = "assessment_notice", _("assessment notice")  # 考核通报
        BRIEFING = "briefing", _("briefing")  # 简报

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to="document-templates/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class Publication(models.Model):
    """A published assessment (考核结果): the figures frozen when it was published, and its notice."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("scheduled")
        MANUAL = "manual", _("on demand")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="publications")
    period_kind = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField(help_text="exclusive")
    as_of = models.DateTimeField(_("figures as of"))
    content = models.JSONField(default=dict)
    notice = models.FileField(upload_to="assessment-notices/%Y/", blank=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_start", "-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period_kind", "period_start"],
                condition=models.Q(trigger="schedule"),
                name="assessment_one_scheduled_publication",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period_start:%Y-%m-%d}"

"""Briefings (简报): weekly, ten-day (旬报) and monthly documents for leaders, kept in an archive with who
generated them when, and the typical cases (典型案例) staff choose for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Briefing(models.Model):
    """One generated briefing: the figures as computed at generation time (``content``) and its Word
    document. Generating again for the same period adds a new entry; the schedule makes one per period."""

    class Kind(models.TextChoices):
        WEEK = "week", _("weekly briefing")  # 周报
        TENDAY = "tenday", _("ten-day briefing")  # 旬报
        MONTH = "month", _("monthly briefing")  # 月报

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("scheduled")
        MANUAL = "manual", _("on demand")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"), help_text="exclusive")
    title = models.CharField(_("title"), max_length=200)
    issue = models.CharField(_("issue"), max_length=40, blank=True)
    content = models.JSONField(default=dict)
    document = models.FileField(upload_to="briefings/%Y/", blank=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        ordering = ["-period_start", "-generated_at", "-id"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=models.Q(trigger="schedule"),
                name="briefings_one_scheduled_per_period",
            )
        ]
        indexes = [models.Index(fields=["kind", "period_start"])]

    def __str__(self) -> str:
        return self.title


class TypicalCase(models.Model):
    """An order staff chose as a typical case (典型案例), with their write-up. It appears in every briefing
    whose period covers ``date``. Withdrawing keeps the row (who chose and withdrew it, when)."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.PROTECT, related_name="+")
    headline = models.CharField(_("headline"), max_length=100)
    summary = models.TextField(_("write-up"))
    date = models.DateField(_("for the briefings covering"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-chosen_at", "-id"]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def __str__(self) -> str:
        return self.headline

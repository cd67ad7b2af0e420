"""Publication (分类选登) of selected, anonymised answered orders on the public portal.

A case is selected by the center from an answered order, its text anonymised automatically
(``redaction.py``) and reviewed, then published; it can be withdrawn. The caller's wish not to be
published (``WorkOrder.publish_consent``) is checked when a case is selected and published, and a case
is withdrawn at once when the caller withdraws consent. ``CaseLog`` records every step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.taxonomy.models import Category
from hotline.workorders.models import WorkOrder


class PublishedCase(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("under review")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="publication")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("request"))
    answer = models.TextField(_("answer"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    category_name = models.CharField(_("category"), max_length=100, blank=True)
    request_type = models.CharField(_("type"), max_length=16, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    answered_on = models.DateField(_("answered on"))
    redactions = models.JSONField(
        default=dict, blank=True, help_text="kinds of personal data removed, with counts"
    )
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    selected_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-selected_at"]
        verbose_name = _("published case")
        verbose_name_plural = _("published cases")

    def __str__(self) -> str:
        return self.title


class CaseLog(models.Model):
    class Action(models.TextChoices):
        SELECT = "select", _("selected")
        EDIT = "edit", _("edited")
        PUBLISH = "publish", _("published")
        WITHDRAW = "withdraw", _("withdrawn")

    case = models.ForeignKey(PublishedCase, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

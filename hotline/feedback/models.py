"""Callback (回访): which orders are exempt from it (data, edited by administrators), the survey of each
caller after a reply is accepted — by SMS first, then by an agent's phone call — and its result, kept per
order, round and unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.workorders.models import Satisfaction


class CallbackExemption(models.Model):
    """A kind of order whose caller is not called back. ``match`` says what is compared, ``value`` with
    what (a request type, a category code and its sub-tree, a channel code); the ``code`` is the reason
    recorded when such an order is closed without a callback."""

    class Match(models.TextChoices):
        ANONYMOUS = "anonymous", _("anonymous caller")
        CONFIDENTIAL = "confidential", _("confidential caller")
        REJECTED = "rejected", _("request rejected (不予受理)")
        REQUEST_TYPE = "request_type", _("request type")
        CATEGORY = "category", _("category (with its sub-categories)")
        CHANNEL = "channel", _("channel")

    NEEDS_VALUE = frozenset({Match.REQUEST_TYPE, Match.CATEGORY, Match.CHANNEL})

    code = models.SlugField(_("reason code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    match = models.CharField(_("applies to"), max_length=16, choices=Match.choices)
    value = models.CharField(_("value"), max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("callback exemption")
        verbose_name_plural = _("callback exemptions")

    def __str__(self) -> str:
        return self.name


class ExemptionChange(models.Model):
    """The audit trail of exemption edits."""

    exemption = models.ForeignKey(CallbackExemption, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.exemption_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class Survey(models.Model):
    """The callback of one round of an order (round 2 follows a reopen): sent by SMS, answered by SMS or
    by phone, or closed when the caller could not be reached. One per order and round."""

    class State(models.TextChoices):
        AWAITING_SMS = "awaiting_sms", _("waiting for the SMS answer")
        PHONE = "phone", _("in the phone callback queue")
        ANSWERED = "answered", _("answered")
        UNREACHABLE = "unreachable", _("closed, caller not reached")
        CANCELLED = "cancelled", _("cancelled")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        PHONE = "phone", _("phone")
        OTHER = "other", _("other channel")  # the portal, a partner system

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="surveys")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("handling unit"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, db_index=True)
    started_at = models.DateTimeField(_("started at"))
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)
    answer_by = models.DateTimeField(_("SMS answer expected by"), null=True, blank=True)
    partial_satisfaction = models.CharField(max_length=16, choices=Satisfaction.choices, blank=True)
    partial_solved = models.BooleanField(null=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    solved = models.BooleanField(_("solved"), null=True)
    channel = models.CharField(_("answered by"), max_length=8, choices=Channel.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_text = models.TextField(_("answer"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("call attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last call attempt"), null=True, blank=True)
    reopened = models.BooleanField(_("reopened"), default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("callback survey")
        verbose_name_plural = _("callback surveys")
        constraints = [models.UniqueConstraint(fields=["order", "round"], name="survey_once_per_round")]
        indexes = [
            models.Index(fields=["phone", "state"]),
            models.Index(fields=["unit", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.round} {self.state}"
